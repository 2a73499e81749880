"""Writes of the technology market: listing an achievement, enquiring about it, and a deal's
registration by one party, confirmation by the other and by a bureau (or refusal with a reason) —
each step one transaction with its history, version-checked; bad input named by field, in Chinese,
with nothing stored."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from baiqianwan.core.concurrency import version_check
from baiqianwan.core.money import ZERO, amount
from baiqianwan.core.selectors import valid_id
from baiqianwan.core.text import strip_control_characters, to_simplified
from baiqianwan.core.validators import normalise_code, validate_uscc
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.demands.services import demands_solved_elsewhere
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import is_east_west_north
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement, TransferMode

from . import notices, rules
from .models import (
    Deal,
    DealAction,
    DealEvent,
    DealPayment,
    DealSide,
    DealStatus,
    Enquiry,
    EnquiryStatus,
    Listing,
    ListingAction,
    ListingEvent,
    ListingStatus,
)

MAX_PAYMENTS = 40
PAYMENT_SPAN = dt.timedelta(days=366 * 10)  # an instalment within ten years of the registration
PLACE_LEVELS = ("county", "town", "village")
OPEN_DEMANDS = (DemandStatus.ACCEPTED, DemandStatus.MATCHING, DemandStatus.CONFIRMING)
CONTRACT_NUMBER = re.compile(r"\d{16}")
CONTRACT_EXAMPLE = "2025440100000123"
EARLIEST_REGISTRATION = dt.date(2000, 1, 1)


def _text(value: Any, limit: int) -> str:
    return to_simplified(strip_control_characters(str(value or ""))).strip()[:limit]


def publicity_threshold() -> Decimal:
    """Deals of at least this value (元) are published (公示) once registered."""
    return Decimal(str(settings.MARKET_PUBLICITY_THRESHOLD))


def _mode(value: Any) -> str:
    if value not in TransferMode.values:
        raise ValidationError({"mode": gettext("转化方式须是转让、许可、作价入股、合作开发或技术服务")})
    return str(value)


# ---- listings ---------------------------------------------------------------------------------


def _listing_event(listing: Listing, actor: Any, action: str, before: str, note: str = "") -> None:
    ListingEvent.objects.create(
        listing=listing,
        actor=actor,
        action=action,
        from_status=before,
        to_status=listing.status,
        note=note[:500],
    )


def _prices(price_min: Any, price_max: Any) -> tuple[Decimal | None, Decimal | None]:
    """A price (min = max), a range, or none at all (面议); each a sum in 元."""
    low = (
        None
        if price_min in (None, "")
        else amount(price_min, "price_min", gettext("最低价格"), positive=True)
    )
    high = (
        None
        if price_max in (None, "")
        else amount(price_max, "price_max", gettext("最高价格"), positive=True)
    )
    if low is not None and high is None:
        high = low
    if high is not None and low is None:
        low = high
    if low is not None and high is not None and low > high:
        raise ValidationError({"price_max": gettext("最高价格不能低于最低价格")})
    return low, high


def _listing_values(listing: Listing, values: dict[str, Any]) -> None:
    if "mode" in values:
        listing.mode = _mode(values["mode"])
    if "title" in values:
        listing.title = _text(values["title"], 120) or listing.achievement.title[:120]
    if "price_min" in values or "price_max" in values:
        listing.price_min, listing.price_max = _prices(
            values.get("price_min", listing.price_min), values.get("price_max", listing.price_max)
        )
    if "licence_terms" in values:
        listing.licence_terms = _text(values["licence_terms"], 2000)
    if "authority" in values:
        listing.authority = _text(values["authority"], 1000)
    if len(listing.title) < 4:
        raise ValidationError({"title": gettext("挂牌名称至少 4 个字")})
    own = listing.seller_id == listing.achievement.organisation_id
    if len(listing.authority) < (8 if own else 20):
        raise ValidationError(
            {
                "authority": gettext("请说明成果权属（如专利号、品种权号）和本单位处置的依据")
                if own
                else gettext(
                    "挂牌单位不是成果所有单位，请写明授权情况（授权单位、授权文件及有效期，至少 20 字）"
                )
            }
        )


def _open_listing_exists(listing: Listing) -> bool:
    return (
        Listing.all_objects.filter(
            achievement=listing.achievement,
            mode=listing.mode,
            status__in=(ListingStatus.DRAFT, ListingStatus.LISTED),
        )
        .exclude(pk=listing.pk)
        .exists()
    )


def _check_no_duplicate(listing: Listing) -> None:
    if _open_listing_exists(listing):
        raise ValidationError({"mode": gettext("该成果已有同一转化方式的挂牌（草稿或挂牌中），请修改原挂牌")})


def _visible_achievement(acting_user: Any, achievement_id: Any) -> Achievement:
    achievement = (
        Achievement.objects.for_user(acting_user)
        .select_related("organisation")
        .filter(pk=achievement_id)
        .first()
        if valid_id(achievement_id)
        else None
    )
    if achievement is None:
        raise ValidationError({"achievement": gettext("找不到该科技成果，或您无权查看")})
    return achievement


def _visible_listing(acting_user: Any, listing_id: Any) -> Listing:
    listing = (
        Listing.objects.for_user(acting_user)
        .select_related("achievement__organisation", "seller")
        .filter(pk=listing_id)
        .first()
        if valid_id(listing_id)
        else None
    )
    if listing is None:
        raise ValidationError({"listing": gettext("找不到该挂牌，或您无权查看")})
    return listing


@transaction.atomic
def listing_create(
    *,
    acting_user: Any,
    achievement_id: Any,
    seller_id: Any = None,
    publish: bool = False,
    **values: Any,
) -> Listing:
    """A unit lists an achievement it owns or is authorised to transfer (the province may enter
    one for any unit); published at once or kept as a draft."""
    if not rules.can_list(acting_user):
        raise PermissionDenied(gettext("只有单位账号可以挂牌成果"))
    achievement = _visible_achievement(acting_user, achievement_id)
    if rules.can_manage(acting_user):
        seller = (
            Organisation.all_objects.filter(pk=seller_id).first()
            if valid_id(seller_id)
            else achievement.organisation
        )
        if seller is None:
            raise ValidationError({"seller": gettext("找不到挂牌单位")})
    else:
        if seller_id not in (None, "", acting_user.organisation_id):
            raise PermissionDenied(gettext("只能以本单位名义挂牌"))
        seller = acting_user.organisation
    listing = Listing(achievement=achievement, seller=seller, created_by=acting_user, mode="")
    _listing_values(listing, {"title": "", "authority": "", **values})
    _check_no_duplicate(listing)
    listing.full_clean(exclude=["achievement", "seller", "created_by"])
    listing.save()
    _listing_event(listing, acting_user, ListingAction.CREATE, "")
    if publish:
        _publish(listing, acting_user)
    return listing


def _listing_locked(acting_user: Any, listing_id: Any, version: int | None) -> Listing:
    listing = (
        Listing.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("achievement", "seller")
        .filter(pk=listing_id)
        .first()
        if valid_id(listing_id)
        else None
    )
    if listing is None:
        raise PermissionDenied(gettext("找不到该挂牌，或您无权修改"))
    if not (rules.speaks_for(acting_user, listing.seller_id) or rules.can_manage(acting_user)):
        raise PermissionDenied(gettext("只有挂牌单位可以修改挂牌"))
    version_check(current=listing.version, expected=version)
    return listing


@transaction.atomic
def listing_update(
    *, acting_user: Any, listing_id: Any, version: int | None = None, **values: Any
) -> Listing:
    listing = _listing_locked(acting_user, listing_id, version)
    if not rules.can_edit_listing(acting_user, listing):
        raise ValidationError(
            gettext("挂牌已“{status}”，不能再修改").format(status=listing.get_status_display())
        )
    _listing_values(listing, values)
    _check_no_duplicate(listing)
    listing.full_clean(exclude=["achievement", "seller", "created_by"])
    listing.version += 1
    listing.save()
    _listing_event(listing, acting_user, ListingAction.EDIT, listing.status)
    return listing


def _publish(listing: Listing, actor: Any) -> None:
    before = listing.status
    listing.status, listing.is_public, listing.listed_at = ListingStatus.LISTED, True, timezone.now()
    listing.version += 1
    listing.save(update_fields=["status", "is_public", "listed_at", "version", "updated_at"])
    _listing_event(listing, actor, ListingAction.PUBLISH, before)


@transaction.atomic
def listing_publish(*, acting_user: Any, listing_id: Any, version: int | None = None) -> Listing:
    """A draft goes on the market: every signed-in user reads it and units may enquire."""
    listing = _listing_locked(acting_user, listing_id, version)
    if listing.status != ListingStatus.DRAFT:
        raise ValidationError(
            gettext("只有草稿可以挂牌（现为“{status}”）").format(status=listing.get_status_display())
        )
    _publish(listing, acting_user)
    return listing


@transaction.atomic
def listing_withdraw(
    *, acting_user: Any, listing_id: Any, reason: str, version: int | None = None
) -> Listing:
    """The seller takes a draft or a listing off the market, with the reason."""
    listing = _listing_locked(acting_user, listing_id, version)
    if listing.status not in (ListingStatus.DRAFT, ListingStatus.LISTED):
        raise ValidationError(
            gettext("挂牌已“{status}”，不能撤牌").format(status=listing.get_status_display())
        )
    reason = _text(reason, 500)
    if len(reason) < 2:
        raise ValidationError({"reason": gettext("请填写撤牌原因")})
    before = listing.status
    listing.status, listing.is_public, listing.closed_at = ListingStatus.WITHDRAWN, False, timezone.now()
    listing.version += 1
    listing.save(update_fields=["status", "is_public", "closed_at", "version", "updated_at"])
    _listing_event(listing, acting_user, ListingAction.WITHDRAW, before, reason)
    return listing


# ---- enquiries --------------------------------------------------------------------------------


@transaction.atomic
def enquiry_create(*, acting_user: Any, listing_id: Any, message: str) -> Enquiry:
    """Another unit asks the seller about a listing on the market; the seller's accounts are told."""
    listing = _visible_listing(acting_user, listing_id)
    if not rules.can_enquire(acting_user, listing):
        if getattr(acting_user, "organisation_id", None) == listing.seller_id:
            raise ValidationError({"listing": gettext("不能咨询本单位的挂牌")})
        if listing.status != ListingStatus.LISTED:
            raise ValidationError(
                {
                    "listing": gettext("该挂牌已“{status}”，不再接受咨询").format(
                        status=listing.get_status_display()
                    )
                }
            )
        raise PermissionDenied(gettext("只有单位账号可以咨询挂牌成果"))
    message = _text(message, 2000)
    if len(message) < 10:
        raise ValidationError(
            {"message": gettext("请写明咨询内容（至少 10 个字），如应用场景、规模和希望的合作方式")}
        )
    enquiry = Enquiry.objects.create(
        listing=listing, organisation=acting_user.organisation, asked_by=acting_user, message=message
    )
    notices.enquiry_created(enquiry, actor=acting_user)
    return enquiry


