"""This app's part of `bqw demo`, through the services: the institutes' achievements listed on the
market (with more achievements of the kind they publish, and a technology-transfer agency listing
others' by authority), buyers across the province — cooperatives, family farms and enterprises in
the towns that grow what the achievements serve — asking about them, and 120 registered deals, 70
of them implemented in 粤东西北, with others waiting at each step and one that solves a county's
demand. Journey 6 is ready to finish: 广东省农业科学院's banana variety licensed to a 徐闻 cooperative,
confirmed by both sides and waiting for 徐闻县's bureau.

三(二)二是 and 三(二)三是: two institutes' 尽职免责 cases for deals they sold (one decided 免责 on a
checklist all yes, one waiting for the committee), and a dozen transfer events and trainings that
the 岭南现代农业科学与技术广东省实验室 branches and two 省重点实验室 held in 粤东西北, with achievements
shown and, for a few, the deals that followed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from baiqianwan.accounts.demo import DEMO_PASSWORD
from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.fakes import make_mobile, make_uscc
from baiqianwan.demands.models import Demand
from baiqianwan.orgs.models import Organisation
from baiqianwan.regions.classification import CITY_REGION, Region
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import Achievement, TransferMode

from . import services
from .diligence import services as diligence
from .diligence.rules import FILING_KINDS
from .events import services as events
from .models import (
    DILIGENCE_CHECKS,
    Deal,
    DealStatus,
    DiligenceCase,
    Listing,
    ListingEvent,
    ListingStatus,
    TransferEvent,
)

LISTINGS = 300
REGISTERED = 120
REGISTERED_EWN = 70
WAITING_PARTY = 10
WAITING_BUREAU = 8
REJECTED = 4
ENQUIRIES = 45
AGENCY = "广东华南技术转移中心有限公司"
# 珠三角 cities with farming towns, where a product grown nowhere else in 珠三角 is bought.
RURAL_PEARL_RIVER = ["4401", "4407", "4412", "4413", "4420", "4406"]

# (product, industry, the cities that grow it: first 4 digits of the code)
CROPS = [
    ("金柚", "FRUIT-POMELO", ["4414"]),
    ("蜜柚", "FRUIT-POMELO", ["4414", "4416"]),
    ("荔枝", "FRUIT-LYCHEE", ["4409", "4417", "4401"]),
    ("龙眼", "FRUIT-LONGAN", ["4409", "4417"]),
    ("菠萝", "FRUIT-PINEAPPLE", ["4408"]),
    ("香蕉", "FRUIT-BANANA", ["4408", "4409", "4420"]),
    ("砂糖桔", "FRUIT-CITRUS", ["4412", "4418"]),
    ("贡柑", "FRUIT-CITRUS", ["4412", "4402"]),
    ("三华李", "FRUIT-PLUM", ["4402"]),
    ("青梅", "FRUIT-MUME", ["4452", "4415"]),
    ("黄皮", "FRUIT-WAMPEE", ["4453"]),
    ("百香果", "FRUIT-PASSION", ["4416", "4453"]),
    ("火龙果", "FRUIT-PITAYA", ["4408", "4409"]),
    ("红茶", "TEA-BLACK", ["4418"]),
    ("单丛茶", "TEA-DANCONG", ["4451"]),
    ("茶叶", "TEA-GARDEN", ["4414", "4418", "4451"]),
    ("丝苗米", "GRAIN-RICE", ["4407", "4402", "4453", "4401"]),
    ("玉米", "GRAIN-MAIZE", ["4402", "4418"]),
    ("菜心", "VEG-LEAFY", ["4418", "4401"]),
    ("蔬菜", "VEG-FACILITY", ["4401", "4406", "4413"]),
    ("食用菌", "VEG-FUNGI", ["4402", "4416"]),
    ("甘蔗", "CASH-SUGARCANE", ["4408"]),
    ("花生", "CASH-OILSEED", ["4408", "4415"]),
    ("化橘红", "HERB-HUAJUHONG", ["4409"]),
    ("砂仁", "HERB-AMOMUM", ["4417"]),
    ("肉桂", "HERB-CINNAMON", ["4453"]),
    ("陈皮", "HERB-CHENPI", ["4407"]),
    ("沉香", "HERB-AGARWOOD", ["4409", "4413"]),
    ("五指毛桃", "HERB-WUZHIMAOTAO", ["4402", "4416"]),
    ("油茶", "FOREST-CAMELLIA", ["4416", "4402", "4414"]),
    ("对虾", "AQUA-SHRIMP", ["4408", "4415"]),
    ("罗非鱼", "AQUA-TILAPIA", ["4409", "4408"]),
    ("生蚝", "AQUA-SHELLFISH", ["4417", "4408"]),
    ("狮头鹅", "LIVESTOCK-WATERFOWL", ["4405", "4451"]),
    ("清远鸡", "LIVESTOCK-CHICKEN", ["4418"]),
    ("生猪", "LIVESTOCK-PIG", ["4414", "4418", "4416"]),
]
ANIMALS = {"AQUA", "LIVESTOCK"}
# Industries of the library's own achievements that no crop above names: what their buyers make.
OTHER_PRODUCTS = {
    "MACHINE": ("农机", ["4414", "4418", "4408", "4402", "4406"]),
    "PROCESS": ("农产品加工", ["4409", "4414", "4406", "4452"]),
    "DIGITAL": ("农产品电商", ["4418", "4414", "4401", "4452"]),
    "ECO": ("生态农业", ["4402", "4414", "4416"]),
    "VILLAGE": ("环保", ["4414", "4418", "4407"]),
}
OWNERS = {
    "plant": ["华南农业大学", "广东省农业科学院", "仲恺农业工程学院", "广东省农业科学院", "华南农业大学"],
    "animal": ["华南农业大学", "广东海洋大学", "广东省农业科学院", "仲恺农业工程学院"],
    "4414": ["嘉应学院", "梅州市农林科学院"],
    "4402": ["韶关学院"],
    "4408": ["广东海洋大学"],
}
PLANT_TECHNIQUES = [
    (
        "{p}水肥一体化高效栽培技术",
        "know_how",
        ["service", "licence"],
        "水肥管理粗放、产量不稳",
        "节肥 20% 以上，亩产提高 15%",
    ),
    (
        "{p}病虫害绿色防控集成技术",
        "know_how",
        ["service", "joint"],
        "病虫害多发、农药用量大",
        "化学农药用量减少 30%",
    ),
    (
        "{p}采后保鲜与冷链物流技术",
        "patent",
        ["licence", "assignment"],
        "采后损耗大、货架期短",
        "货架期延长 7–10 天，损耗率降至 5% 以下",
    ),
    (
        "{p}精深加工关键技术",
        "patent",
        ["licence", "joint", "equity"],
        "加工层次低、附加值不高",
        "产品附加值提高 2 倍以上",
    ),
    (
        "{p}优质种苗繁育技术",
        "know_how",
        ["licence", "service"],
        "种苗良莠不齐、带病苗多",
        "种苗合格率达 95% 以上",
    ),
    (
        "{p}生产管理数字化系统",
        "software",
        ["licence", "service"],
        "生产记录靠手工、管理难追溯",
        "管理用工减少 25%，全程可追溯",
    ),
    (
        "{p}品质快速无损检测方法",
        "patent",
        ["assignment", "licence"],
        "分级靠人工、品质不一",
        "分级效率提高 5 倍",
    ),
]
ANIMAL_TECHNIQUES = [
    (
        "{p}健康养殖关键技术",
        "know_how",
        ["service", "licence"],
        "养殖密度高、发病率高",
        "成活率提高 15% 以上",
    ),
    ("{p}主要疫病防控技术", "patent", ["licence", "service"], "疫病频发、用药多", "发病率下降 40%"),
    (
        "{p}良种选育与苗种繁育技术",
        "know_how",
        ["licence", "assignment"],
        "苗种退化、生长慢",
        "生长速度提高 12%",
    ),
    (
        "{p}精深加工与预制菜技术",
        "patent",
        ["licence", "joint", "equity"],
        "鲜销为主、加工少",
        "产品附加值提高 1.5 倍",
    ),
    (
        "{p}养殖尾水与粪污资源化处理技术",
        "patent",
        ["assignment", "licence"],
        "尾水和粪污处理难",
        "排放达标率 100%，资源化利用率 90%",
    ),
    ("{p}智能化养殖管理系统", "software", ["licence", "service"], "环境监测靠经验", "饲料转化率提高 8%"),
]
IP_PHRASE = {
    "patent": "已获国家发明专利授权（专利号 ZL{year}1{n:07d}.{check}）",
    "variety": "已获植物新品种权（品种权号 CNA{year}{n:07d}.{check}）",
    "software": "已登记计算机软件著作权（登记号 {year}SR{n:07d}）",
    "know_how": "为本单位技术秘密，已按保密制度管理",
    "standard": "已发布为广东省地方标准",
}
TERMS = {
    "licence": "普通许可，许可地域为广东省，期限 5 年；许可方提供技术资料并到现场指导 3 次。",
    "assignment": "整体转让，转让后出让方不再实施；提供 6 个月技术指导和人员培训。",
    "equity": "以成果作价入股，占股比例面议；成果完成人可作为技术骨干参与企业研发。",
    "joint": "双方联合开发，知识产权按投入约定共享；开发周期 1–2 年。",
    "service": "提供技术方案、现场指导和技术培训，服务期 1 年，可续签。",
}
# Prices (元) by mode: the range a listing asks within, and the values deals close at.
PRICES = {
    "service": (30_000, 500_000),
    "licence": (50_000, 800_000),
    "assignment": (200_000, 3_000_000),
    "joint": (300_000, 5_000_000),
    "equity": (1_000_000, 8_000_000),
}
BUYER_KINDS = [
    ("cooperative", "{county}{town}{p}专业合作社"),
    ("cooperative", "{county}{town}{p}产销专业合作社"),
    ("family_farm", "{place}{surname}氏{p}家庭农场"),
    ("enterprise", "{county}{p}产业发展有限公司"),
    ("enterprise", "{county}{town}{p}农业科技有限公司"),
]
SURNAMES = "陈李张黄林刘吴何郑杨梁罗钟曾谢邓叶冯赖温丘"
QUESTIONS = [
    "我们有{p}基地约 {n} 亩，想了解该成果在本地的适用性、前期投入和技术指导安排。",
    "合作社社员 {n} 户，希望先小面积试验，请问是否提供试点方案和价格优惠？",
    "请问许可范围是否包括粤东西北地区，能否提供现场培训？我们的规模约 {n} 亩。",
    "公司计划新建一条{p}加工线，想了解技术成熟度、配套设备和合作方式。",
]
ANSWERS = [
    "感谢咨询。该技术已在多地示范，可先做 {n} 亩试点，我方派技术人员驻点指导，具体费用可面谈。",
    "可以提供试点方案，价格按规模分档，欢迎到我单位实地考察，联系人见挂牌页面。",
    "许可范围覆盖全省，含现场培训两次；请提供基地情况，我们一周内回复具体方案。",
]


def contract_title(achievement: str, mode: str) -> str:
    """蜜柚绿色防控集成技术 + 技术服务 → 蜜柚绿色防控集成技术服务合同 (the word once)."""
    label = str(TransferMode(mode).label)
    if achievement.endswith("技术") and label.startswith("技术"):
        label = label.removeprefix("技术")
    return f"{achievement}{label}合同"


def _crop_of(industry: str) -> tuple[str, list[str]]:
    for product, code, cities in CROPS:
        if code == industry:
            return product, cities
    return OTHER_PRODUCTS.get(industry.split("-")[0], ("农业", ["4414", "4418", "4408"]))


def _organisation(name: str) -> Organisation:
    return Organisation.all_objects.get(name=name)


class Demo:
    """The demo's state while it is built: users by unit, buyers by (city, product), counters."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.province = User.objects.get(username="gd_admin")
        self.password = make_password(DEMO_PASSWORD)
        self.users: dict[int, User] = {}
        self.buyers: dict[tuple[str, str], list[Organisation]] = {}
        self.serials: dict[tuple[int, str], int] = {}
        self.towns: dict[str, list[Division]] = {}
        self.today = timezone.localdate()

    # ---- accounts and units -------------------------------------------------------------------

    def user_of(self, organisation: Organisation, username: str = "", display: str = "") -> User:
        if organisation.pk in self.users:
            return self.users[organisation.pk]
        user = (
            User.objects.filter(role=Role.ORG, organisation=organisation, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            user = User.objects.create(
                username=username or f"unit{organisation.pk:04d}",
                display_name=display or f"{organisation.name}科技成果转化负责人",
                role=Role.ORG,
                organisation=organisation,
                password=self.password,
            )
        self.users[organisation.pk] = user
        return user

    def unit(self, name: str, kind: str, division: Division) -> Organisation:
        organisation, _ = Organisation.all_objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "uscc": make_uscc(self.rng, kind=kind, division_code=division.code),
                "division": division,
                "address": f"{division.full_name}",
                "contact_name": self.rng.choice(SURNAMES)
                + self.rng.choice(["志强", "建华", "晓燕", "海涛", "丽萍"]),
                "contact_phone": make_mobile(self.rng),
            },
        )
        return organisation

    def towns_of(self, city: str) -> list[Division]:
        """The city's rural towns (镇 and 乡, not 街道), where buyers grow and make things."""
        if city not in self.towns:
            self.towns[city] = [
                town
                for town in Division.objects.filter(code__startswith=city, level="town").order_by("code")
                if 100 <= int(town.code[6:9]) <= 399
            ]
        return self.towns[city]

    def buyer(self, city: str, product: str) -> Organisation:
        """A unit of a rural town of the city that grows (or makes) the product; a few per pair."""
        pool = self.buyers.setdefault((city, product), [])
        if len(pool) >= 3 or (pool and self.rng.random() < 0.5):
            return self.rng.choice(pool)
        town = self.rng.choice(self.towns_of(city))
        county = town.parent if town.parent is not None and town.parent.level == "county" else None
        kind, pattern = self.rng.choice(BUYER_KINDS)
        name = pattern.format(
            county=county.name if county else "",
            town=town.name,
            place=county.name if county else town.name,
            p=product,
            surname=self.rng.choice(SURNAMES),
        )
        organisation = self.unit(name, kind, town)
        pool.append(organisation)
        self.user_of(organisation)
        return organisation

    # ---- achievements and listings ------------------------------------------------------------

    def achievements(self) -> list[Achievement]:
        """The library's achievements and, for the market, more of the kind the institutes publish."""
        existing = {a.title for a in Achievement.all_objects.all()}
        made = []
        combos = []
        for product, industry, cities in CROPS:
            animal = industry.split("-")[0] in ANIMALS
            for technique in ANIMAL_TECHNIQUES if animal else PLANT_TECHNIQUES:
                combos.append((product, industry, cities, animal, technique))
        self.rng.shuffle(combos)
        for product, industry, cities, animal, (pattern, ip_type, modes, problem, effect) in combos[:200]:
            title = pattern.format(p=product)
            if title in existing:
                continue
            owners = OWNERS.get(cities[0], []) + OWNERS["animal" if animal else "plant"]
            owner = _organisation(self.rng.choice(owners))
            made.append(
                Achievement(
                    title=title,
                    abstract=(
                        f"针对{product}生产中{problem}的问题，{owner.name}团队经多年攻关形成该成果，"
                        f"在省内{len(cities) + 2}个县示范应用，{effect}。"
                    ),
                    keywords=f"{product} {title.removeprefix(product)[:8]}",
                    industry_id=industry,
                    maturity=self.rng.choice(["pilot", "small_batch", "industrial", "industrial"]),
                    ip_type=ip_type,
                    transfer_modes=modes,
                    organisation=owner,
                    contact_name=owner.contact_name,
                    contact_phone=owner.contact_phone,
                )
            )
        Achievement.all_objects.bulk_create(made)
        return list(Achievement.all_objects.select_related("organisation").order_by("pk"))

    def price(self, mode: str) -> tuple[Decimal | None, Decimal | None]:
        if self.rng.random() < 0.25:
            return None, None
        low, high = PRICES[mode]
        a = self.rng.randrange(low, high, 10_000)
        b = min(high, a + self.rng.choice([0, 0, 50_000, 100_000, 200_000]))
        return Decimal(a), Decimal(b)

    def authority(self, achievement: Achievement, seller: Organisation, mode: str, n: int) -> str:
        if seller.pk != achievement.organisation_id:
            return (
                f"受{achievement.organisation.name}委托，代理该成果的{TransferMode(mode).label}事宜，"
                f"委托书编号 WT{self.today.year - 1}-{n:03d}，有效期至 {self.today.year + 2}-12-31；"
                "转化收益按委托协议分配。"
            )
        phrase = IP_PHRASE[achievement.ip_type].format(
            year=2018 + n % 6, n=self.rng.randrange(1_000_000, 9_999_999), check=n % 10
        )
        return (
            f"本成果由{seller.name}完成，{phrase}，本单位依法享有处置权，"
            "已按本单位科技成果转化管理办法履行审批和公示程序。"
        )

    def listings(self, achievements: list[Achievement]) -> list[Listing]:
        pairs = [(a, mode) for a in achievements for mode in a.transfer_modes]
        banana = next(a for a in achievements if a.title == "香蕉枯萎病抗病品种“中蕉9号”")
        self.rng.shuffle(pairs)
        pairs.remove((banana, "licence"))
        pairs = [(banana, "licence"), *pairs[: LISTINGS - 1]]
        agency = self.unit(AGENCY, "enterprise", Division.objects.get(code="440106000000"))
        self.user_of(agency, "hn_transfer_org", "华南技术转移中心业务部")
        made = []
        for n, (achievement, mode) in enumerate(pairs):
            by_agency = n % 25 == 7
            seller = agency if by_agency else achievement.organisation
            low, high = self.price(mode)
            listing = services.listing_create(
                acting_user=self.user_of(seller),
                achievement_id=achievement.pk,
                title=f"{achievement.title}（{TransferMode(mode).label}）",
                mode=mode,
                price_min=low,
                price_max=high,
                licence_terms=TERMS[mode],
                authority=self.authority(achievement, seller, mode, n),
                publish=n % 15 != 4,  # a draft in every fifteen
            )
            made.append(listing)
        for listing in made[10::23]:
            if listing.status == ListingStatus.LISTED:
                services.listing_withdraw(
                    acting_user=self.user_of(listing.seller),
                    listing_id=listing.pk,
                    reason=self.rng.choice(
                        ["成果已独占许可给其他企业", "专利权到期，不再挂牌", "技术升级，将以新成果挂牌"]
                    ),
                )
        # Listed over the last two years (the newest first in the list), entered the same day.
        for listing in Listing.all_objects.filter(listed_at__isnull=False):
            listed_at = timezone.now() - dt.timedelta(days=self.rng.randrange(5, 700))
            Listing.all_objects.filter(pk=listing.pk).update(listed_at=listed_at)
            ListingEvent.objects.filter(listing=listing, action__in=["create", "publish"]).update(
                at=listed_at
            )
        return [Listing.all_objects.select_related("achievement", "seller").get(pk=m.pk) for m in made]

    def enquiries(self, listings: list[Listing]) -> None:
        listed = [listing for listing in listings if listing.status == ListingStatus.LISTED]
        for n in range(ENQUIRIES):
            listing = listed[(n * 7) % len(listed)]
            product, cities = _crop_of(listing.achievement.industry_id or "")
            buyer = self.buyer(self.rng.choice(cities), product)
            enquiry = services.enquiry_create(
                acting_user=self.user_of(buyer),
                listing_id=listing.pk,
                message=self.rng.choice(QUESTIONS).format(p=product, n=self.rng.choice([50, 120, 300, 800])),
            )
            if n % 3 != 2:
                services.enquiry_reply(
                    acting_user=self.user_of(listing.seller),
                    enquiry_id=enquiry.pk,
                    reply=self.rng.choice(ANSWERS).format(n=self.rng.choice([20, 50, 100])),
                )

    # ---- deals --------------------------------------------------------------------------------

    def place(self, buyer: Organisation) -> Division:
        """Where the buyer implements it: its town, a village of it, or its county."""
        town = buyer.division
        roll = self.rng.random()
        if roll < 0.25 and town.parent is not None and town.parent.level == "county":
            return town.parent
        if roll < 0.55:
            village = Division.objects.filter(parent=town, level="village").order_by("code").first()
            if village is not None:
                return village
        return town

    def number(self, seller: Organisation, day: dt.date) -> str:
        city = seller.division_id[2:4]
        key = (day.year, city)
        self.serials[key] = self.serials.get(key, self.rng.randrange(120, 400)) + self.rng.randrange(1, 9)
        return f"{day.year}44{city}01{self.serials[key]:06d}"

    def value(self, mode: str) -> Decimal:
        low, high = PRICES[mode]
        return Decimal(self.rng.randrange(low, high, 1_000))

    def payments(self, value: Decimal, day: dt.date) -> list[services.PaymentRow]:
        shares = self.rng.choice([[1], [3, 7], [3, 4, 3], [2, 3, 3, 2]])
        rows, paid = [], Decimal("0.00")
        for n, share in enumerate(shares):
            due = day + dt.timedelta(days=30 + 120 * n)
            part = value - paid if n == len(shares) - 1 else (value * share / 10).quantize(Decimal("0.01"))
            paid += part
            rows.append(services.PaymentRow(due_on=due, amount=part))
        return rows

    def deal(
        self,
        achievement: Achievement,
        listing: Listing | None,
        buyer: Organisation,
        *,
        mode: str,
        day: dt.date,
        place: Division | None = None,
        demand: Demand | None = None,
        by_seller: bool | None = None,
    ) -> Deal:
        seller = listing.seller if listing else achievement.organisation
        place = place or self.place(buyer)
        value = self.value(mode)
        by_seller = self.rng.random() < 0.6 if by_seller is None else by_seller
        product, _ = _crop_of(achievement.industry_id or "")
        return services.deal_register(
            acting_user=self.user_of(seller if by_seller else buyer),
            listing_id=listing.pk if listing else None,
            achievement_id=None if listing else achievement.pk,
            buyer_uscc=buyer.uscc if by_seller else "",
            title=contract_title(achievement.title, mode),
            mode=mode,
            contract_value=value,
            place_code=place.code,
            contract_number=self.number(seller, day),
            registered_on=day,
            payments=self.payments(value, day),
            demand_id=demand.pk if demand else None,
            summary=f"{seller.name}向{buyer.name}{TransferMode(mode).label}“{achievement.title}”，"
            f"在{place.full_name}的{product}基地实施，并提供技术培训。",
        )

    def confirm(self, deal: Deal, *, bureau: bool) -> Deal:
        other = deal.buyer if deal.registered_side == "seller" else deal.seller
        deal = services.deal_confirm(acting_user=self.user_of(other), deal_id=deal.pk)
        if bureau:
            deal = services.deal_confirm(acting_user=self.bureau(deal), deal_id=deal.pk)
        return deal

    def bureau(self, deal: Deal) -> User:
        """The county bureau of the place if it has an account, else its city's, else the province."""
        for code in (
            f"{deal.place_id[:6]}000000",
            f"{deal.place_id[:4]}00000000",
            f"{deal.seller.division_id[:4]}00000000",
        ):
            user = User.objects.filter(
                role__in=(Role.COUNTY, Role.CITY), division_id=code, is_active=True
            ).first()
            if user is not None:
                return user
        return self.province

    def day(self) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randrange(10, 680))


