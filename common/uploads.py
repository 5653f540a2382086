"""Checks of uploaded evidence files (exit-step minutes, signed confirmations, 公示 photos): the type is read
from the content, never from the name, and the size is bounded."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

EVIDENCE_KINDS = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def evidence_kind(upload: UploadedFile, *, max_bytes: int) -> str:
    """ "pdf", "jpeg" or "png", judged by the file's content; otherwise a ValidationError saying what to do."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"附件“{upload.name}”有 {upload.size / 1024 / 1024:.1f} MB，超过 {max_bytes // (1024 * 1024)} MB："
            "请压缩图片或分页扫描后再上传。"
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return "pdf"
    try:
        with Image.open(upload) as image:
            image.verify()
            found = (image.format or "").lower()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"附件“{upload.name}”不是 PDF、JPG 或 PNG 文件，请上传扫描件或照片。") from exc
    finally:
        upload.seek(0)
    if found not in ("jpeg", "png"):
        raise ValidationError(f"附件“{upload.name}”是 {found.upper()} 图片，只接受 JPG 或 PNG。")
    return found