@transaction.atomic
def enquiry_reply(*, acting_user: Any, enquiry_id: Any, reply: str) -> Enquiry:
    enquiry = (
        Enquiry.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("listing")
        .filter(pk=enquiry_id)
        .first()
        if valid_id(enquiry_id)
        else None
    )
    if enquiry is None or not rules.can_reply(acting_user, enquiry):
        raise PermissionDenied(gettext("只有挂牌单位可以回复咨询"))
    reply = _text(reply, 2000)
    if len(reply) < 2:
        raise ValidationError({"reply": gettext("请填写回复内容")})
    enquiry.reply, enquiry.status = reply, EnquiryStatus.ANSWERED
    enquiry.replied_by, enquiry.replied_at = acting_user, timezone.now()
    enquiry.save()
    notices.enquiry_replied(enquiry, actor=acting_user)
    return enquiry


# ---- deals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRow:
    due_on: dt.date
    amount: Any


def contract_number_check(value: Any, registered_on: dt.date | None) -> str:
    """技术合同登记编号: 16 digits — the year of registration (4), the province (2, 广东 44), the city
    (2, 00 for the province's own office), the registration office (2) and a serial (6) —
    docs/decisions/0013-technology-market-deals.md gives the sources."""
    number = re.sub(r"[-\s]", "", normalise_code(str(value or "")))
    if not CONTRACT_NUMBER.fullmatch(number):
        raise ValidationError(
            {
                "contract_number": gettext(
                    "技术合同登记编号应为 16 位数字（4 位年份、2 位省份代码、2 位地市代码、2 位登记点编号、"
                    "6 位序号），如 {example}；现为“{value}”"
                ).format(example=CONTRACT_EXAMPLE, value=str(value or "")[:30])
            }
        )
    if number[4:6] != "44":
        raise ValidationError(
            {
                "contract_number": gettext(
                    "技术合同登记编号第 5–6 位应为广东省代码 44（现为 {code}），请填写广东省登记机构的编号"
                ).format(code=number[4:6])
            }
        )
    city = number[6:8]
    if city != "00" and not Division.objects.filter(pk=f"44{city}00000000", level="city").exists():
        raise ValidationError(
            {
                "contract_number": gettext("技术合同登记编号第 7–8 位 {code} 不是广东省的地市代码").format(
                    code=city
                )
            }
        )
    if number[10:] == "000000":
        raise ValidationError({"contract_number": gettext("技术合同登记编号的序号（后 6 位）不能全为 0")})
    if registered_on is not None and int(number[:4]) != registered_on.year:
        raise ValidationError(
            {
                "contract_number": gettext("技术合同登记编号的年份 {year} 与登记日期 {date} 不一致").format(
                    year=number[:4], date=registered_on.isoformat()
                )
            }
        )
    return number


