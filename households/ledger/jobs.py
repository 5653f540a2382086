"""Ledger imports in the browser: upload → check (preview) → confirm → import, each step a Celery task.

The job row (LedgerImport) carries the state, so the page survives a reload. The uploaded file lives under
MEDIA_ROOT/imports until the job ends and is removed then.
"""

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import areas_in_scope
from households.models import ImportStatus, LedgerImport
from households.tasks import ledger_apply_task, ledger_check_task

from .importer import ImportResult, LedgerInvalidError, LedgerUnreadableError, ledger_import
from .reader import sniff
from .safety import UnsafeWorkbookError, check_xlsx

MISSING_SHOWN = 500
logger = logging.getLogger(__name__)


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_upload(*, actor: User, upload: UploadedFile, year: int) -> LedgerImport:
    """Store an uploaded ledger and queue its check. Refuses files too large or not a spreadsheet by content."""
    limit = settings.LEDGER_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件太大（{upload.size // 1024 // 1024} MB），上限是 {limit // 1024 // 1024} MB。")
    head = upload.read(8)
    upload.seek(0)
    try:
        kind = sniff(head)
    except LedgerUnreadableError as exc:
        raise ValidationError(str(exc)) from None
    stored = _import_dir() / f"{uuid.uuid4().hex}.{kind}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    if kind == "xlsx":
        try:
            check_xlsx(stored)  # a zip or XML bomb is refused at once, before any task parses it
        except UnsafeWorkbookError as exc:
            stored.unlink(missing_ok=True)
            raise ValidationError(str(exc)) from None
    job = LedgerImport.objects.create(actor=actor, file_name=upload.name[:200], stored_file=str(stored), year=year)
    transaction.on_commit(lambda: ledger_check_task.delay(job.pk))
    return job


def _progress(job_id: int) -> Callable[[str, int], None]:
    def report(stage: str, percent: int) -> None:
        LedgerImport.objects.filter(pk=job_id).update(stage=stage, progress=percent)

    return report


def _store(job: LedgerImport, result: ImportResult) -> None:
    summary = asdict(result)
    summary.pop("errors")
    summary["missing_members"] = summary["missing_members"][:MISSING_SHOWN]
    job.summary = summary
    job.errors = [[e.row, e.column, e.value, e.message] for e in result.errors]


def _run(job: LedgerImport, *, dry_run: bool, failed_stage: str) -> ImportResult | None:
    """Run the pipeline for a job. A file that cannot be read or has no header ends the job as invalid (None);
    any other failure ends it as failed (None, the job saved), with the reason on the job page and the
    traceback in the log. It is never raised: in the embedded default the task runs inside the request, and
    a clerk must see a sentence, not an error page (no import path answers 500)."""
    try:
        return ledger_import(
            path=Path(job.stored_file),
            actor=job.actor,
            areas=areas_in_scope(job.actor),
            year=job.year,
            dry_run=dry_run,
            progress=_progress(job.pk),
        )
    except (LedgerUnreadableError, LedgerInvalidError) as exc:
        job.status, job.errors, job.summary = ImportStatus.INVALID, [[0, "", "", str(exc)]], {}
        return None
    except Exception as exc:
        logger.exception("ledger import job %s failed", job.pk)
        reason = f"{failed_stage}：系统内部错误（{type(exc).__name__}），未写入任何数据。请把导入编号 {job.pk} 告诉系统管理员。"
        job.status, job.stage = ImportStatus.FAILED, reason[: LedgerImport._meta.get_field("stage").max_length]
        _finish(job)
        job.save()
        return None


def _finish(job: LedgerImport) -> None:
    job.finished_at = timezone.now()
    job.progress = 100
    Path(job.stored_file).unlink(missing_ok=True)
    job.stored_file = ""


def import_check(*, job_id: int) -> LedgerImport:
    """Check every row and compute the preview; nothing is written to the registry."""
    job = LedgerImport.objects.select_related("actor").get(pk=job_id)
    if job.status != ImportStatus.UPLOADED:
        return job  # already checked: a second delivery of the task changes nothing
    LedgerImport.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, stage="开始检查")
    result = _run(job, dry_run=True, failed_stage="检查时出错")
    if job.status == ImportStatus.FAILED:
        return job
    if result is not None:
        _store(job, result)
        job.status = ImportStatus.CHECKED if result.ok else ImportStatus.INVALID
    job.stage, job.progress = "检查完毕", 100
    if job.status == ImportStatus.INVALID:
        _finish(job)
    job.save()
    return job


def import_confirm(*, actor: User, job: LedgerImport) -> LedgerImport:
    """The clerk confirms the preview: queue the import itself."""
    updated = LedgerImport.objects.filter(pk=job.pk, actor=actor, status=ImportStatus.CHECKED).update(
        status=ImportStatus.IMPORTING, stage="等待导入", progress=0
    )
    if not updated:
        raise ValidationError("这个导入不在“检查通过，等待确认”状态，不能确认。")
    transaction.on_commit(lambda: ledger_apply_task.delay(job.pk))
    job.refresh_from_db()
    return job


def import_cancel(*, actor: User, job: LedgerImport) -> LedgerImport:
    """The clerk decides not to import a checked ledger: the job ends and the stored file is removed."""
    with transaction.atomic():
        job = LedgerImport.objects.select_for_update().get(pk=job.pk)
        if job.actor_id != actor.pk or job.status != ImportStatus.CHECKED:
            raise ValidationError("只有自己上传、检查通过且尚未确认的导入才能取消。")
        job.status, job.stage = ImportStatus.CANCELLED, "已取消，未导入"
        _finish(job)
        job.save()
    return job


def imports_sweep(*, now: datetime | None = None) -> int:
    """Remove the files of uploads left unconfirmed (or stuck) for LEDGER_UPLOAD_KEEP_HOURS, ending their jobs,
    and any stray file in the upload folder as old. Returns the number of files removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.LEDGER_UPLOAD_KEEP_HOURS)
    removed = 0
    hours = settings.LEDGER_UPLOAD_KEEP_HOURS
    for pk in LedgerImport.objects.filter(created_at__lt=cutoff).exclude(stored_file="").values_list("pk", flat=True):
        with transaction.atomic():
            job = LedgerImport.objects.select_for_update().get(pk=pk)
            if not job.stored_file:
                continue  # ended meanwhile
            removed += Path(job.stored_file).exists()
            if job.status == ImportStatus.IMPORTING:
                job.status, job.stage = ImportStatus.FAILED, f"导入超过 {hours} 小时未完成，已停止，文件已删除"
            elif job.status in (ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.CHECKED):
                job.status, job.stage = ImportStatus.CANCELLED, f"超过 {hours} 小时未确认，已自动取消，文件已删除"
            _finish(job)
            job.save()
    known = set(LedgerImport.objects.exclude(stored_file="").values_list("stored_file", flat=True))
    for path in _import_dir().iterdir():
        old = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < cutoff
        if path.is_file() and old and str(path) not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def import_apply(*, job_id: int) -> LedgerImport:
    """Import the confirmed ledger. The rows are checked again against the data as it is now; all or nothing."""
    job = LedgerImport.objects.select_related("actor").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING or not job.stored_file:
        return job
    result = _run(job, dry_run=False, failed_stage="导入时出错")
    if job.status == ImportStatus.FAILED:
        return job
    if result is not None:
        _store(job, result)
        job.status = ImportStatus.DONE if result.written else ImportStatus.INVALID
    job.stage = "导入完成" if job.status == ImportStatus.DONE else "数据已变化，重新检查发现错误，未导入"
    _finish(job)
    job.save()
    return job
