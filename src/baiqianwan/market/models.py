"""技术市场 (政策 三(二)一是): achievements listed for transfer (挂牌), enquiries about them, and the
technology deals (技术交易) registered by a party, confirmed by the other party and by the bureau
of the place of implementation or of the seller — the ledger KPI-TRANSFERS counts.

三(二)二是: a unit's 职务科技成果转化尽职免责 cases, kept between the unit and the province.
三(二)三是: the 省实验室' and 省重点实验室' transfer events and training, with what they showed and the
deals that followed.

Money is 元 with two decimals (Decimal, never float), as technology contracts state it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import RecordEvent, TimeStampedModel, acted_by
from baiqianwan.core.money import money_field
from baiqianwan.core.scope import ScopedModel
from baiqianwan.supply.models import TransferMode


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    LISTED = "listed", _("挂牌中")
    SOLD = "sold", _("已成交")
    WITHDRAWN = "withdrawn", _("已撤牌")


# Listings every signed-in user reads: on the market, and those sold (the market's record).
PUBLIC_STATUSES = (ListingStatus.LISTED, ListingStatus.SOLD)


class Listing(ScopedModel, TimeStampedModel):
    """An achievement offered on the market in one transfer mode, at a price or a price range,
    by its owner or by a unit the owner has authorised."""

    achievement = models.ForeignKey(
        "supply.Achievement", verbose_name=_("科技成果"), on_delete=models.PROTECT, related_name="listings"
    )
    seller = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("挂牌单位"), on_delete=models.PROTECT, related_name="listings"
    )
    title = models.CharField(_("挂牌名称"), max_length=120)
    mode = models.CharField(_("转化方式"), max_length=12, choices=TransferMode.choices)
    price_min = money_field(_("最低价格（元）"), null=True, blank=True)
    price_max = money_field(_("最高价格（元）"), null=True, blank=True)
    licence_terms = models.TextField(_("许可或转让条件"), max_length=2000, blank=True)
    authority = models.TextField(_("权属与授权说明"), max_length=1000)
    status = models.CharField(
        _("状态"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT, db_index=True
    )
    is_public = models.BooleanField(_("在技术市场公开"), default=False)
    listed_at = models.DateTimeField(_("挂牌时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("成交或撤牌时间"), null=True, blank=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The seller's bureaus and accounts, whoever entered it; everyone once it is on the market.
    scope_division_path = "seller__division"
    scope_organisation_path = "seller"
    scope_owner_path = "created_by"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("成果挂牌")
        verbose_name_plural = _("成果挂牌")
        ordering = ["-listed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "mode"],
                condition=models.Q(status__in=["draft", "listed"]),
                name="one_open_listing_per_achievement_mode",
            ),
            models.CheckConstraint(
                condition=models.Q(price_min__isnull=True)
                | models.Q(price_max__isnull=True)
                | models.Q(price_min__lte=models.F("price_max")),
                name="listing_price_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def negotiable(self) -> bool:
        return self.price_min is None and self.price_max is None


class ListingAction(models.TextChoices):
    CREATE = "create", _("登记")
    EDIT = "edit", _("修改")
    PUBLISH = "publish", _("挂牌")
    WITHDRAW = "withdraw", _("撤牌")
    SOLD = "sold", _("成交")


class ListingEvent(RecordEvent):
    listing = models.ForeignKey(
        Listing, verbose_name=_("成果挂牌"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=ListingAction.choices)

    class Meta(RecordEvent.Meta):
        verbose_name = _("挂牌记录")
        verbose_name_plural = _("挂牌记录")

    def __str__(self) -> str:
        return f"{self.listing_id} {self.action}"


class EnquiryStatus(models.TextChoices):
    OPEN = "open", _("待回复")
    ANSWERED = "answered", _("已回复")


class Enquiry(ScopedModel, TimeStampedModel):
    """A unit's question to the seller about a listing, and the seller's answer."""

    listing = models.ForeignKey(
        Listing, verbose_name=_("成果挂牌"), on_delete=models.CASCADE, related_name="enquiries"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("咨询单位"), on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("咨询人"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("咨询内容"), max_length=2000)
    status = models.CharField(
        _("状态"), max_length=10, choices=EnquiryStatus.choices, default=EnquiryStatus.OPEN
    )
    reply = models.TextField(_("回复"), max_length=2000, blank=True)
    replied_by = acted_by(_("回复人"))
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    # Both units and their bureaus; the person who asked.
    scope_division_path = ("organisation__division", "listing__seller__division")
    scope_organisation_path = ("organisation", "listing__seller")
    scope_owner_path = "asked_by"

    class Meta:
        verbose_name = _("挂牌咨询")
        verbose_name_plural = _("挂牌咨询")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.listing_id} ← {self.organisation_id}"


class DealStatus(models.TextChoices):
    PARTY = "party", _("待对方确认")
    BUREAU = "bureau", _("待科技部门确认")
    REGISTERED = "registered", _("已登记")
    REJECTED = "rejected", _("已退回")


class DealSide(models.TextChoices):
    SELLER = "seller", _("卖方")
    BUYER = "buyer", _("买方")


class Deal(ScopedModel, TimeStampedModel):
    """A technology contract: who sold what to whom, in which mode, for how much and paid when,
    implemented where, under which 技术合同登记编号 — confirmed by both parties and a bureau."""

    title = models.CharField(_("合同名称"), max_length=120)
    achievement = models.ForeignKey(
        "supply.Achievement", verbose_name=_("科技成果"), on_delete=models.PROTECT, related_name="deals"
    )
    listing = models.ForeignKey(
        Listing,
        verbose_name=_("成果挂牌"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    seller = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("卖方"), on_delete=models.PROTECT, related_name="sales"
    )
    buyer = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("买方"), on_delete=models.PROTECT, related_name="purchases"
    )
    mode = models.CharField(_("转化方式"), max_length=12, choices=TransferMode.choices)
    contract_value = money_field(_("合同金额（元）"))
    place = models.ForeignKey(
        "regions.Division", verbose_name=_("实施地"), on_delete=models.PROTECT, related_name="+"
    )
    in_east_west_north = models.BooleanField(_("在粤东西北实施"), default=False)
    contract_number = models.CharField(_("技术合同登记编号"), max_length=16, unique=True)
    registered_on = models.DateField(_("登记日期"))
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("解决的需求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    summary = models.TextField(_("合同主要内容"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DealStatus.choices, default=DealStatus.PARTY, db_index=True
    )
    registered_side = models.CharField(_("登记方"), max_length=6, choices=DealSide.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    party_confirmed_by = acted_by(_("对方确认人"))
    party_confirmed_at = models.DateTimeField(_("对方确认时间"), null=True, blank=True)
    bureau_confirmed_by = acted_by(_("科技部门确认人"))
    bureau_confirmed_at = models.DateTimeField(_("科技部门确认时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    publicity = models.BooleanField(_("须公示"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=0)

    # Each party; the bureaus of the place of implementation and of either party's region.
    scope_division_path = ("place", "seller__division", "buyer__division")
    scope_organisation_path = ("seller", "buyer")
    scope_owner_path = "registered_by"

    class Meta:
        verbose_name = _("技术交易")
        verbose_name_plural = _("技术交易")
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(seller=models.F("buyer")), name="deal_two_parties"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.title}"

    @property
    def reference(self) -> str:
        return f"JY{self.pk:06d}" if self.pk else ""

    @property
    def other_side(self) -> str:
        return DealSide.BUYER if self.registered_side == DealSide.SELLER else DealSide.SELLER


class DealPayment(models.Model):
    """One instalment of the payment schedule; the instalments add up to the contract value."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("技术交易"), on_delete=models.CASCADE, related_name="payments"
    )
    due_on = models.DateField(_("付款日期"))
    amount = money_field(_("金额（元）"))

    class Meta:
        verbose_name = _("付款计划")
        verbose_name_plural = _("付款计划")
        ordering = ["deal", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.amount}"


