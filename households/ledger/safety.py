"""Checks on an uploaded .xlsx before anything parses it: a zip bomb (unpacked size, member count,
compression ratio) and an XML bomb (a DTD, hence entity expansion, in any XML part — parsed with defusedxml).

An .xlsx is a zip of XML parts. calamine would unpack and parse them as it reads, so these checks run first,
on the zip's directory and the start of each XML part, without unpacking whole parts.
"""

import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings

MB = 1024 * 1024


class UnsafeWorkbookError(Exception):
    """The file is refused before parsing; the message says why, in Chinese."""


# A ratio this high is not a spreadsheet: real ledger sheets compress 5–30×. Checked on parts large enough to
# matter, since a tiny part can compress absurdly well.
RATIO_CHECKED_FROM = 1 * MB


def check_xlsx(path: Path) -> None:
    """Refuse a zip bomb or an XML bomb with a Chinese message; return quietly for a sound workbook."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeWorkbookError(
            "无法打开这个 xlsx 文件，文件可能已损坏：请用 Excel/WPS 打开后另存一份再上传。"
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > settings.LEDGER_XLSX_MAX_MEMBERS:
            raise UnsafeWorkbookError(
                f"这个 .xlsx 文件包含 {len(members)} 个部件，超过 {settings.LEDGER_XLSX_MAX_MEMBERS} 个，不像正常的台账，已拒绝。"
            )
        unpacked = sum(m.file_size for m in members)
        if unpacked > settings.LEDGER_XLSX_MAX_UNPACKED_BYTES:
            raise UnsafeWorkbookError(
                f"这个 .xlsx 文件解压后有 {unpacked // MB} MB，超过 {settings.LEDGER_XLSX_MAX_UNPACKED_BYTES // MB} MB 上限"
                "（可能是“压缩炸弹”），已拒绝。请把台账拆成几个文件再上传。"
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size >= RATIO_CHECKED_FROM and ratio > settings.LEDGER_XLSX_MAX_RATIO:
                raise UnsafeWorkbookError(
                    f"这个 .xlsx 文件的部件 {member.filename} 压缩比高达 {ratio:.0f} 倍，不像正常的台账（可能是“压缩炸弹”），已拒绝。"
                )
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                _check_xml(archive, member)


def _check_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Parse the part with defusedxml up to its root element: a DTD, which comes before the root, is refused
    there (forbid_dtd), and with it every entity expansion."""
    try:
        with archive.open(member) as stream:
            for _event, _element in iterparse(stream, events=("start",), forbid_dtd=True):
                return
    except DefusedXmlException as exc:
        raise UnsafeWorkbookError(
            f"这个 .xlsx 文件的部件 {member.filename} 含有 DTD/实体定义（可能是“XML 炸弹”），已拒绝。"
            "正常的 Excel/WPS 文件不会这样：请重新另存后上传。"
        ) from exc
    except Exception as exc:
        raise UnsafeWorkbookError(
            f"这个 .xlsx 文件的部件 {member.filename} 已损坏：请用 Excel/WPS 打开后另存一份再上传。"
        ) from exc