def _journey(demo: Demo, listing: Listing) -> list[tuple[str, str, str]]:
    """Journey 6: a 徐闻 cooperative asks about 广东省农业科学院's banana variety, both register the
    licence and the deal waits for 徐闻县's bureau."""
    xuwen = Division.objects.get(code="440825000000")
    qujie = Division.objects.get(parent=xuwen, name="曲界镇")
    coop = demo.unit("徐闻县曲界镇香蕉种植专业合作社", "cooperative", qujie)
    coop_user = demo.user_of(coop, "xuwen_coop", "曲界镇香蕉种植专业合作社理事长")
    county = User.objects.filter(username="xuwen_county").first()
    if county is None:
        county = User.objects.create(
            username="xuwen_county",
            display_name="徐闻县科技局",
            role=Role.COUNTY,
            division=xuwen,
            password=demo.password,
        )
    enquiry = services.enquiry_create(
        acting_user=coop_user,
        listing_id=listing.pk,
        message="合作社在曲界镇有香蕉地 600 亩，近两年枯萎病严重，想引种“中蕉9号”，请问许可费用和种苗供应方式？",
    )
    services.enquiry_reply(
        acting_user=demo.user_of(listing.seller),
        enquiry_id=enquiry.pk,
        reply="可以普通许可方式在徐闻县推广，我院提供组培苗和种植技术指导，许可费 8 万元，分两期支付。",
    )
    day = demo.today - dt.timedelta(days=3)
    deal = services.deal_register(
        acting_user=demo.user_of(listing.seller),
        listing_id=listing.pk,
        buyer_uscc=coop.uscc,
        title="香蕉抗枯萎病品种“中蕉9号”推广许可合同",
        mode="licence",
        contract_value=Decimal("80000.00"),
        place_code=qujie.code,
        contract_number=demo.number(listing.seller, day),
        registered_on=day,
        payments=[
            services.PaymentRow(due_on=day + dt.timedelta(days=15), amount=Decimal("40000.00")),
            services.PaymentRow(due_on=day + dt.timedelta(days=195), amount=Decimal("40000.00")),
        ],
        summary="广东省农业科学院许可合作社在曲界镇种植推广“中蕉9号”，提供组培苗和两次现场技术培训。",
    )
    services.deal_confirm(acting_user=coop_user, deal_id=deal.pk)
    return [
        ("xuwen_coop", str(Role.ORG.label), coop.name),
        ("xuwen_county", str(Role.COUNTY.label), xuwen.full_name),
    ]