class DealAction(models.TextChoices):
    REGISTER = "register", _("登记")
    EDIT = "edit", _("修改")
    CONFIRM = "confirm", _("对方确认")
    BUREAU = "bureau", _("科技部门确认")
    REJECT = "reject", _("退回")


class DealEvent(RecordEvent):
    deal = models.ForeignKey(
        Deal, verbose_name=_("技术交易"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=DealAction.choices)

    class Meta(RecordEvent.Meta):
        verbose_name = _("交易记录")
        verbose_name_plural = _("交易记录")

    def __str__(self) -> str:
        return f"{self.deal_id} {self.action}"


# ---- 尽职免责 (三(二)二是) --------------------------------------------------------------------------


class DiligenceStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    DECIDED = "decided", _("已决定")


class DiligenceOutcome(models.TextChoices):
    EXEMPT = "exempt", _("免责")
    NOT_EXEMPT = "not_exempt", _("不予免责")


# The committee's checklist: each item answered yes or no with a remark; 免责 needs every one yes.
DILIGENCE_CHECKS = (
    ("procedure", _("决策程序符合规定")),
    ("no_gain", _("未牟取非法利益")),
    ("disclosed", _("已履行公示/披露")),
    ("valuation", _("估值依据充分")),
    ("approved", _("已按规定审批")),
)


class DiligenceCase(ScopedModel, TimeStampedModel):
    """A unit's case for exempting those who transferred an achievement with due diligence from
    liability for the value it lost: the transfer (a registered deal of the unit's, or one from
    before the platform, described), how it was decided and valued, the approvals, the people
    concerned; then the unit's committee's checklist and decision."""

    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("申请单位"),
        on_delete=models.PROTECT,
        related_name="diligence_cases",
    )
    title = models.CharField(_("案件名称"), max_length=120)
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("技术交易"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="diligence_cases",
    )
    transfer_title = models.CharField(_("转化事项"), max_length=120)
    transferred_on = models.DateField(_("转化日期"))
    transfer_value = money_field(_("转化时价值（元）"))
    current_value = money_field(_("现值（元）"))
    decision_process = models.TextField(_("决策过程"), max_length=2000)
    valuation_basis = models.TextField(_("估值依据"), max_length=2000)
    approvals = models.TextField(_("已取得的审批"), max_length=1000)
    people = models.JSONField(_("相关人员"), default=list, blank=True)
    attachments = models.TextField(_("附件说明"), max_length=1000, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=DiligenceStatus.choices,
        default=DiligenceStatus.DRAFT,
        db_index=True,
    )
    submitted_by = acted_by(_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    committee = models.JSONField(_("委员会成员"), default=list, blank=True)
    checklist = models.JSONField(_("审查清单"), default=dict, blank=True)
    outcome = models.CharField(_("认定结论"), max_length=12, choices=DiligenceOutcome.choices, blank=True)
    reasons = models.TextField(_("认定理由"), max_length=2000, blank=True)
    decided_by = acted_by(_("决定录入人"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The unit's own accounts, and the province (which sees everything); no region bureau.
    scope_organisation_path = "unit"

    class Meta:
        verbose_name = _("尽职免责案件")
        verbose_name_plural = _("尽职免责案件")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(current_value__lt=models.F("transfer_value")),
                name="diligence_case_lost_value",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"MZ{self.pk:06d}" if self.pk else ""

    @property
    def loss(self) -> Decimal:
        return self.transfer_value - self.current_value

    @property
    def checks(self) -> list[dict[str, Any]]:
        """The checklist in its fixed order, for pages and the API."""
        return [
            {
                "key": key,
                "label": str(label),
                "ok": (self.checklist.get(key) or {}).get("ok"),
                "remark": (self.checklist.get(key) or {}).get("remark", ""),
            }
            for key, label in DILIGENCE_CHECKS
        ]


class DiligenceAction(models.TextChoices):
    CREATE = "create", _("登记")
    EDIT = "edit", _("修改")
    SUBMIT = "submit", _("提交")
    DECIDE = "decide", _("决定")


class DiligenceEvent(RecordEvent):
    case = models.ForeignKey(
        DiligenceCase, verbose_name=_("尽职免责案件"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=DiligenceAction.choices)

    class Meta(RecordEvent.Meta):
        verbose_name = _("尽职免责记录")
        verbose_name_plural = _("尽职免责记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


# ---- 转化活动 (三(二)三是) --------------------------------------------------------------------------


class EventKind(models.TextChoices):
    RELEASE = "release", _("成果发布")
    ROADSHOW = "roadshow", _("路演")
    TRAINING = "training", _("培训")


class LabLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省实验室")
    KEY = "key", _("省重点实验室")


class TransferEventStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class TransferEvent(ScopedModel, TimeStampedModel):
    """An achievement release, roadshow or training held by a 省实验室 or 省重点实验室 (or one of its
    branches) in a county, town or village: who came, what was shown, which deals followed."""

    title = models.CharField(_("活动名称"), max_length=120)
    host = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="transfer_events",
    )
    host_level = models.CharField(_("实验室类别"), max_length=10, choices=LabLevel.choices)
    kind = models.CharField(_("活动类型"), max_length=10, choices=EventKind.choices, db_index=True)
    place = models.ForeignKey(
        "regions.Division", verbose_name=_("活动地点"), on_delete=models.PROTECT, related_name="+"
    )
    in_east_west_north = models.BooleanField(_("在粤东西北"), default=False)
    held_on = models.DateField(_("活动日期"), db_index=True)
    industry = models.ForeignKey(
        "industries.Industry", verbose_name=_("领域"), on_delete=models.PROTECT, related_name="+"
    )
    attendance = models.PositiveIntegerField(_("参加人数"))
    summary = models.TextField(_("活动内容"), max_length=2000, blank=True)
    achievements = models.ManyToManyField(
        "supply.Achievement", verbose_name=_("展示成果"), blank=True, related_name="transfer_events"
    )
    deals = models.ManyToManyField(
        Deal, verbose_name=_("后续交易"), blank=True, related_name="transfer_events"
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=TransferEventStatus.choices,
        default=TransferEventStatus.DRAFT,
        db_index=True,
    )
    is_public = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The host's accounts and the bureaus of the place while a draft; every signed-in user once published.
    scope_division_path = "place"
    scope_organisation_path = "host"
    scope_owner_path = "created_by"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("转化活动")
        verbose_name_plural = _("转化活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title
