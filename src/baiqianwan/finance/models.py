"""农村科技金融 (政策 三(三)): the ledgers of rural tech finance.

- 科技信贷: banks' credit products for rural specialty industries, applications from enterprises,
  cooperatives and family farms, the loans banks record, and — for loans under the 科技信贷风险补偿
  scheme — the ratio each keeps from the day it was lent (higher in 粤东西北, 三(三)二是), defaults
  and compensation claims. The amount lent in 粤东西北 under the scheme is KPI-EWN-TECH-CREDIT.
- 省创新创业基金 sub-funds, their managers and investments (三(三)一是).
- 上市后备科技企业 pool: enterprises recommended by their city, by stage, with the services given.
- 科技金融服务中心 and the stations they extend to counties, towns and villages (三(三)三是); those in
  粤东西北 are KPI-EWN-FIN-CENTRES.

Money is 元 with two decimals (Decimal, never float), as loan contracts state it; the KPI reports
亿元. The arithmetic of compensation is the plain engine in ``engine/compensation.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import RecordEvent, TimeStampedModel, acted_by
from baiqianwan.core.money import money_field
from baiqianwan.core.scope import ScopedModel


class SchemeRegion(models.TextChoices):
    """The two regions the compensation ratio distinguishes (政策: 适当提高粤东粤西粤北地区比例)."""

    PEARL = "pearl", _("珠三角")
    EWN = "ewn", _("粤东西北")


class EligibleRegion(models.TextChoices):
    ALL = "all", _("全省")
    EWN = "ewn", _("粤东西北")
    PEARL = "pearl", _("珠三角")


class BorrowerKind(models.TextChoices):
    """Who may borrow: the organisation kinds of rural specialty industries."""

    ENTERPRISE = "enterprise", _("企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    FAMILY_FARM = "family_farm", _("家庭农场")


# ---- 科技信贷风险补偿: ratios -------------------------------------------------------------------


class CompensationRatio(TimeStampedModel):
    """One version of the compensation ratio of a region, in force from its date until the next
    version of that region. Never edited once a loan keeps it; a change is a new version."""

    region = models.CharField(_("区域"), max_length=5, choices=SchemeRegion.choices)
    effective_from = models.DateField(_("起始日期"))
    ratio = models.DecimalField(
        _("补偿比例"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 到 1 之间，如 0.6000 表示损失的 60%"),
    )
    cap = money_field(_("单笔补偿上限（元）"), null=True, blank=True)
    basis = models.CharField(_("依据文件"), max_length=200, blank=True)
    set_by = acted_by(_("设置人"))

    class Meta:
        verbose_name = _("风险补偿比例")
        verbose_name_plural = _("风险补偿比例")
        ordering = ["region", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["region", "effective_from"], name="one_ratio_per_region_day"),
            models.CheckConstraint(
                condition=models.Q(ratio__gt=0) & models.Q(ratio__lte=1), name="ratio_in_zero_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_region_display()} {self.effective_from} {self.ratio}"


# ---- credit products, applications, loans, claims ------------------------------------------


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("发布中")
    CLOSED = "closed", _("已停办")


class CreditProduct(ScopedModel, TimeStampedModel):
    """A bank's loan product for rural specialty industries: who may borrow, where, for which
    industries, how much, how long, at what rate, against what."""

    bank = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("银行"), on_delete=models.PROTECT, related_name="credit_products"
    )
    name = models.CharField(_("产品名称"), max_length=80)
    summary = models.TextField(_("产品说明"), max_length=2000, blank=True)
    industries = models.ManyToManyField(
        "industries.Industry", verbose_name=_("适用产业"), blank=True, related_name="+"
    )
    eligible_region = models.CharField(
        _("适用区域"), max_length=5, choices=EligibleRegion.choices, default=EligibleRegion.ALL
    )
    borrower_kinds = models.JSONField(_("适用对象"), default=list)
    amount_min = money_field(_("最低额度（元）"))
    amount_max = money_field(_("最高额度（元）"))
    term_min_months = models.PositiveSmallIntegerField(_("最短期限（月）"))
    term_max_months = models.PositiveSmallIntegerField(_("最长期限（月）"))
    rate_min = models.DecimalField(_("最低年利率（%）"), max_digits=5, decimal_places=2)
    rate_max = models.DecimalField(_("最高年利率（%）"), max_digits=5, decimal_places=2)
    collateral = models.CharField(_("担保方式"), max_length=200)
    under_scheme = models.BooleanField(_("纳入科技信贷风险补偿"), default=True)
    status = models.CharField(
        _("状态"), max_length=6, choices=ProductStatus.choices, default=ProductStatus.DRAFT, db_index=True
    )
    is_public = models.BooleanField(_("对所有用户公开"), default=False)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The bank's own accounts; everyone once it is on offer.
    scope_organisation_path = "bank"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("信贷产品")
        verbose_name_plural = _("信贷产品")
        ordering = ["bank__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "name"], name="one_product_name_per_bank"),
            models.CheckConstraint(
                condition=models.Q(amount_min__lte=models.F("amount_max")), name="product_amounts_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(term_min_months__lte=models.F("term_max_months")),
                name="product_terms_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_min__lte=models.F("rate_max")), name="product_rates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待银行审批")
    APPROVED = "approved", _("已放款")
    DECLINED = "declined", _("未获批")
    WITHDRAWN = "withdrawn", _("已撤回")


class LoanApplication(ScopedModel, TimeStampedModel):
    """A borrower's application for a product; the bank approves it by recording the loan."""

    product = models.ForeignKey(
        CreditProduct, verbose_name=_("信贷产品"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("申请单位"),
        on_delete=models.PROTECT,
        related_name="loan_applications",
    )
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name=_("所属产业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = money_field(_("申请金额（元）"))
    term_months = models.PositiveSmallIntegerField(_("申请期限（月）"))
    purpose = models.TextField(_("资金用途"), max_length=1000)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = acted_by(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The applicant and the bank; the bureaus of the applicant's region.
    scope_division_path = "applicant__division"
    scope_organisation_path = ("applicant", "product__bank")
    scope_owner_path = "submitted_by"

    class Meta:
        verbose_name = _("贷款申请")
        verbose_name_plural = _("贷款申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.applicant_id}"

    @property
    def reference(self) -> str:
        return f"SQ{self.pk:06d}" if self.pk else ""


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("还款中")
    REPAID = "repaid", _("已结清")
    DEFAULTED = "defaulted", _("已违约")


class Loan(ScopedModel, TimeStampedModel):
    """A loan a bank lent: amount, rate and term within its product's terms; under the scheme it
    keeps the ratio in force on the day it was lent, whatever the province sets later."""

    product = models.ForeignKey(
        CreditProduct, verbose_name=_("信贷产品"), on_delete=models.PROTECT, related_name="loans"
    )
    application = models.OneToOneField(
        LoanApplication,
        verbose_name=_("贷款申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loan",
    )
    bank = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("银行"), on_delete=models.PROTECT, related_name="loans_lent"
    )
    borrower = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("借款单位"), on_delete=models.PROTECT, related_name="loans"
    )
    contract_number = models.CharField(_("借款合同编号"), max_length=40)
    amount = money_field(_("贷款金额（元）"))
    rate = models.DecimalField(_("年利率（%）"), max_digits=5, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    lent_on = models.DateField(_("放款日期"), db_index=True)
    due_on = models.DateField(_("到期日期"))
    place = models.ForeignKey(
        "regions.Division", verbose_name=_("借款单位所在地"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.CharField(_("区域"), max_length=5, choices=SchemeRegion.choices, db_index=True)
    under_scheme = models.BooleanField(_("纳入风险补偿"), default=False, db_index=True)
    ratio_version = models.ForeignKey(
        CompensationRatio,
        verbose_name=_("适用补偿比例"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    ratio = models.DecimalField(_("补偿比例"), max_digits=5, decimal_places=4, null=True, blank=True)
    cap = money_field(_("单笔补偿上限（元）"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.ACTIVE, db_index=True
    )
    repaid_on = models.DateField(_("结清日期"), null=True, blank=True)
    defaulted_on = models.DateField(_("违约日期"), null=True, blank=True)
    outstanding_at_default = money_field(_("违约时贷款余额（元）"), null=True, blank=True)
    recorded_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The bank and the borrower; the bureaus of the borrower's region.
    scope_division_path = "place"
    scope_organisation_path = ("bank", "borrower")

    class Meta:
        verbose_name = _("贷款")
        verbose_name_plural = _("贷款")
        ordering = ["-lent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "contract_number"], name="one_loan_per_bank_contract"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(under_scheme=False) | models.Q(ratio__isnull=False),
                name="scheme_loan_keeps_ratio",
            ),
        ]
        indexes = [models.Index(fields=["region", "under_scheme", "lent_on"], name="loan_kpi")]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.amount}"

    @property
    def reference(self) -> str:
        return f"DK{self.pk:06d}" if self.pk else ""


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已核定")
    PAID = "paid", _("已拨付")
    REJECTED = "rejected", _("不予补偿")


class CompensationClaim(ScopedModel, TimeStampedModel):
    """A bank's claim on a defaulted loan under the scheme. The figures are the engine's, computed
    at the claim from the loan's own ratio and kept as they were approved and paid."""

    loan = models.OneToOneField(Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="claim")
    outstanding = money_field(_("违约时贷款余额（元）"))
    recovered = money_field(_("已追回金额（元）"))
    loss = money_field(_("损失（元）"))
    ratio = models.DecimalField(_("补偿比例"), max_digits=5, decimal_places=4)
    compensation = money_field(_("补偿金额（元）"))
    bank_bears = money_field(_("银行承担（元）"))
    capped = models.BooleanField(_("按上限补偿"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = acted_by(_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "loan__place"
    scope_organisation_path = "loan__bank"

    class Meta:
        verbose_name = _("风险补偿申请")
        verbose_name_plural = _("风险补偿申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compensation__lte=models.F("loss")), name="claim_within_loss"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.compensation}"


class LoanAction(models.TextChoices):
    APPLY = "apply", _("申请")
    WITHDRAW = "withdraw", _("撤回申请")
    DECLINE = "decline", _("不予放款")
    LEND = "lend", _("放款")
    REPAY = "repay", _("结清")
    DEFAULT = "default", _("登记违约")
    CLAIM = "claim", _("申请补偿")
    APPROVE = "approve", _("核定补偿")
    REJECT = "reject", _("不予补偿")
    PAY = "pay", _("拨付补偿")


class LoanEvent(RecordEvent):
    """The history of an application and the loan it became."""

    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("贷款申请"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=LoanAction.choices)

    class Meta(RecordEvent.Meta):
        verbose_name = _("信贷记录")
        verbose_name_plural = _("信贷记录")

    def __str__(self) -> str:
        return f"{self.application_id or ''}/{self.loan_id or ''} {self.action}"


# ---- 省创新创业基金: sub-funds and investments ---------------------------------------------------


class SubFund(ScopedModel, TimeStampedModel):
    """A sub-fund of the 省创新创业基金, run by a fund manager."""

    name = models.CharField(_("子基金名称"), max_length=120, unique=True)
    manager = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("基金管理人"), on_delete=models.PROTECT, related_name="sub_funds"
    )
    size = money_field(_("基金规模（元）"))
    province_share = money_field(_("省级出资（元）"))
    focus_region = models.CharField(
        _("重点投资区域"), max_length=5, choices=EligibleRegion.choices, default=EligibleRegion.ALL
    )
    focus_fields = models.CharField(_("重点投资领域"), max_length=200, blank=True)
    established_on = models.DateField(_("设立日期"))
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The manager's accounts write; every business user reads the list of sub-funds.
    scope_organisation_path = "manager"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("创新创业子基金")
        verbose_name_plural = _("创新创业子基金")
        ordering = ["-established_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(province_share__lte=models.F("size")), name="province_share_within_size"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InvestmentRound(models.TextChoices):
    SEED = "seed", _("种子轮")
    ANGEL = "angel", _("天使轮")
    A = "a", _("A 轮")
    B = "b", _("B 轮")
    C = "c", _("C 轮及以后")
    GROWTH = "growth", _("成长期")
    PRE_IPO = "pre_ipo", _("Pre-IPO")


class Investment(ScopedModel, TimeStampedModel):
    """One investment of a sub-fund in an enterprise."""

    fund = models.ForeignKey(
        SubFund, verbose_name=_("子基金"), on_delete=models.PROTECT, related_name="investments"
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("被投企业"), on_delete=models.PROTECT, related_name="investments"
    )
    round = models.CharField(_("轮次"), max_length=8, choices=InvestmentRound.choices)
    amount = money_field(_("投资金额（元）"))
    invested_on = models.DateField(_("投资日期"), db_index=True)
    industry = models.ForeignKey(
        "industries.Industry",
        verbose_name=_("所属产业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    field = models.CharField(_("技术领域"), max_length=80, blank=True)
    achievement = models.ForeignKey(
        "supply.Achievement",
        verbose_name=_("转化的科技成果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investments",
    )
    in_east_west_north = models.BooleanField(_("投向粤东西北"), default=False, db_index=True)
    for_transfer = models.BooleanField(_("投向成果转化"), default=False)
    recorded_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    # The fund's manager and the enterprise; the bureaus of the enterprise's region.
    scope_division_path = "enterprise__division"
    scope_organisation_path = ("fund__manager", "enterprise")

    class Meta:
        verbose_name = _("子基金投资")
        verbose_name_plural = _("子基金投资")
        ordering = ["-invested_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="investment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} → {self.enterprise_id} {self.amount}"


# ---- 上市后备科技企业 pool ------------------------------------------------------------------------


class ReserveStage(models.TextChoices):
    CULTIVATE = "cultivate", _("培育")
    COACHING = "coaching", _("辅导")
    FILING = "filing", _("申报")
    LISTED = "listed", _("上市")


class ReserveEnterprise(ScopedModel, TimeStampedModel):
    """An enterprise in the 上市后备 pool, recommended by its city, at one stage."""

    enterprise = models.OneToOneField(
        "orgs.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="listing_reserve"
    )
    recommended_by = models.ForeignKey(
        "regions.Division", verbose_name=_("推荐地市"), on_delete=models.PROTECT, related_name="+"
    )
    recommended_on = models.DateField(_("推荐日期"))
    stage = models.CharField(
        _("阶段"), max_length=10, choices=ReserveStage.choices, default=ReserveStage.CULTIVATE, db_index=True
    )
    stage_since = models.DateField(_("进入本阶段日期"))
    target_board = models.CharField(_("拟上市板块"), max_length=40, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    exited = models.BooleanField(_("已退出后备库"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "enterprise__division"
    scope_organisation_path = "enterprise"

    class Meta:
        verbose_name = _("上市后备科技企业")
        verbose_name_plural = _("上市后备科技企业")
        ordering = ["-recommended_on", "-id"]

    def __str__(self) -> str:
        return str(self.enterprise_id)


class ReserveServiceKind(models.TextChoices):
    TRAINING = "training", _("上市培训")
    COACHING = "coaching", _("辅导")
    ROADSHOW = "roadshow", _("路演")
    FINANCING = "financing", _("融资对接")
    POLICY = "policy", _("政策咨询")


class ReserveService(models.Model):
    """A service given to an enterprise in the pool (training, coaching, roadshow, financing)."""

    entry = models.ForeignKey(
        ReserveEnterprise, verbose_name=_("后备企业"), on_delete=models.CASCADE, related_name="services"
    )
    given_on = models.DateField(_("服务日期"))
    kind = models.CharField(_("服务类型"), max_length=20, choices=ReserveServiceKind.choices)
    provider = models.CharField(_("服务机构"), max_length=120)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = acted_by(_("登记人"))

    class Meta:
        verbose_name = _("后备企业服务")
        verbose_name_plural = _("后备企业服务")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind}"


class ReserveEvent(RecordEvent):
    entry = models.ForeignKey(
        ReserveEnterprise, verbose_name=_("后备企业"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(RecordEvent.Meta):
        verbose_name = _("后备库记录")
        verbose_name_plural = _("后备库记录")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.action}"


# ---- 科技金融服务中心 and stations ---------------------------------------------------------------


class StationLevel(models.TextChoices):
    CENTRE = "centre", _("科技金融服务中心")
    COUNTY = "county", _("县域服务站")
    TOWN = "town", _("镇域服务站")
    VILLAGE = "village", _("村域服务点")


class StationService(models.TextChoices):
    """What a centre or station offers (its ``services`` list holds these values)."""

    FINANCING = "financing", _("融资对接")
    POLICY = "policy", _("政策宣讲")
    CREDIT = "credit", _("科技信贷")
    IP_PLEDGE = "ip_pledge", _("知识产权质押")
    LISTING = "listing", _("上市辅导")
    INSURANCE = "insurance", _("保险")


class ActivityKind(models.TextChoices):
    FINANCING = "financing", _("融资对接会")
    POLICY = "policy", _("政策宣讲")
    TRAINING = "training", _("培训")
    ROADSHOW = "roadshow", _("项目路演")
    VISIT = "visit", _("走访企业")
    OTHER = "other", _("其他")


class ServiceStation(ScopedModel, TimeStampedModel):
    """A 科技金融服务中心 (city or province) or a station it extends to a county, town or village."""

    name = models.CharField(_("名称"), max_length=120)
    level = models.CharField(_("层级"), max_length=8, choices=StationLevel.choices, db_index=True)
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属服务中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stations",
    )
    host = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("运营单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finance_stations",
    )
    services = models.JSONField(_("服务内容"), default=list)
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    opened_on = models.DateField(_("设立日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    in_east_west_north = models.BooleanField(_("在粤东西北"), default=False, db_index=True)
    is_public = models.BooleanField(_("对所有用户公开"), default=True)
    created_by = acted_by(_("登记人"))
    version = models.PositiveIntegerField(_("版本"), default=0)

    scope_division_path = "division"
    scope_organisation_path = "host"
    scope_public_field = "is_public"

    class Meta:
        verbose_name = _("科技金融服务站点")
        verbose_name_plural = _("科技金融服务站点")
        ordering = ["division", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="one_station_name_per_division"),
        ]

    def __str__(self) -> str:
        return self.name


class StationActivity(ScopedModel, TimeStampedModel):
    """A service or event a station held: date, kind, title, attendance and enterprises served."""

    station = models.ForeignKey(
        ServiceStation, verbose_name=_("服务站点"), on_delete=models.CASCADE, related_name="activities"
    )
    held_on = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("主题"), max_length=120)
    attendance = models.PositiveIntegerField(_("参加人数"), default=0)
    enterprises_served = models.PositiveIntegerField(_("服务企业数"), default=0)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = acted_by(_("登记人"))

    scope_division_path = "station__division"
    scope_organisation_path = "station__host"
    scope_public_field = "station__is_public"

    class Meta:
        verbose_name = _("服务站点活动")
        verbose_name_plural = _("服务站点活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.station_id} {self.title}"