def place_check(code: Any) -> Division:
    """The place of implementation: a county, town or village of Guangdong."""
    code = str(code or "").strip()[:20]
    if not code:
        raise ValidationError({"place": gettext("请选择实施地（县、镇或村）")})
    if not code.startswith("44"):
        raise ValidationError(
            {"place": gettext("实施地须在广东省内（区划代码 {code} 不是广东省的区划）").format(code=code)}
        )
    place = Division.objects.filter(pk=code).first()
    if place is None:
        raise ValidationError(
            {"place": gettext("找不到区划代码 {code}，请用区划选择器选择实施地").format(code=code)}
        )
    if place.level not in PLACE_LEVELS:
        raise ValidationError(
            {
                "place": gettext(
                    "实施地须选到县（市、区）、乡镇（街道）或村（居），不能是{level}“{name}”"
                ).format(level=place.get_level_display(), name=place.full_name)
            }
        )
    return place


def _registered_on(value: Any) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({"registered_on": gettext("请填写登记日期")})
    if value > timezone.localdate():
        raise ValidationError({"registered_on": gettext("登记日期不能晚于今天")})
    if value < EARLIEST_REGISTRATION:
        raise ValidationError({"registered_on": gettext("登记日期不能早于 2000 年")})
    return value


def _payments(rows: Sequence[PaymentRow], value: Decimal, registered_on: dt.date) -> list[DealPayment]:
    if not rows:
        raise ValidationError({"payments": gettext("请至少填写一期付款计划")})
    if len(rows) > MAX_PAYMENTS:
        raise ValidationError({"payments": gettext("付款计划最多 {n} 期").format(n=MAX_PAYMENTS)})
    cleaned = []
    for n, row in enumerate(rows, start=1):
        field = f"payments.{n}"
        if not isinstance(row.due_on, dt.date):
            raise ValidationError({field: gettext("第 {n} 期：请填写付款日期").format(n=n)})
        if abs(row.due_on - registered_on) > PAYMENT_SPAN:
            raise ValidationError(
                {
                    field: gettext("第 {n} 期付款日期 {date} 与登记日期相距超过 10 年").format(
                        n=n, date=row.due_on
                    )
                }
            )
        cleaned.append(
            DealPayment(
                due_on=row.due_on,
                amount=amount(row.amount, field, gettext("第 {n} 期付款金额").format(n=n), positive=True),
            )
        )
    total = sum((p.amount for p in cleaned), ZERO)
    if total != value:
        raise ValidationError(
            {
                "payments": gettext("付款计划合计 {total} 元，与合同金额 {value} 元不一致").format(
                    total=f"{total:,}", value=f"{value:,}"
                )
            }
        )
    return cleaned


