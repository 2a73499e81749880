"""Base models, background job records and the security audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .scope import ScopedModel


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


def acted_by(verbose_name: Any) -> models.ForeignKey:
    """The user who did something to a record, once someone has: kept while the record refers to
    them, and not offered on the user as a way back to every record they touched."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class RecordEvent(models.Model):
    """One step in a record's history as its owner and the bureaus see it: who did what, when, the
    status it moved between and why. A subclass adds the record (a foreign key, related_name
    "events") and may narrow ``action`` to its choices or the statuses to its own length."""

    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT)
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class VersionedDefinition(TimeStampedModel):
    """One version of a definition file the province edits (an indicator system, a call type):
    stored by content hash and never changed, so whatever was computed or published under it can
    be explained and recomputed exactly; one version per code is current."""

    code = models.CharField(_("编码"), max_length=60)
    name = models.CharField(_("名称"), max_length=120)
    version = models.CharField(_("版本"), max_length=30)
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64, unique=True)
    definition = models.JSONField(_("定义"))
    is_current = models.BooleanField(_("现行版本"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    loaded_by = acted_by(_("导入人"))

    class Meta:
        abstract = True
        ordering = ["code", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Job(ScopedModel, TimeStampedModel):
    """A long task (import, rebuild, report) with progress the UI polls."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    kind = models.CharField(_("任务类型"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    input_file = models.FileField(_("上传文件"), upload_to="jobs/%Y/%m/", blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="jobs"
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Runs begun: a second one follows a worker lost mid-job (core/jobs.py).
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    scope_owner_path = "created_by_id"

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED, self.Status.CANCELLED}

    @property
    def cancellable(self) -> bool:
        """Work that checks for cancellation says so in its params."""
        return bool(self.params.get("cancellable")) and not self.finished and not self.cancel_requested


class AuditEvent(models.Model):
    """Security events the record-change log does not cover: logins, failures, exports."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        LOCKED_OUT = "locked_out", _("账号锁定")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        PERMISSION = "permission", _("权限变更")
        CONTACT = "contact", _("联系方式披露")
        PASSWORD = "password", _("修改密码")
        OTP = "otp", _("两步验证")
        OTP_FAILED = "otp_failed", _("两步验证失败")
        AUDIT_READ = "audit_read", _("查阅审计日志")

    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.CharField(_("内容"), max_length=500, blank=True)
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)

    class Meta:
        verbose_name = _("安全审计事件")
        verbose_name_plural = _("安全审计事件")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"


def client_ip(request: Any) -> str | None:
    """The user's address; behind our own reverse proxy, the one it reports in X-Real-IP."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    if remote in settings.TRUSTED_PROXIES and meta.get("HTTP_X_REAL_IP"):
        return str(meta["HTTP_X_REAL_IP"]).strip() or remote
    return remote


class Notification(models.Model):
    """A message to one user (reminders, escalations, decisions); shown under the bell in the header."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=120)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("去重键"), max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # The mail channel (core/notifications.py) is an outbox: `bqw notify mail` sends what is
    # pending, so no request waits on the mail server and a failed send is tried again.
    mailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(_("邮件发送次数"), default=0)
    mail_error = models.CharField(_("邮件发送失败原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class AuditSeal(models.Model):
    """One link of the audit chain: the digest of an audit entry together with the link before it.

    Changing, deleting or inserting an audit entry — or a link — afterwards breaks the chain at that
    point, which `bqw audit verify` and the audit page report (core/audit_chain.py)."""

    class Kind(models.TextChoices):
        EVENT = "event", _("安全事件")
        CHANGE = "change", _("数据变更")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    entry_id = models.BigIntegerField(_("记录编号"))
    at = models.DateTimeField(_("记录时间"), db_index=True)
    previous = models.CharField(_("前一环摘要"), max_length=64)
    digest = models.CharField(_("摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计链环")
        verbose_name_plural = _("审计链环")
        constraints = [models.UniqueConstraint(fields=["kind", "entry_id"], name="audit_seal_once_per_entry")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.entry_id}"


class AuditChainHead(models.Model):
    """The chain's last digest, one row; locked while a link is added so links never fork."""

    digest = models.CharField(_("最新摘要"), max_length=64)
    length = models.BigIntegerField(_("链长"), default=0)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return gettext("{length} 环，最新摘要 {value}").format(length=self.length, value=self.digest[:12])


class AuditVerification(models.Model):
    """The result of checking the chain, shown on the audit page."""

    at = models.DateTimeField(_("校验时间"), auto_now_add=True)
    by = models.CharField(_("校验人"), max_length=150, blank=True)
    checked = models.BigIntegerField(_("已校验环数"))
    intact = models.BooleanField(_("完整"))
    problem = models.CharField(_("第一处断点"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("审计链校验")
        verbose_name_plural = _("审计链校验")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'完整' if self.intact else '断开'}"
