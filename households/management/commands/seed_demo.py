from django.core.management.base import BaseCommand, CommandParser

from households.demo import DEFAULT_PASSWORD, DEMO_SECTOR_USERS, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = (
        "载入演示数据：示例区划、各年度扶贫标准（示意数字）、约 150 户演示农户，以及演示用户 "
        "shangjia（商家镇）、mengshui（萌水镇）、district（区扶贫办）。可重复运行，不会重复创建；"
        "--password 会重置演示用户的密码。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help=f"演示用户的密码（新建时默认 {DEFAULT_PASSWORD}）")

    def handle(self, *args: object, password: str | None = None, **options: object) -> None:
        result = seed_demo(password=password)
        self.stdout.write(
            f"演示数据就绪：新增区划 {result.areas_created} 个，年度标准 {result.standards} 个，"
            f"新增用户 {result.users_created} 个，新增农户 {result.households_created} 户。"
        )
        for line in result.other:
            self.stdout.write(line)
        shown = password or (DEFAULT_PASSWORD if result.users_created else "（未改变）")
        for username, last, first, _role, _code in DEMO_USERS:
            self.stdout.write(f"  用户 {username:<10} {last}{first}  密码 {shown}")
        for username, last, first, _sector in DEMO_SECTOR_USERS:
            self.stdout.write(f"  用户 {username:<10} {last}{first}（行业部门）  密码 {shown}")