def _demand(acting_user: Any, demand_id: Any, place: Division) -> Demand | None:
    if demand_id in (None, ""):
        return None
    demand = (
        Demand.objects.for_user(acting_user).select_related("division").filter(pk=demand_id).first()
        if valid_id(demand_id)
        else None
    )
    if demand is None:
        raise ValidationError({"demand": gettext("找不到该需求，或您无权查看")})
    if demand.division_id[:6] != place.code[:6]:
        raise ValidationError(
            {
                "demand": gettext("需求“{title}”在{where}，不在实施地所在县（市、区）").format(
                    title=demand.title, where=demand.division.full_name
                )
            }
        )
    if demand.status not in OPEN_DEMANDS:
        raise ValidationError(
            {
                "demand": gettext("需求“{title}”已“{status}”，只能关联受理后尚未解决的需求").format(
                    title=demand.title, status=demand.get_status_display()
                )
            }
        )
    return demand


def _buyer(uscc: Any) -> Organisation:
    if not str(uscc or "").strip():
        raise ValidationError({"buyer_uscc": gettext("请填写买方的统一社会信用代码")})
    try:
        code = validate_uscc(str(uscc or ""))
    except ValidationError as exc:
        raise ValidationError({"buyer_uscc": gettext("买方{m}").format(m=exc.messages[0])}) from None
    buyer = Organisation.all_objects.filter(uscc=code).first()
    if buyer is None:
        raise ValidationError(
            {
                "buyer_uscc": gettext(
                    "平台上没有统一社会信用代码为 {code} 的单位，请先由所在地科技部门登记该单位"
                ).format(code=code)
            }
        )
    return buyer