def _demand_deal(demo: Demo, achievements: list[Achievement], day: dt.date) -> Deal | None:
    """A deal that answers an open demand of a county: registered, it solves the demand."""
    for title, achievement_title, product in (
        ("对虾养殖水质差、病害多", "南美白对虾高位池健康养殖", "对虾"),
        ("狮头鹅雏鹅死亡率高", "狮头鹅高效养殖与疫病防控", "狮头鹅"),
    ):
        demand = (
            Demand.all_objects.filter(title=title, is_public=True, status__in=services.OPEN_DEMANDS)
            .select_related("division")
            .first()
        )
        achievement = next((a for a in achievements if a.title == achievement_title), None)
        if demand is None or achievement is None:
            continue
        town = demand.division if demand.division.level in ("town", "village") else None
        if town is None:
            town = Division.objects.filter(parent=demand.division, level="town").order_by("code").first()
        assert town is not None
        county = town.parent if town.parent is not None and town.parent.level == "county" else town
        buyer = demo.unit(f"{county.name}{town.name}{product}养殖专业合作社", "cooperative", town)
        deal = demo.deal(
            achievement, None, buyer, mode="service", day=day, place=town, demand=demand, by_seller=False
        )
        return demo.confirm(deal, bureau=True)
    return None


def _backdate(deals: list[Deal]) -> None:
    """Confirmation a few days after the registration at the contract office, as it happens."""
    for deal in deals:
        if deal.bureau_confirmed_at:
            at = dt.datetime.combine(deal.registered_on + dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC)
            Deal.all_objects.filter(pk=deal.pk).update(
                party_confirmed_at=at - dt.timedelta(days=1), bureau_confirmed_at=at
            )


