from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import AreaFileError, areas_load


class Command(BaseCommand):
    help = (
        "载入区划树（区 → 镇 → 行政村）。文件为 CSV，表头 code,name,level,parent_code；"
        "按区划代码更新，可重复运行。任何一行有误则不写入，并列出全部问题。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="区划 CSV 文件（UTF-8 或 GBK）")

    def handle(self, *args: object, file: Path, **options: object) -> None:
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            result = areas_load(path=file)
        except AreaFileError as exc:
            raise CommandError("区划文件有误，未写入任何数据：\n" + "\n".join(exc.problems)) from exc
        self.stdout.write(f"区划载入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}。")