def _deal_terms(deal: Deal, acting_user: Any, values: dict[str, Any]) -> list[DealPayment]:
    """Every term of the deal checked at once against the rules; the payments to store."""
    deal.title = _text(values.get("title"), 120)
    if len(deal.title) < 4:
        raise ValidationError({"title": gettext("合同名称至少 4 个字")})
    deal.mode = _mode(values.get("mode"))
    deal.contract_value = amount(
        values.get("contract_value"), "contract_value", gettext("合同金额"), positive=True
    )
    deal.place = place_check(values.get("place_code"))
    deal.in_east_west_north = is_east_west_north(deal.place.code)
    deal.registered_on = _registered_on(values.get("registered_on"))
    deal.contract_number = contract_number_check(values.get("contract_number"), deal.registered_on)
    if Deal.all_objects.filter(contract_number=deal.contract_number).exclude(pk=deal.pk).exists():
        raise ValidationError({"contract_number": gettext("该技术合同登记编号已被另一笔交易登记")})
    deal.summary = _text(values.get("summary"), 2000)
    deal.demand = _demand(acting_user, values.get("demand_id"), deal.place)
    deal.publicity = deal.contract_value >= publicity_threshold()
    return _payments(values.get("payments") or [], deal.contract_value, deal.registered_on)


def _deal_event(deal: Deal, actor: Any, action: str, before: str, note: str = "") -> None:
    DealEvent.objects.create(
        deal=deal, actor=actor, action=action, from_status=before, to_status=deal.status, note=note[:500]
    )


def _store_payments(deal: Deal, payments: list[DealPayment]) -> None:
    deal.payments.all().delete()
    for payment in payments:
        payment.deal = deal
    DealPayment.objects.bulk_create(payments)