def _outcomes(rng: random.Random, registered: int, ewn: int) -> list[tuple[str, bool]]:
    """What becomes of each deal still to make, and whether it is implemented in 粤东西北."""
    done = [("registered", True)] * ewn + [("registered", False)] * (registered - ewn)
    waiting = (
        [("party", rng.random() < 0.6) for _ in range(WAITING_PARTY)]
        + [("bureau", rng.random() < 0.6) for _ in range(WAITING_BUREAU)]
        + [("rejected_by_party", True), ("rejected_by_party", False)]
        + [("rejected_by_bureau", True), ("rejected_by_bureau", False)]
    )
    rng.shuffle(done)
    return done + waiting


def _diligence(demo: Demo) -> None:
    """Two units that sold on the market file a case for a deal whose value fell: the first decided
    免责 by its committee, the second submitted and waiting."""
    sellers: list[Deal] = []
    for deal in (
        Deal.all_objects.filter(status=DealStatus.REGISTERED, seller__kind__in=FILING_KINDS)
        .select_related("seller")
        .order_by("registered_on", "pk")
    ):
        if deal.seller_id not in {d.seller_id for d in sellers}:
            sellers.append(deal)
        if len(sellers) == 2:
            break
    for n, deal in enumerate(sellers):
        user = demo.user_of(deal.seller)
        case = diligence.diligence_case_create(
            acting_user=user,
            title=f"{deal.title[:40]}转化后贬值尽职免责认定",
            deal_id=deal.pk,
            current_value=(deal.contract_value * Decimal("0.3")).quantize(Decimal("0.01")),
            decision_process=(
                f"{deal.registered_on.year} 年经{deal.seller.name}成果转化领导小组会议集体审议，"
                "参会 7 人一致同意按本单位科技成果转化管理办法以该方式转化。"
            ),
            valuation_basis="委托第三方资产评估机构按收益法评估，并在技术市场挂牌公开征集受让方后协议定价。",
            approvals=f"单位办公会纪要〔{deal.registered_on.year}〕{8 + n} 号；校（院）内公示 15 天无异议。",
            people=["陈志强", "李晓燕"] if n == 0 else ["黄海涛"],
            attachments="会议纪要、资产评估报告、公示截图、技术合同登记证明",
        )
        diligence.diligence_case_submit(acting_user=user, case_id=case.pk)
        if n == 0:
            diligence.diligence_case_decide(
                acting_user=user,
                case_id=case.pk,
                committee=["王建华", "赵丽萍", "刘国栋", "郑晓明", "钟文"],
                checklist={key: {"ok": True, "remark": ""} for key, _label in DILIGENCE_CHECKS},
                outcome="exempt",
                reasons="转化决策程序合规、估值依据充分、已公示和审批，相关人员未牟取非法利益；"
                "成果贬值系市场价格下行所致，认定免责。",
            )


