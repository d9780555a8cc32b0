"""Exports too long for a request (导出任务): queued by the list's own view, built by `wuxing exports run`.

A list export is built in the request while it has at most EXPORT_INLINE_ROWS rows; a longer one (a province's
half a million plan tasks take a minute or more, past gunicorn's timeout on a slow host) becomes an ExportJob. The
command builds it with its owner's scope as it is then (the builder reads through the policy again), stores the
file under MEDIA_ROOT/exports/, tells the owner (the bell, with the download link) and keeps it EXPORT_KEEP_DAYS.
Apps name what they can build with `register_export`; the job holds only that name and plain parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core import audit
from wuxing.core.exports import csv_bytes, sheet_name, xlsx_bytes
from wuxing.core.models import ExportJob
from wuxing.core.notify import notify


@dataclass
class Sheet:
    """What an export builder gives: the header row, the rows (lazy: read only when the file is written), the sheet's
    title (None: the file's name) and `size`, what tells whether it is too long for a request — a queryset of the
    rows (counted no further than the limit) or their number."""

    headers: Sequence[str]
    rows: Iterable[Sequence]
    title: str | None
    size: object


# kind -> build(user, params) -> Sheet, read with `user`'s scope as it is; raises ExportGone when it is out of it.
Builder = Callable[[object, dict], Sheet]
_BUILDERS: dict[str, Builder] = {}
STALE = dt.timedelta(minutes=30)  # a job "running" this long was left by a process that died: built again
MAX_ATTEMPTS = 3


class ExportGone(Exception):
    """What the export was of is gone, or out of its owner's scope now."""


def register_export(kind: str, build: Builder) -> None:
    _BUILDERS[kind] = build


def build_export(kind: str, user, params: dict) -> Sheet:
    return _BUILDERS[kind](user, params)


def too_long(size) -> bool:
    """Whether a sheet of `size` (a queryset of its rows, or their number) is too long to build inside a request.
    A queryset is counted no further than the limit, so asking costs the same for a district and a province."""
    limit = settings.EXPORT_INLINE_ROWS
    return (size if isinstance(size, int) else size[:limit + 1].count()) > limit


def queue_export(user, kind: str, params: dict, name: str, fmt: str) -> ExportJob:
    if kind not in _BUILDERS:
        raise ValueError(f"no export builder named {kind!r}")
    with transaction.atomic():
        job = ExportJob.objects.create(user=user, kind=kind, params=params, name=name[:200],
                                       fmt="csv" if fmt == "csv" else "xlsx")
        audit.record(user, "export.queue", job, {"kind": kind, "params": params, "name": job.name})
    return job


def _claim() -> ExportJob | None:
    """The oldest waiting job, claimed by a conditional update (several runners may work at once); a job left
    running by a dead process is taken again, up to MAX_ATTEMPTS."""
    now = timezone.now()
    waiting = ExportJob.objects.filter(status=ExportJob.QUEUED) | ExportJob.objects.filter(
        status=ExportJob.RUNNING, started_at__lt=now - STALE)
    for job in waiting.order_by("created_at", "pk")[:20]:
        if ExportJob.objects.filter(pk=job.pk, status=job.status, started_at=job.started_at).update(
                status=ExportJob.RUNNING, started_at=now, attempts=job.attempts + 1):
            job.refresh_from_db()
            return job
    return None


def _fail(job: ExportJob, reason: str) -> None:
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.FAILED, error=reason[:500],
                                                   finished_at=timezone.now())
        notify([job.user], _("导出失败：{name}").format(name=job.name), reason[:500], reverse("exports"))


def run_one(job: ExportJob) -> None:
    """Build a claimed job's file, store it and tell its owner; a failure is recorded and told, never raised."""
    if job.attempts > MAX_ATTEMPTS:
        return _fail(job, _("多次生成未完成，请缩小范围后重新导出。"))
    if job.kind not in _BUILDERS:
        return _fail(job, _("此类导出已不再提供。"))
    counted = 0

    def counting(rows):
        nonlocal counted
        for row in rows:
            counted += 1
            yield row

    try:
        sheet = build_export(job.kind, job.user, job.params)
        if job.fmt == "csv":
            data = csv_bytes(sheet.headers, counting(sheet.rows))
        else:
            data = xlsx_bytes([(sheet_name(sheet.title or job.name), sheet.headers, counting(sheet.rows))])
    except ExportGone as exc:
        return _fail(job, str(exc) or _("要导出的内容已不存在，或您已无权查看。"))
    except Exception as exc:  # noqa: BLE001 - the owner is told; the operator sees the traceback in the log
        import logging

        logging.getLogger(__name__).exception("export job %s failed", job.pk)
        return _fail(job, _("生成失败（{error}），请稍后重新导出或联系管理员。").format(error=type(exc).__name__))
    job.file.save(job.filename, ContentFile(data), save=False)
    with transaction.atomic():
        done = ExportJob.objects.filter(pk=job.pk, status=ExportJob.RUNNING, started_at=job.started_at).update(
            status=ExportJob.DONE, file=job.file.name, rows=counted, size=len(data), error="",
            finished_at=timezone.now())
        if done:
            notify([job.user], _("导出已完成：{name}").format(name=job.name),
                   _("共 {rows} 行，保留 {days} 天。").format(rows=counted, days=settings.EXPORT_KEEP_DAYS),
                   reverse("export_download", args=[job.pk]))
    if not done:  # taken over meanwhile (this run outlived STALE): the other run's file stands
        job.file.storage.delete(job.file.name)
    return None


def run_exports(limit: int = 5) -> int:
    """Build up to `limit` waiting exports, then drop the expired ones; how many were built (or failed)."""
    done = 0
    while done < limit:
        job = _claim()
        if job is None:
            break
        run_one(job)
        done += 1
    expire_exports()
    return done


def expire_exports() -> int:
    """Files and rows of exports finished more than EXPORT_KEEP_DAYS ago."""
    cutoff = timezone.now() - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(finished_at__lt=cutoff))
    for job in old:
        if job.file:
            job.file.storage.delete(job.file.name)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)