@transaction.atomic
def deal_register(
    *,
    acting_user: Any,
    listing_id: Any = None,
    achievement_id: Any = None,
    buyer_uscc: str = "",
    **values: Any,
) -> Deal:
    """A party registers a deal: the seller names the buyer by its 统一社会信用代码, the buyer
    registers against the listing (or achievement) it bought; the other side is asked to confirm.

    ``values``: title, mode, contract_value, place_code, contract_number, registered_on, payments
    (PaymentRow), demand_id, summary."""
    if not rules.can_register_deal(acting_user):
        raise PermissionDenied(gettext("技术交易由买方或卖方的单位账号登记"))
    listing = None
    if listing_id not in (None, ""):
        listing = _visible_listing(acting_user, listing_id)
        if listing.status != ListingStatus.LISTED:
            raise ValidationError(
                {
                    "listing": gettext("该挂牌已“{status}”，请从挂牌中的成果登记交易").format(
                        status=listing.get_status_display()
                    )
                }
            )
        achievement, seller = listing.achievement, listing.seller
    else:
        achievement = _visible_achievement(acting_user, achievement_id)
        seller = achievement.organisation
    if acting_user.organisation_id == seller.pk:
        side, buyer = DealSide.SELLER, _buyer(buyer_uscc)
    else:
        side, buyer = DealSide.BUYER, acting_user.organisation
    if buyer.pk == seller.pk:
        raise ValidationError({"buyer_uscc": gettext("买方和卖方不能是同一单位")})
    deal = Deal(
        achievement=achievement,
        listing=listing,
        seller=seller,
        buyer=buyer,
        registered_side=side,
        registered_by=acting_user,
        status=DealStatus.PARTY,
    )
    payments = _deal_terms(deal, acting_user, values)
    deal.full_clean(exclude=["achievement", "listing", "seller", "buyer", "place", "demand", "registered_by"])
    deal.save()
    _store_payments(deal, payments)
    _deal_event(deal, acting_user, DealAction.REGISTER, "")
    notices.deal_to_confirm(deal, actor=acting_user)
    return deal


def _deal_locked(acting_user: Any, deal_id: Any, version: int | None) -> Deal:
    deal = (
        Deal.objects.for_user(acting_user)
        .select_for_update(of=("self",))
        .select_related("seller", "buyer", "place", "listing")
        .filter(pk=deal_id)
        .first()
        if valid_id(deal_id)
        else None
    )
    if deal is None:
        raise PermissionDenied(gettext("找不到该交易，或您无权办理"))
    version_check(current=deal.version, expected=version)
    return deal


@transaction.atomic
def deal_update(
    *, acting_user: Any, deal_id: Any, version: int | None = None, buyer_uscc: str = "", **values: Any
) -> Deal:
    """A party corrects the deal before the other has confirmed it, or after it was sent back: every
    term is checked again, and the other side is asked to confirm the corrected deal."""
    deal = _deal_locked(acting_user, deal_id, version)
    side = rules.side_of(acting_user, deal)
    if not side:
        raise PermissionDenied(gettext("只有交易双方可以修改交易"))
    if not rules.can_edit_deal(acting_user, deal):
        raise ValidationError(
            gettext("交易已“{status}”，不能再修改").format(status=deal.get_status_display())
        )
    if side == DealSide.SELLER and buyer_uscc:
        deal.buyer = _buyer(buyer_uscc)
        if deal.buyer_id == deal.seller_id:
            raise ValidationError({"buyer_uscc": gettext("买方和卖方不能是同一单位")})
    payments = _deal_terms(deal, acting_user, values)
    before = deal.status
    deal.status, deal.registered_side, deal.registered_by, deal.return_reason = (
        DealStatus.PARTY,
        side,
        acting_user,
        "",
    )
    deal.full_clean(exclude=["achievement", "listing", "seller", "buyer", "place", "demand", "registered_by"])
    deal.version += 1
    deal.save()
    _store_payments(deal, payments)
    _deal_event(deal, acting_user, DealAction.EDIT, before)
    notices.deal_to_confirm(deal, actor=acting_user)
    return deal