# (host, its city's first 4 digits, level, kind, title, industry)
EVENTS = [
    ("茂名分中心", "4409", "provincial", "release", "荔枝保鲜与错峰上市技术成果发布会", "FRUIT-LYCHEE"),
    ("茂名分中心", "4409", "provincial", "training", "化橘红规范化种植技术培训班", "HERB-HUAJUHONG"),
    ("茂名分中心", "4409", "provincial", "roadshow", "罗非鱼健康养殖成果路演", "AQUA-TILAPIA"),
    ("茂名分中心", "4417", "provincial", "training", "荔枝龙眼病虫害绿色防控培训", "FRUIT-LONGAN"),
    ("河源分中心", "4416", "provincial", "release", "油茶高产栽培新品种发布会", "FOREST-CAMELLIA"),
    ("河源分中心", "4416", "provincial", "training", "百香果水肥一体化技术培训", "FRUIT-PASSION"),
    ("河源分中心", "4414", "provincial", "roadshow", "梅州金柚采后处理技术路演", "FRUIT-POMELO"),
    ("河源分中心", "4402", "provincial", "training", "韶关食用菌高效栽培培训班", "VEG-FUNGI"),
    ("茶叶", "4418", "key", "training", "英德红茶加工工艺提升培训", "TEA-BLACK"),
    ("茶叶", "4451", "key", "release", "凤凰单丛茶新品种与加工技术发布", "TEA-DANCONG"),
    ("水产", "4408", "key", "roadshow", "对虾高位池养殖技术成果路演", "AQUA-SHRIMP"),
    ("水产", "4415", "key", "training", "海水养殖病害防控技术培训", "AQUA-SHRIMP"),
]
HOSTS = {
    "茂名分中心": ("岭南现代农业科学与技术广东省实验室茂名分中心", "4409"),
    "河源分中心": ("岭南现代农业科学与技术广东省实验室河源分中心", "4416"),
    "茶叶": ("广东省茶树资源创新利用重点实验室", "4401"),
    "水产": ("广东省水产动物病害防控与健康养殖重点实验室", "4408"),
}


