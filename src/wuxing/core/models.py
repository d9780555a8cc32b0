"""Cross-cutting models: the hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core import hashing


class AuditHead(models.Model):
    """The single row that serialises appends to the chain (locked with SELECT ... FOR UPDATE).

    Locking the newest event instead would let two writers read the same predecessor under
    READ COMMITTED and fork the chain; a fixed row re-read after the lock wait cannot.
    """

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=hashing.GENESIS)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = verbose_name


class AuditEvent(models.Model):
    """One link of the append-only, hash-chained audit log."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    unit_path = models.CharField(_("所属单位路径"), max_length=255, blank=True, db_index=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    algorithm = models.CharField(_("算法"), max_length=16)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def sealed_fields(self) -> dict:
        """The fields the hash covers; everything a reader relies on."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "unit_path": self.unit_path,
            "data": self.data,
            "ip": self.ip,
        }


class Notification(models.Model):
    """An in-app message (the bell). Created by services and scheduled commands."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["user", "read_at"], name="core_notification_unread")]

    def __str__(self) -> str:
        return self.title


class UnitVersion(models.Model):
    """A number per branch that every write of the branch's own work moves, inside the write's transaction
    (wuxing.core.versions): a page part cached under an older number is stale the moment the write commits, in
    every process. Row 0 is the epoch, moved by writes that touch many branches at once (a campaign's rules, the
    org tree, a rebuild). Rows are never deleted or reset, so a number is never reused."""

    unit_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("支部版本号")
        verbose_name_plural = verbose_name


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user) -> ExportJobQuerySet:
        """A person's own exports: nobody else's, whatever their role (the file holds what its owner may read)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class ExportJob(models.Model):
    """A list too long to build inside a request (wuxing.core.services.queue_export), built by `wuxing exports run`
    with its owner's scope as it is then, kept for EXPORT_KEEP_DAYS and downloaded by its owner only."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUS_CHOICES = [(QUEUED, _("排队中")), (RUNNING, _("生成中")), (DONE, _("已完成")), (FAILED, _("失败"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("类别"), max_length=60)
    params = models.JSONField(_("参数"), default=dict)
    name = models.CharField(_("文件名"), max_length=200)
    fmt = models.CharField(_("格式"), max_length=8, default="xlsx")
    status = models.CharField(_("状态"), max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("大小"), null=True, blank=True)
    error = models.CharField(_("原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("导出任务")
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["status", "created_at"], name="core_exportjob_queue")]

    def __str__(self) -> str:
        return self.name

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.fmt}"