@transaction.atomic
def deal_confirm(*, acting_user: Any, deal_id: Any, version: int | None = None) -> Deal:
    """The other party confirms (the deal goes to the bureau), or the bureau of the place of
    implementation or of the seller confirms (the deal is registered: it counts, its listing is
    sold and the demand it answers is solved)."""
    deal = _deal_locked(acting_user, deal_id, version)
    before = deal.status
    now = timezone.now()
    if rules.can_confirm_as_party(acting_user, deal):
        deal.status, deal.party_confirmed_by, deal.party_confirmed_at = DealStatus.BUREAU, acting_user, now
        action = DealAction.CONFIRM
    elif rules.can_confirm_as_bureau(acting_user, deal):
        deal.status, deal.bureau_confirmed_by, deal.bureau_confirmed_at = (
            DealStatus.REGISTERED,
            acting_user,
            now,
        )
        action = DealAction.BUREAU
    else:
        raise _refusal(acting_user, deal)
    deal.version += 1
    deal.save()
    _deal_event(deal, acting_user, action, before)
    if deal.status == DealStatus.REGISTERED:
        _registered(deal, acting_user)
    else:
        notices.deal_to_bureau(deal, actor=acting_user)
    return deal


def _registered(deal: Deal, actor: Any) -> None:
    listing = deal.listing
    if listing is not None and listing.status == ListingStatus.LISTED:
        before = listing.status
        listing = Listing.all_objects.select_for_update().get(pk=listing.pk)
        listing.status, listing.closed_at = ListingStatus.SOLD, timezone.now()
        listing.version += 1
        listing.save(update_fields=["status", "closed_at", "version", "updated_at"])
        _listing_event(listing, actor, ListingAction.SOLD, before, deal.contract_number)
    if deal.demand_id:
        demands_solved_elsewhere(
            demand_ids=[deal.demand_id],
            acting_user=actor,
            note=gettext("技术交易“{title}”已登记（技术合同登记编号 {number}）").format(
                title=deal.title, number=deal.contract_number
            ),
        )
    notices.deal_registered(deal, actor=actor)


def _refusal(acting_user: Any, deal: Deal) -> Exception:
    """Why this user cannot act on the deal now: its state, or their place in it."""
    if deal.status in (DealStatus.REGISTERED, DealStatus.REJECTED):
        return ValidationError(gettext("交易已“{status}”").format(status=deal.get_status_display()))
    if deal.status == DealStatus.PARTY:
        if rules.side_of(acting_user, deal) == deal.registered_side:
            return ValidationError(gettext("交易由本方登记，须由对方确认"))
        return PermissionDenied(gettext("只有交易对方可以确认"))
    return PermissionDenied(gettext("只有实施地或卖方所在地的县、市科技部门可以确认"))


@transaction.atomic
def deal_reject(*, acting_user: Any, deal_id: Any, reason: str, version: int | None = None) -> Deal:
    """Whoever would confirm the step sends the deal back with the reason; a party may correct it."""
    deal = _deal_locked(acting_user, deal_id, version)
    if not rules.can_reject(acting_user, deal):
        raise _refusal(acting_user, deal)
    reason = _text(reason, 500)
    if len(reason) < 4:
        raise ValidationError({"reason": gettext("请写明退回原因（至少 4 个字）")})
    before = deal.status
    deal.status, deal.return_reason = DealStatus.REJECTED, reason
    deal.version += 1
    deal.save(update_fields=["status", "return_reason", "version", "updated_at"])
    _deal_event(deal, acting_user, DealAction.REJECT, before, reason)
    notices.deal_rejected(deal, actor=acting_user)
    return deal


# ---- the KPI ----------------------------------------------------------------------------------


def transfers_counted() -> float:
    """KPI-TRANSFERS: achievements transferred by a registered deal implemented in a county, town or
    village, each achievement once however many deals it had."""
    return float(
        Deal.all_objects.filter(status=DealStatus.REGISTERED, place__level__in=PLACE_LEVELS)
        .values("achievement")
        .distinct()
        .count()
    )