def _events(demo: Demo) -> None:
    """The laboratories' releases, roadshows and trainings in 粤东西北: the host records its own;
    where deals followed, the province links them (the parties' deals are theirs and the bureaus')."""
    hosts = {}
    for key, (name, city) in HOSTS.items():
        county = Division.objects.filter(code__startswith=city, level="county").order_by("code").first()
        assert county is not None
        hosts[key] = demo.unit(name, "institute", county)
        demo.user_of(hosts[key])
    public = list(Achievement.all_objects.filter(is_public=True).order_by("pk"))
    for n, (key, city, level, kind, title, industry) in enumerate(EVENTS):
        town = demo.rng.choice(demo.towns_of(city))
        held_on = demo.today - dt.timedelta(days=60 + 55 * n)
        shown = [a.pk for a in public if a.industry_id == industry][:3]
        later = list(
            Deal.all_objects.filter(
                status=DealStatus.REGISTERED,
                place_id__startswith=city,
                registered_on__gte=held_on,
            )
            .order_by("registered_on", "pk")
            .values_list("pk", flat=True)[: n % 3]
        )
        values: dict[str, Any] = {
            "title": f"{held_on.year} 年{title}",
            "host_level": level,
            "kind": kind,
            "place_code": town.code,
            "held_on": held_on,
            "industry": industry,
            "attendance": demo.rng.randrange(40, 260),
            "summary": f"{hosts[key].name}在{town.full_name}举办，当地企业、合作社和种养大户参加，现场展示成果并对接需求。",
            "achievement_ids": shown,
            "publish": n != 11,  # one still a draft
        }
        if later:
            events.transfer_event_create(
                acting_user=demo.province, host_id=hosts[key].pk, deal_ids=later, **values
            )
        else:
            events.transfer_event_create(acting_user=demo.user_of(hosts[key]), **values)


@transaction.atomic
def demo_market(rng: random.Random) -> dict[str, Any]:
    if Listing.all_objects.exists():
        return {"listings": Listing.all_objects.count(), "deals": Deal.all_objects.count(), "users": []}
    demo = Demo(rng)
    achievements = demo.achievements()
    listings = demo.listings(achievements)
    demo.enquiries(listings)
    journey = listings[0]  # 中蕉9号, kept for journey 6
    registered: list[Deal] = []
    demand_deal = _demand_deal(demo, achievements, demo.day())
    if demand_deal is not None:
        registered.append(demand_deal)
    ewn_done = sum(1 for d in registered if d.in_east_west_north)
    regions = {
        True: [prefix for prefix, region in CITY_REGION.items() if region != Region.PRD],
        False: RURAL_PEARL_RIVER,
    }
    # The journey's variety is transferred only by the journey's deal, so confirming it moves the KPI.
    achievements = [a for a in achievements if a.pk != journey.achievement_id]
    available = [
        listing
        for listing in listings[1:]
        if listing.status == ListingStatus.LISTED and listing.achievement_id != journey.achievement_id
    ]
    for index, (outcome, ewn) in enumerate(
        _outcomes(demo.rng, REGISTERED - len(registered), REGISTERED_EWN - ewn_done)
    ):
        # Four deals in five close a listing; the others are contracts made without one.
        listing = available.pop(demo.rng.randrange(len(available))) if index % 5 and available else None
        achievement = listing.achievement if listing else demo.rng.choice(achievements)
        mode = listing.mode if listing else demo.rng.choice(achievement.transfer_modes)
        product, cities = _crop_of(achievement.industry_id or "")
        pool = [c for c in cities if (c in regions[True]) == ewn] or regions[ewn]
        buyer = demo.buyer(demo.rng.choice(pool), product)
        deal = demo.deal(achievement, listing, buyer, mode=mode, day=demo.day())
        if outcome == "registered":
            registered.append(demo.confirm(deal, bureau=True))
        elif outcome == "bureau":
            demo.confirm(deal, bureau=False)
        elif outcome == "rejected_by_party":
            other = deal.buyer if deal.registered_side == "seller" else deal.seller
            services.deal_reject(
                acting_user=demo.user_of(other),
                deal_id=deal.pk,
                reason="合同金额与合同文本不一致，请核对后重新提交",
            )
        elif outcome == "rejected_by_bureau":
            deal = demo.confirm(deal, bureau=False)
            services.deal_reject(
                acting_user=demo.bureau(deal),
                deal_id=deal.pk,
                reason="技术合同登记编号与登记证明不符，请核对",
            )
    _backdate(registered)
    users = _journey(demo, journey)
    _diligence(demo)
    _events(demo)
    registered_deals = Deal.all_objects.filter(status=DealStatus.REGISTERED)
    return {
        "listings": Listing.all_objects.count(),
        "deals": Deal.all_objects.count(),
        "registered": registered_deals.count(),
        "registered_ewn": registered_deals.filter(in_east_west_north=True).count(),
        "diligence_cases": DiligenceCase.all_objects.count(),
        "transfer_events": TransferEvent.all_objects.count(),
        "users": users,
    }
