"""The scope matrix: every API endpoint, discovered from the router, against every role.

Each operation declares the model it serves (``x-scope-model`` in the OpenAPI spec). For every
role bound on side A (梅州) the records of side B (湛江) must never be listed, read or changed.
A new endpoint without the marker, or with a model this file cannot build, fails the suite —
so coverage does not depend on anyone remembering to add a test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baiqianwan.accounts.models import ApiToken, User
from baiqianwan.accounts.roles import Role
from baiqianwan.accounts.services import api_token_create
from baiqianwan.api.urls import api
from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.jobs import job_create
from baiqianwan.demands.models import Connection, Demand
from baiqianwan.supply.models import Achievement, ExpertProfile

from ..conftest import A, B

ROLES = list(Role)
PARAM = re.compile(r"\{[^}]+\}")
SIDES = (A, B)


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            found.append((method.upper(), path, operation))
    return found


def _records(model: str, world: dict[str, Any]) -> tuple[Any, Any] | None:
    """(a record inside side A, a record on side B) for each scoped model, made once per test."""
    made = world.setdefault("_records", {})
    if model not in made:
        made[model] = _make_records(model, world)
    return made[model]


def _make_records(model: str, world: dict[str, Any]) -> tuple[Any, Any] | None:
    users = world["users"]
    if model == "orgs.Organisation":
        return world["org_a"], world["org_b"]
    if model == "orgs.Person":
        return world["person_a"], world["person_b"]
    if model == "accounts.User":
        return users[Role.TOWN], world["user_b"]
    if model == "core.Job":
        return (
            job_create(kind="test", title="A 的任务", created_by=users[Role.TOWN]),
            job_create(kind="test", title="B 的任务", created_by=world["user_b"]),
        )
    if model == "core.AuditEvent":
        return (
            audit_event_record(kind="export", user=users[Role.TOWN], detail="A"),
            audit_event_record(kind="export", user=world["user_b"], detail="B"),
        )
    if model == "auditlog.LogEntry":
        from auditlog.models import LogEntry

        world["org_b"].save()
        entry = LogEntry.objects.filter(object_pk=str(world["org_b"].pk)).first()
        return entry, entry
    if model == "demands.Demand":
        return _demand(world, "A"), _demand(world, "B")
    if model == "demands.Connection":
        a, b = _demand(world, "A"), _demand(world, "B")
        return (
            Connection.all_objects.create(
                demand=a,
                target_kind="institution",
                organisation=world["org_a"],
                proposed_by=users[Role.COUNTY],
            ),
            Connection.all_objects.create(
                demand=b, target_kind="institution", organisation=world["org_b"], proposed_by=world["user_b"]
            ),
        )
    if model == "supply.Achievement":
        return _achievement(world["org_a"]), _achievement(world["org_b"])
    if model == "calls.Application":
        return _application(world, "A"), _application(world, "B")
    if model == "calls.Call":
        # Every business user reads a published call; a draft is the province's alone.
        return _application(world, "A").call, _draft_call(world)
    if model == "reviews.ReviewAssignment":
        return _review_task(world, "A"), _review_task(world, "B")
    if model == "calls.Objection":
        return _objection(world, "A"), _objection(world, "B")
    if model == "supply.ExpertProfile":
        return _expert(world["person_a"]), _expert(world["person_b"])
    if model.startswith("projects."):
        return _project_records(world)[model]
    if model.startswith("towns."):
        return _town_records(world)[model]
    if model.startswith("market."):
        return _market_records(world)[model]
    if model in CREDIT_MODELS:
        return _credit_records(world)[model]
    if model in FINANCE_LEDGER_MODELS:
        return _finance_ledger_records(world)[model]
    if model.startswith("talent."):
        return _talent_records(world)[model]
    if model.startswith("outreach."):
        return _outreach_records(world)[model]
    if model == "plan.ProgressReport":
        from baiqianwan.plan.models import ProgressReport
        from baiqianwan.plan.services import plan_load

        plan_load()
        return (
            ProgressReport.all_objects.create(
                measure_id="T6-M1",
                period="2025",
                status="on_track",
                summary="A 市进展",
                reporting_unit="梅州市",
                division_id=A["city"],
                submitted_by=users[Role.CITY],
            ),
            ProgressReport.all_objects.create(
                measure_id="T6-M1",
                period="2025",
                status="on_track",
                summary="B 市进展",
                reporting_unit="湛江市",
                division_id=B["city"],
                submitted_by=world["user_b"],
            ),
        )
    if model in ASSESSMENT_MODELS:
        return _assessment_records(world)[model]
    if model in ("commissioners.Team", "commissioners.Workstation", "commissioners.ServiceLog"):
        return _team_records(world)[model]
    if model.startswith("commissioners."):
        return _dispatch_records(world)[model]
    if model == "indicators.Submission":
        return _submissions(world)
    if model == "indicators.SystemVersion":
        # Only the province changes definitions: the current acceptance version stands for both sides.
        from baiqianwan.indicators.acceptance.selectors import current_version
        from baiqianwan.indicators.definitions.services import system_load_shipped

        system_load_shipped()
        version = current_version()
        return version, version
    if model == "regions.Division":
        # Scorecards: a county of each side; a scorecard outside the caller's region is not found.
        from baiqianwan.regions.models import Division

        return Division.objects.get(pk=A["county"]), Division.objects.get(pk=B["county"])
    if model == "self":
        token, _ = api_token_create(acting_user=world["user_b"], name="B 的令牌")
        return None, token
    return None


def _submissions(world: dict[str, Any]) -> tuple[Any, Any]:
    """A town report of each side's town, sent up and waiting for the county."""
    from baiqianwan.indicators.collection.models import Submission
    from baiqianwan.indicators.definitions.models import DataSet
    from baiqianwan.indicators.definitions.services import system_load_shipped

    system_load_shipped()
    dataset = DataSet.objects.get(code="county_town_system.town")
    return tuple(  # type: ignore[return-value]
        Submission.all_objects.create(
            dataset=dataset,
            period="2026",
            unit_id=side["town"],
            status="submitted",
            stage="county",
            values={"hnte": 3.0},
        )
        for side in (A, B)
    )


def _demand(world: dict[str, Any], side: str) -> Demand:
    """A demand on the given side, not public (still under triage)."""
    found = world.setdefault("_demands", {})
    if side not in found:
        submitter = world["users"][Role.VILLAGE] if side == "A" else world["user_b"]
        found[side] = Demand.all_objects.create(
            title=f"{side} 侧的科技需求",
            description="柚子黄龙病防控需求，内部处理中。",
            division_id=(A if side == "A" else B)["village"],
            submitter_kind="village",
            submitted_by=submitter,
            contact_name="联系人",
            contact_phone="13800138000",
            status="submitted",
        )
    return found[side]


def _application(world: dict[str, Any], side: str) -> Any:
    """A submitted application of the side's organisation to an open call."""
    from baiqianwan.calls import services as calls
    from baiqianwan.calls.models import Application, ApplicationStatus

    from ..calls.fixtures import CENTRE_VALUES, definition

    province = world["users"][Role.PROVINCE]
    call = world.get("_call")
    if call is None:
        import datetime as dt

        from django.utils import timezone

        calls.call_type_load(acting_user=province, data=definition("engineering_centre"))
        call = calls.call_create(
            acting_user=province,
            call_type_code="engineering_centre",
            title="范围测试用工程中心指南",
            year=2025,
            guide="用于检查申报只在管辖范围内可见的指南正文。",
            opens_at=timezone.now() - dt.timedelta(days=1),
            closes_at=timezone.now() + dt.timedelta(days=30),
        )
        world["_call"] = call = calls.call_publish(acting_user=province, call_id=call.pk)
    made = world.setdefault("_applications", {})
    if side in made:
        return made[side]
    organisation = world["org_a"] if side == "A" else world["org_b"]
    made[side] = Application.all_objects.create(
        call=call,
        reference=f"2025-scope-{side}",
        title=f"{side} 侧的申报",
        applicant=organisation,
        division_id=organisation.division_id,
        values=CENTRE_VALUES,
        status=ApplicationStatus.SUBMITTED,
        submitted_by=world["users"][Role.ORG] if side == "A" else world["user_b"],
    )
    return made[side]


def _draft_call(world: dict[str, Any]) -> Any:
    from baiqianwan.calls import services as calls

    if "_draft_call" not in world:
        call = _application(world, "A").call
        world["_draft_call"] = calls.call_create(
            acting_user=world["users"][Role.PROVINCE],
            call_type_code="engineering_centre",
            title="尚未发布的工程中心指南",
            year=2026,
            guide="草稿",
            opens_at=call.opens_at,
            closes_at=call.closes_at,
        )
    return world["_draft_call"]


def _review_task(world: dict[str, Any], side: str) -> Any:
    """Side A's application assigned to side A's expert for review (and the same on side B)."""
    from baiqianwan.reviews.models import ReviewAssignment

    made = world.setdefault("_review_tasks", {})
    if side not in made:
        expert = _records("supply.ExpertProfile", world)["AB".index(side)]  # type: ignore[index]
        made[side] = ReviewAssignment.objects.create(
            application=_application(world, side), expert=expert, affinity=1.0
        )
    return made[side]


def _objection(world: dict[str, Any], side: str) -> Any:
    from baiqianwan.calls.models import Objection

    made = world.setdefault("_objections", {})
    if side not in made:
        application = _application(world, side)
        made[side] = Objection.objects.create(
            call=application.call,
            application=application,
            reference=f"YY-scope-{side}",
            name=f"{side} 侧异议人",
            contact="13800138000",
            reason="对公示名单中该项目的研发设备原值有疑问。",
            due=application.call.closes_at.date(),
        )
    return made[side]


def _project_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Side A's project (org_a leads, carried out in side A's county) in a published 大专项, side
    B's in a 大专项 still being drawn up; each with its city's matching funds and a change waiting."""
    import datetime as dt

    from baiqianwan.projects.models import (
        ChangeRequest,
        MatchingFund,
        Milestone,
        Programme,
        Project,
        ProjectStatus,
        Topic,
    )

    if "_projects" in world:
        return world["_projects"]
    province = world["users"][Role.PROVINCE]
    made: dict[str, list[Any]] = {
        "projects.Programme": [],
        "projects.Project": [],
        "projects.MatchingFund": [],
        "projects.ChangeRequest": [],
        "projects.Topic": [],
        "projects.Milestone": [],
    }
    for n, (side, organisation) in enumerate((("A", world["org_a"]), ("B", world["org_b"]))):
        place = SIDES[n]
        programme = Programme.objects.create(
            year=2025 + n,
            title=f"{side} 侧的大专项",
            province_budget=1000,
            status="published" if side == "A" else "draft",
            created_by=province,
        )
        topic = Topic.objects.create(
            programme=programme,
            code=f"{2025 + n}-01",
            title=f"{side} 侧的攻关任务",
            problem="某种技术问题需要攻关。",
            budget=100,
        )
        project = Project.all_objects.create(
            reference=f"GG-scope-{side}",
            programme=programme,
            topic=topic,
            application=_application(world, side),
            title=f"{side} 侧的攻关项目",
            organisation=organisation,
            division_id=organisation.division_id,
            place_id=place["county"],
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2026, 12, 31),
            province_funding=100,
            status=ProjectStatus.ACTIVE,
            contract_approved_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        )
        made["projects.Programme"].append(programme)
        made["projects.Topic"].append(topic)
        made["projects.Milestone"].append(
            Milestone.objects.create(project=project, title=f"{side} 侧的进度节点", due=dt.date(2025, 6, 30))
        )
        made["projects.Project"].append(project)
        made["projects.MatchingFund"].append(
            MatchingFund.all_objects.create(
                project=project, city_id=place["city"], year=2025, committed=50, paid=0
            )
        )
        made["projects.ChangeRequest"].append(
            ChangeRequest.objects.create(
                project=project,
                kind="extension",
                reason="台风导致示范基地受损，需要延期。",
                new_end=dt.date(2027, 6, 30),
            )
        )
    world["_projects"] = {model: (a, b) for model, (a, b) in made.items()}
    return world["_projects"]


def _town_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Side A's town on the register paired with a 珠三角 town, side B's town paired with another."""
    import datetime as dt

    from baiqianwan.towns.models import InnovativeTown, TownPair

    if "_towns" not in world:
        towns = {}
        for code, industry in (
            (A["town"], "蜜柚"),
            (B["town"], "菠萝"),
            ("440705001000", "陈皮"),
            ("442000118000", "五金"),
        ):
            towns[code] = InnovativeTown.all_objects.create(
                division_id=code,
                in_east_west_north=code.startswith(("4414", "4408")),
                leading_industry=industry,
                status="certified",
                certified_on=dt.date(2024, 1, 1),
                valid_until=dt.date(2026, 12, 31),
            )
        pairs = [
            TownPair.all_objects.create(
                pearl=towns[pearl], ewn=towns[ewn], score=0.5, explanation="同属 A0152"
            )
            for pearl, ewn in (("440705001000", A["town"]), ("442000118000", B["town"]))
        ]
        world["_towns"] = {
            "towns.InnovativeTown": (towns[A["town"]], towns[B["town"]]),
            "towns.TownPair": tuple(pairs),
        }
    return world["_towns"]


MARKET_SIDES = {
    "A": ("441422100000", "大埔县湖寮镇蜜柚加工有限公司", "2025441401000101"),
    "B": ("440825102000", "徐闻县曲界镇菠萝罐头有限公司", "2025440801000102"),
}


def _market_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each side's unit lists its (private) achievement as a draft; a buyer of the same town asks
    about it and registers a deal with it, implemented in the side's village, that waits for the
    seller to confirm."""
    import datetime as dt
    import random

    from baiqianwan.market.models import Deal, DealPayment, DiligenceCase, Enquiry, Listing, TransferEvent

    from ..conftest import organisation_make, user_make

    if "_market" in world:
        return world["_market"]
    made: dict[str, list[Any]] = {
        "market.Listing": [],
        "market.Enquiry": [],
        "market.Deal": [],
        "market.DiligenceCase": [],
        "market.TransferEvent": [],
    }
    achievements = _records("supply.Achievement", world)
    assert achievements is not None
    for n, side in enumerate("AB"):
        town, buyer_name, number = MARKET_SIDES[side]
        seller, achievement = world[("org_a", "org_b")[n]], achievements[n]
        buyer = organisation_make(random.Random(n), buyer_name, "enterprise", town)
        world[f"buyer_{side}"] = buyer
        asker = user_make("org", organisation=buyer, username=f"buyer_{side}")
        listing = Listing.all_objects.create(
            achievement=achievement,
            seller=seller,
            title=f"{side} 侧的挂牌",
            mode="licence",
            authority="本单位依法享有该成果的处置权。",
            created_by=world["users"][Role.ORG] if side == "A" else world["user_b"],
        )
        made["market.Listing"].append(listing)
        made["market.Enquiry"].append(
            Enquiry.all_objects.create(
                listing=listing, organisation=buyer, asked_by=asker, message=f"{side} 侧的咨询内容"
            )
        )
        deal = Deal.all_objects.create(
            title=f"{side} 侧的技术交易",
            achievement=achievement,
            seller=seller,
            buyer=buyer,
            mode="licence",
            contract_value=50000,
            place_id=SIDES[n]["village"],
            in_east_west_north=True,
            contract_number=number,
            registered_on=dt.date(2025, 6, 1),
            registered_side="buyer",
            registered_by=asker,
        )
        DealPayment.objects.create(deal=deal, due_on=dt.date(2025, 7, 1), amount=50000)
        made["market.Deal"].append(deal)
        # The side's unit's 尽职免责 draft, of a transfer from before the platform.
        made["market.DiligenceCase"].append(
            DiligenceCase.all_objects.create(
                unit=seller,
                title=f"{side} 侧的尽职免责案件",
                transfer_title=f"{side} 侧的成果转让",
                transferred_on=dt.date(2020, 5, 1),
                transfer_value=300000,
                current_value=50000,
                decision_process="单位集体决策。",
                valuation_basis="评估报告。",
                approvals="已审批。",
                people=["陈志强"],
            )
        )
        # A training the side's unit held in the side's village, still a draft.
        made["market.TransferEvent"].append(
            TransferEvent.all_objects.create(
                title=f"{side} 侧的转化活动",
                host=seller,
                host_level="key",
                kind="training",
                place_id=SIDES[n]["village"],
                in_east_west_north=True,
                held_on=dt.date(2025, 5, 1),
                industry_id="FRUIT-POMELO",
                attendance=30,
            )
        )
    world["_market"] = {model: (a, b) for model, (a, b) in made.items()}
    return world["_market"]


CREDIT_MODELS = (
    "finance.CreditProduct",
    "finance.LoanApplication",
    "finance.Loan",
    "finance.CompensationClaim",
)


def _credit_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each side's bank offers a product (side A's on offer to all, side B's a draft); the side's
    unit applies for it; the bank lent to the unit at the counter, the loan defaulted and the bank
    claims compensation, waiting for the province."""
    import datetime as dt
    import random

    from baiqianwan.finance.models import (
        CompensationClaim,
        CompensationRatio,
        CreditProduct,
        Loan,
        LoanApplication,
    )

    from ..conftest import organisation_make, user_make

    if "_credit" in world:
        return world["_credit"]
    ratio = CompensationRatio.objects.create(region="ewn", effective_from=dt.date(2023, 1, 1), ratio="0.6")
    made: dict[str, list[Any]] = {model: [] for model in CREDIT_MODELS}
    for n, side in enumerate("AB"):
        unit = world[("org_a", "org_b")[n]]
        bank = organisation_make(random.Random(10 + n), f"{side} 侧农商银行", "bank", SIDES[n]["city"])
        world[f"bank_{side}"] = bank
        asker = (
            user_make("org", organisation=unit, username=f"borrower_{side}")
            if side == "B"
            else world["users"]["org"]
        )
        product = CreditProduct.all_objects.create(
            bank=bank,
            name=f"{side} 侧特色产业科技贷",
            eligible_region="ewn",
            borrower_kinds=["cooperative", "enterprise", "family_farm"],
            amount_min=100000,
            amount_max=3000000,
            term_min_months=6,
            term_max_months=36,
            rate_min="3.45",
            rate_max="4.80",
            collateral="信用",
            status="open" if side == "A" else "draft",
            is_public=side == "A",
        )
        made["finance.CreditProduct"].append(product)
        made["finance.LoanApplication"].append(
            LoanApplication.all_objects.create(
                product=product,
                applicant=unit,
                amount=500000,
                term_months=24,
                purpose=f"{side} 侧的资金用途",
                submitted_by=asker,
            )
        )
        loan = Loan.all_objects.create(
            product=product,
            bank=bank,
            borrower=unit,
            contract_number=f"{side}-JK-0001",
            amount=800000,
            rate="3.85",
            term_months=24,
            lent_on=dt.date(2024, 6, 1),
            due_on=dt.date(2026, 6, 1),
            place_id=unit.division_id,
            region="ewn",
            under_scheme=True,
            ratio_version=ratio,
            ratio=ratio.ratio,
            status="defaulted",
            defaulted_on=dt.date(2025, 3, 1),
            outstanding_at_default=600000,
        )
        made["finance.Loan"].append(loan)
        made["finance.CompensationClaim"].append(
            CompensationClaim.all_objects.create(
                loan=loan,
                outstanding=600000,
                recovered=0,
                loss=600000,
                ratio="0.6",
                compensation=360000,
                bank_bears=240000,
                submitted_by=asker,
            )
        )
    world["_credit"] = {model: (a, b) for model, (a, b) in made.items()}
    return world["_credit"]


FINANCE_LEDGER_MODELS = (
    "finance.SubFund",
    "finance.Investment",
    "finance.ReserveEnterprise",
    "finance.ServiceStation",
)


def _finance_ledger_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each side's fund manager with a sub-fund (A's public, B's not), an investment in an enterprise
    of the side's town, that enterprise in the 上市后备 pool recommended by its city, and a county
    station (A's public, B's not) with an activity."""
    import datetime as dt
    import random

    from baiqianwan.finance.models import (
        Investment,
        ReserveEnterprise,
        ServiceStation,
        StationActivity,
        SubFund,
    )

    from ..conftest import organisation_make

    if "_finance_ledgers" in world:
        return world["_finance_ledgers"]
    made: dict[str, list[Any]] = {model: [] for model in FINANCE_LEDGER_MODELS}
    province = world["users"][Role.PROVINCE]
    for n, side in enumerate("AB"):
        place = SIDES[n]
        rng = random.Random(40 + n)
        manager = organisation_make(rng, f"{side} 侧的基金管理有限公司", "fund", place["city"])
        enterprise = organisation_make(rng, f"{side} 侧的被投企业有限公司", "enterprise", place["town"])
        world[f"fund_manager_{side}"] = manager
        world[f"reserve_candidate_{side}"] = organisation_make(
            rng, f"{side} 侧的待推荐企业有限公司", "enterprise", place["town"]
        )
        fund = SubFund.all_objects.create(
            name=f"{side} 侧的子基金",
            manager=manager,
            size=100_000_000,
            province_share=30_000_000,
            established_on=dt.date(2023, 1, 1),
            is_public=side == "A",
            created_by=province,
        )
        made["finance.SubFund"].append(fund)
        made["finance.Investment"].append(
            Investment.all_objects.create(
                fund=fund,
                enterprise=enterprise,
                round="a",
                amount=5_000_000,
                invested_on=dt.date(2024, 3, 1),
                in_east_west_north=True,
            )
        )
        made["finance.ReserveEnterprise"].append(
            ReserveEnterprise.all_objects.create(
                enterprise=enterprise,
                recommended_by_id=place["city"],
                recommended_on=dt.date(2024, 1, 1),
                stage_since=dt.date(2024, 1, 1),
            )
        )
        station = ServiceStation.all_objects.create(
            name=f"{side} 侧的服务站",
            level="county",
            division_id=place["county"],
            services=["credit"],
            opened_on=dt.date(2024, 1, 1),
            in_east_west_north=True,
            is_public=side == "A",
        )
        StationActivity.all_objects.create(
            station=station, held_on=dt.date(2024, 6, 1), kind="financing", title=f"{side} 侧的融资对接会"
        )
        made["finance.ServiceStation"].append(station)
    world["_finance_ledgers"] = {model: (a, b) for model, (a, b) in made.items()}
    return world["_finance_ledgers"]


def _talent_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each side's county research outpost of a university of that side (A's public, B's not) with a
    year's results; a 致富带头人 in the side's village supported by the side's commissioner (side A's
    is the fixture's commissioner), with a report; that commissioner's group; a talent selection of
    the side's person serving the side's county."""
    import datetime as dt
    import random

    from baiqianwan.talent.models import (
        Leader,
        LeaderGroup,
        LeaderReport,
        Outpost,
        OutpostResult,
        TalentSelection,
    )

    from ..conftest import organisation_make, user_make

    if "_talent" in world:
        return world["_talent"]
    made: dict[str, list[Any]] = {
        "talent.Outpost": [],
        "talent.Leader": [],
        "talent.LeaderGroup": [],
        "talent.TalentSelection": [],
    }
    for n, side in enumerate("AB"):
        place = SIDES[n]
        rng = random.Random(60 + n)
        university = organisation_make(rng, f"{side} 侧的大学", "university", place["city"])
        world[f"talent_university_{side}"] = university
        outpost = Outpost.all_objects.create(
            name=f"{side} 侧的研究院",
            kind="institute",
            host=university,
            county_id=place["county"],
            staff_on_site=5,
            opened_on=dt.date(2024, 1, 1),
            in_east_west_north=True,
            is_public=side == "A",
        )
        OutpostResult.all_objects.create(outpost=outpost, year=2024, demands_solved=2)
        made["talent.Outpost"].append(outpost)
        commissioner = (
            world["users"][Role.COMMISSIONER]
            if side == "A"
            else user_make(Role.COMMISSIONER, place["county"], username="commissioner_talent_b")
        )
        leader = Leader.all_objects.create(
            name=f"{side} 侧的带头人",
            mobile=f"1391234000{n}",
            division_id=place["village"],
            industry="蜜柚种植",
            consent_on=dt.date(2024, 5, 1),
            commissioner=commissioner,
        )
        LeaderReport.all_objects.create(leader=leader, year=2024, jobs_created=3, income_effect=10000)
        made["talent.Leader"].append(leader)
        group = LeaderGroup.all_objects.create(
            name=f"{side} 侧的共同体",
            county_id=place["county"],
            industry="蜜柚",
            lead_commissioner=commissioner,
            founded_on=dt.date(2024, 6, 1),
        )
        group.members.set([leader])
        made["talent.LeaderGroup"].append(group)
        made["talent.TalentSelection"].append(
            TalentSelection.all_objects.create(
                person=world[("person_a", "person_b")[n]],
                programme="广东特支计划",
                year=2024,
                county_id=place["county"],
            )
        )
    world["_talent"] = {model: (a, b) for model, (a, b) in made.items()}
    return world["_talent"]


def _deal_terms(w: dict[str, Any], s: int, number: str) -> dict[str, Any]:
    return {
        "title": "越权登记的技术交易合同",
        "mode": "licence",
        "contract_value": "50000.00",
        "place_code": SIDES[s]["village"],
        "contract_number": number,
        "registered_on": "2025-06-01",
        "payments": [{"due_on": "2025-07-01", "amount": "50000.00"}],
    }


def _achievement(organisation: Any) -> Achievement:
    return Achievement.all_objects.create(
        title=f"{organisation.name}未公开成果",
        abstract="尚未公开的成果。",
        maturity="lab",
        ip_type="know_how",
        transfer_modes=["service"],
        organisation=organisation,
        is_public=False,
    )


def _expert(person: Any) -> ExpertProfile:
    return ExpertProfile.all_objects.create(
        person=person,
        keywords="柚类栽培",
        home_city_id=person.organisation.division_id[:4] + "00000000",
        is_public=False,
    )


def _dispatch_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """A round each side can see (B's hidden), needs in each side's town, nominations by each side's units."""
    from baiqianwan.commissioners.models import Assignment, DispatchRound, Nomination, TownNeed

    if "_dispatch" in world:
        return world["_dispatch"]
    users = world["users"]
    rounds = (
        DispatchRound.all_objects.create(name="A 轮", year=2025, created_by=users[Role.PROVINCE]),
        DispatchRound.all_objects.create(
            name="B 轮", year=2025, created_by=users[Role.PROVINCE], is_visible=False
        ),
    )
    needs = tuple(
        TownNeed.all_objects.create(
            round=rounds[0], town_id=side["town"], fields=["种植"], slots=1, submitted_by=users[Role.PROVINCE]
        )
        for side in (A, B)
    )
    experts = _records("supply.ExpertProfile", world)
    assert experts is not None
    nominations = tuple(
        Nomination.all_objects.create(
            round=rounds[0],
            expert=expert,
            organisation=expert.person.organisation,
            fields=["种植"],
            submitted_by=users[Role.PROVINCE],
        )
        for expert in experts
    )
    assignments = tuple(
        Assignment.all_objects.create(round=rounds[0], need=need, nomination=nomination)
        for need, nomination in zip(needs, nominations, strict=True)
    )
    world["_dispatch"] = {
        "commissioners.DispatchRound": rounds,
        "commissioners.TownNeed": needs,
        "commissioners.Nomination": nominations,
        "commissioners.Assignment": assignments,
    }
    return world["_dispatch"]


ASSESSMENT_MODELS = (
    "commissioners.AssessmentScheme",
    "commissioners.AssessmentRecord",
    "commissioners.KeyTask",
)


def _assessment_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Serving teams in each side's town with a key task each; a year's scheme (B's hidden) and records."""
    import datetime as dt

    from baiqianwan.commissioners.models import (
        AssessmentRecord,
        AssessmentScheme,
        Assignment,
        DispatchRound,
        KeyTask,
        Nomination,
        Team,
        TownNeed,
    )

    if "_assessment" in world:
        return world["_assessment"]
    province = world["users"][Role.PROVINCE]
    dispatch_round = DispatchRound.all_objects.create(name="考核 A 轮", year=2024, created_by=province)
    experts = _records("supply.ExpertProfile", world)
    assert experts is not None
    tasks, records = [], []
    schemes = (
        AssessmentScheme.all_objects.create(year=2025),
        AssessmentScheme.all_objects.create(year=2024, is_visible=False),
    )
    for side, expert in zip((A, B), experts, strict=True):
        need = TownNeed.all_objects.create(
            round=dispatch_round, town_id=side["town"], fields=["种植"], slots=1, submitted_by=province
        )
        nomination = Nomination.all_objects.create(
            round=dispatch_round,
            expert=expert,
            organisation=expert.person.organisation,
            fields=["种植"],
            submitted_by=province,
        )
        assignment = Assignment.all_objects.create(
            round=dispatch_round, need=need, nomination=nomination, status="accepted", published=True
        )
        team = Team.all_objects.create(
            need=need,
            town_id=side["town"],
            name="服务团",
            started_on=dt.date(2024, 3, 1),
            ends_on=dt.date(2027, 3, 1),
        )
        tasks.append(
            KeyTask.all_objects.create(
                team=team,
                code=f"ZDPZ-{side['town']}",
                title="重点派驻任务",
                goals="示范 100 亩",
                budget=50,
                starts_on=dt.date(2024, 4, 1),
                ends_on=dt.date(2026, 12, 31),
            )
        )
        records.append(AssessmentRecord.all_objects.create(scheme=schemes[0], assignment=assignment))
    world["_assessment"] = {
        "commissioners.AssessmentScheme": schemes,
        "commissioners.AssessmentRecord": tuple(records),
        "commissioners.KeyTask": tuple(tasks),
    }
    return world["_assessment"]


def _team_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """A serving team, a workstation and a service log in each side's town."""
    import datetime as dt

    from baiqianwan.commissioners.models import ServiceLog, Team, Workstation

    if "_teams" in world:
        return world["_teams"]
    dispatch = _dispatch_records(world)
    province = world["users"][Role.PROVINCE]
    sides = list(
        zip((A, B), dispatch["commissioners.TownNeed"], dispatch["commissioners.Assignment"], strict=True)
    )
    world["_teams"] = {
        "commissioners.Team": tuple(
            Team.all_objects.create(
                need=need,
                town_id=side["town"],
                name=f"{side['town']} 服务团",
                started_on=dt.date(2024, 3, 1),
                ends_on=dt.date(2027, 3, 1),
            )
            for side, need, _ in sides
        ),
        "commissioners.Workstation": tuple(
            Workstation.all_objects.create(
                name=f"{side['town']} 工作站", town_id=side["town"], address="镇政府大院", created_by=province
            )
            for side, _, _ in sides
        ),
        "commissioners.ServiceLog": tuple(
            ServiceLog.all_objects.create(
                assignment=assignment,
                served_on=dt.date(2024, 6, 1),
                village_id=side["village"],
                activity="guidance",
                description="到村指导果园春季管理。",
            )
            for side, _, assignment in sides
        ),
    }
    return world["_teams"]


# Valid requests against side B's record (s=1), so that only the scope check can refuse them;
# test_scope_reach.py sends the same to side A's (s=0).
WRITE_PAYLOADS: dict[str, Callable[..., dict[str, Any]]] = {
    "/api/v1/calls/applications/{application_id}/steps": lambda w, s=1: {"action": "recommend"},
    "/api/v1/commissioners/assessment/schemes/{scheme_id}": lambda w, s=1: {"excellent_quota": 50},
    "/api/v1/commissioners/assessment/records/{record_id}/score": lambda w, s=1: {
        "score": 88,
        "comment": "越权评分",
    },
    "/api/v1/commissioners/key-tasks/{task_id}/progress": lambda w, s=1: {"progress": 90, "note": "越权填报"},
    "/api/v1/commissioners/rounds/{round_id}/needs": lambda w, s=1: {
        "town_code": SIDES[s]["town"],
        "fields": ["种植"],
        "slots": 1,
    },
    "/api/v1/commissioners/rounds/{round_id}/nominations": lambda w, s=1: {
        "expert_id": _records("supply.ExpertProfile", w)[s].pk,  # type: ignore[index]
        "fields": ["种植"],
    },
    "/api/v1/commissioners/needs/{need_id}/ranking": lambda w, s=1: {"nomination_ids": []},
    "/api/v1/commissioners/nominations/{nomination_id}/preferences": lambda w, s=1: {"need_ids": []},
    "/api/v1/commissioners/needs/{need_id}/constraints": lambda w, s=1: {
        "nomination_id": _dispatch_records(w)["commissioners.Nomination"][s].pk,
        "kind": "forbid",
    },
    "/api/v1/commissioners/assignments/{assignment_id}/respond": lambda w, s=1: {"accept": True},
    "/api/v1/commissioners/assignments/{assignment_id}/confirm": lambda w, s=1: {
        "via": "phone",
        "note": "电话联系本人，同意派驻",
    },
    "/api/v1/commissioners/assignments/{assignment_id}/end": lambda w, s=1: {
        "status": "rescinded",
        "reason": "越权",
    },
    "/api/v1/orgs/organisations/{organisation_id}": lambda w, s=1: {"address": "越权修改的地址"},
    "/api/v1/demands/{demand_id}/transition": lambda w, s=1: {"action": "close", "note": "越权关闭"},
    "/api/v1/demands/{demand_id}/connections": lambda w, s=1: {
        "target_kind": "institution",
        "target_id": w["org_a"].pk,
    },
    "/api/v1/commissioners/teams/{team_id}/leader": lambda w, s=1: {
        "assignment_id": _dispatch_records(w)["commissioners.Assignment"][s].pk,
        "reason": "越权调整",
    },
    "/api/v1/commissioners/teams/{team_id}/workstation": lambda w, s=1: {"workstation_id": None},
    "/api/v1/commissioners/workstations/{workstation_id}": lambda w, s=1: {"address": "越权修改的地址"},
    "/api/v1/commissioners/logs/{log_id}": lambda w, s=1: {"description": "越权修改的服务情况说明"},
    "/api/v1/commissioners/logs/{log_id}/return": lambda w, s=1: {"reason": "越权退回"},
    "/api/v1/accounts/users/{user_id}/2fa/reset": lambda w, s=1: {"reason": "越权重置两步验证"},
    "/api/v1/indicators/submissions/{submission_id}/submit": lambda w, s=1: {"confirm_warnings": True},
    "/api/v1/indicators/submissions/{submission_id}/return": lambda w, s=1: {"reason": "越权退回"},
    "/api/v1/indicators/submissions/{submission_id}/unapprove": lambda w, s=1: {"reason": "越权撤销"},
}

# Payloads that try to create a record on side B (s=1), or that create one on side A (s=0).
CREATE_PAYLOADS: dict[str, Callable[..., dict[str, Any]]] = {
    "/api/v1/commissioners/assessment/schemes": lambda w, s=1: {"year": 2031},
    "/api/v1/commissioners/key-tasks": lambda w, s=1: {
        "team_id": _assessment_records(w)["commissioners.KeyTask"][s].team_id,
        "code": "ZDPZ-B-001",
        "title": "越权下达的任务",
        "goals": "示范 100 亩",
        "budget": 10,
        "starts_on": "2025-01-01",
        "ends_on": "2025-06-01",
    },
    "/api/v1/commissioners/rounds": lambda w, s=1: {"name": "越权新建的批次", "year": 2025},
    "/api/v1/orgs/organisations": lambda w, s=1: {
        "name": "越权登记的单位",
        "kind": "enterprise",
        "uscc": "914403001922038216",
        "division_code": SIDES[s]["town"],
    },
    "/api/v1/orgs/people": lambda w, s=1: {
        "name": "越权人员",
        "id_number": "11010519491231002X",
        "mobile": "13800138000",
        "organisation_id": w[("org_a", "org_b")[s]].pk,
    },
    "/api/v1/accounts/users": lambda w, s=1: {
        "username": "intruder",
        "display_name": "越权用户",
        "role": "town",
        "password": "Xy9#not-common-pass",
        "division_code": SIDES[s]["town"],
    },
    "/api/v1/accounts/tokens": lambda w, s=1: {"name": "自己的令牌"},
    "/api/v1/demands": lambda w, s=1: {
        "title": "越权填报的需求",
        "description": "在管辖范围以外填报的需求。",
        "division_code": SIDES[s]["village"],
        "contact_name": "某人",
        "contact_phone": "13800138000",
    },
    "/api/v1/commissioners/workstations": lambda w, s=1: {
        "name": "越权登记的工作站",
        "town_code": SIDES[s]["town"],
        "host_name": "某合作社",
        "address": "某镇某路 1 号",
    },
    "/api/v1/commissioners/logs": lambda w, s=1: {
        "assignment_id": _dispatch_records(w)["commissioners.Assignment"][s].pk,
        "served_on": "2024-06-02",
        "village_code": SIDES[s]["village"],
        "activity": "guidance",
        "days": 1,
        "description": "越权填写的服务日志内容。",
    },
}

CREATE_PAYLOADS["/api/v1/indicators/submissions"] = lambda w, s=1: {
    "dataset": "county_town_system.town",
    "period": "2026",
    "unit_code": SIDES[s]["town"],
    "values": {"hnte": 5},
}

CREATE_PAYLOADS["/api/v1/indicators/acceptance/weights"] = lambda w, s=1: {
    "weights": {
        "d_enterprise": 0.4,
        "d_platform": 0.15,
        "d_cluster": 0.15,
        "d_transfer": 0.15,
        "d_talent": 0.15,
    }
}

CREATE_PAYLOADS["/api/v1/calls"] = lambda w, s=1: {
    "call_type": "engineering_centre",
    "title": "2026年度工程中心认定（越权新建）",
    "year": 2026,
    "opens_at": "2026-03-01T09:00:00+08:00",
    "closes_at": "2099-04-30T17:00:00+08:00",
}
CREATE_PAYLOADS["/api/v1/calls/types"] = lambda w, s=1: {"definition": _call_type_definition()}
WRITE_PAYLOADS["/api/v1/reviews/tasks/{assignment_id}/decline"] = lambda w, s=1: {"reason": "评审期间出差"}
WRITE_PAYLOADS["/api/v1/reviews/tasks/{assignment_id}/sheet"] = lambda w, s=1: {"scores": {"innovation": 80}}
WRITE_PAYLOADS["/api/v1/reviews/calls/{call_id}/pool"] = lambda w, s=1: {"expert_ids": [], "capacity": 5}
WRITE_PAYLOADS["/api/v1/calls/{call_id}/steps"] = lambda w, s=1: {"action": "close"}
WRITE_PAYLOADS["/api/v1/calls/{call_id}/decision"] = lambda w, s=1: {
    "decision_number": "粤科函农字〔2025〕1号"
}
WRITE_PAYLOADS["/api/v1/calls/{call_id}/objections"] = lambda w, s=1: {
    "name": "王某",
    "contact": "13800138000",
    "reason": "对名单中项目的设备原值有疑问，请核查。",
}
WRITE_PAYLOADS["/api/v1/calls/objections/{objection_id}/answer"] = lambda w, s=1: {
    "answer": "经核查，设备清单符合要求，异议不成立。",
    "upheld": False,
}


CREATE_PAYLOADS["/api/v1/towns"] = lambda w, s=1: {
    "division_code": "441403100000",
    "leading_industry": "金柚",
    "certified_on": "2024-01-01",
}
CREATE_PAYLOADS["/api/v1/towns/pairs"] = lambda w, s=1: {"pairs": ["442000118-441422100"]}
CREATE_PAYLOADS["/api/v1/towns/pairs/proposal"] = lambda w, s=1: {}
WRITE_PAYLOADS.update(
    {
        "/api/v1/towns/{town_id}": lambda w, s=1: {"platforms": 3},
        "/api/v1/towns/{town_id}/status": lambda w, s=1: {"status": "reviewing", "note": "年度报告待复核"},
        "/api/v1/towns/{town_id}/reviews": lambda w, s=1: {
            "year": 2025,
            "kind": "annual",
            "outcome": "pass",
            "note": "越权作出的年度结论",
        },
        "/api/v1/towns/pairs/{pair_id}/activities": lambda w, s=1: {
            "kind": "model",
            "title": "越权记录的合作活动",
            "held_on": "2026-01-15",
            "summary": "越权为其他结对记录合作活动。",
        },
    }
)
CREATE_PAYLOADS["/api/v1/market/listings"] = lambda w, s=1: {
    "achievement_id": _records("supply.Achievement", w)[s].pk,  # type: ignore[index]
    "mode": "service",
    "authority": "越权挂牌：声明本单位享有该成果的处置权。",
}
CREATE_PAYLOADS["/api/v1/market/enquiries"] = lambda w, s=1: {
    "listing_id": _market_records(w)["market.Listing"][s].pk,
    "message": "越权咨询其他单位尚未挂牌的成果。",
}


def _deal_registration(w: dict[str, Any], s: int = 1) -> dict[str, Any]:
    """The side's seller registers a deal of its achievement with the side's buyer."""
    _market_records(w)
    return {
        **_deal_terms(w, s, ("2025441401000201", "2025440801000202")[s]),
        "achievement_id": _records("supply.Achievement", w)[s].pk,  # type: ignore[index]
        "buyer_uscc": w[f"buyer_{'AB'[s]}"].uscc,
    }


CREATE_PAYLOADS["/api/v1/market/deals"] = _deal_registration
WRITE_PAYLOADS.update(
    {
        "/api/v1/market/listings/{listing_id}": lambda w, s=1: {"title": "越权修改的挂牌名称"},
        "/api/v1/market/listings/{listing_id}/publish": lambda w, s=1: {},
        "/api/v1/market/listings/{listing_id}/withdraw": lambda w, s=1: {"reason": "越权撤牌"},
        "/api/v1/market/enquiries/{enquiry_id}/reply": lambda w, s=1: {"reply": "越权回复咨询"},
        "/api/v1/market/deals/{deal_id}": lambda w, s=1: _deal_terms(
            w, s, ("2025441401000301", "2025440801000302")[s]
        ),
        "/api/v1/market/deals/{deal_id}/confirm": lambda w, s=1: {},
        "/api/v1/market/deals/{deal_id}/reject": lambda w, s=1: {"reason": "越权退回交易"},
    }
)


def _credit_bank(w: dict[str, Any], s: int) -> Any:
    _credit_records(w)
    return w[f"bank_{'AB'[s]}"]


CREATE_PAYLOADS["/api/v1/finance/products"] = lambda w, s=1: {
    "bank_id": _credit_bank(w, s).pk,
    "name": "越权发布的信贷产品",
    "borrower_kinds": ["cooperative"],
    "amount_min": "10000",
    "amount_max": "100000",
    "term_min_months": 6,
    "term_max_months": 12,
    "rate_min": "3.5",
    "rate_max": "4.5",
    "collateral": "信用",
}
CREATE_PAYLOADS["/api/v1/finance/applications"] = lambda w, s=1: {
    "product_id": _credit_records(w)["finance.CreditProduct"][s].pk,
    "amount": "500000",
    "term_months": 12,
    "purpose": "越权申请其他银行未发布的产品",
}
CREATE_PAYLOADS["/api/v1/finance/loans"] = lambda w, s=1: {
    "product_id": _credit_records(w)["finance.CreditProduct"][s].pk,
    "borrower_uscc": (w["org_a"], w["org_b"])[s].uscc,
    "contract_number": f"{'AB'[s]}-JK-0099",
    "amount": "500000",
    "rate": "4.0",
    "term_months": 12,
    "lent_on": "2025-01-01",
}
CREATE_PAYLOADS["/api/v1/finance/ratios"] = lambda w, s=1: {
    "region": "ewn",
    "effective_from": "2026-01-01",
    "ratio": "0.7",
}
WRITE_PAYLOADS.update(
    {
        "/api/v1/finance/products/{product_id}": lambda w, s=1: {"name": "越权修改的产品名称"},
        "/api/v1/finance/products/{product_id}/publish": lambda w, s=1: {},
        "/api/v1/finance/products/{product_id}/close": lambda w, s=1: {},
        "/api/v1/finance/applications/{application_id}/withdraw": lambda w, s=1: {},
        "/api/v1/finance/applications/{application_id}/decline": lambda w, s=1: {"reason": "越权不予放款"},
        "/api/v1/finance/loans/{loan_id}/repay": lambda w, s=1: {"repaid_on": "2025-01-01"},
        "/api/v1/finance/loans/{loan_id}/default": lambda w, s=1: {
            "defaulted_on": "2025-01-01",
            "outstanding": "1",
        },
        "/api/v1/finance/loans/{loan_id}/claim": lambda w, s=1: {"recovered": "0"},
        "/api/v1/finance/claims/{claim_id}/decide": lambda w, s=1: {"approve": True},
        "/api/v1/finance/claims/{claim_id}/pay": lambda w, s=1: {"paid_on": "2025-06-01"},
    }
)


def _diligence_case(w: dict[str, Any], s: int = 1) -> dict[str, Any]:
    return {
        "title": "越权登记的尽职免责案件",
        "transfer_title": "柚果保鲜技术转让",
        "transferred_on": "2020-05-01",
        "transfer_value": "300000.00",
        "current_value": "50000.00",
        "decision_process": "2020 年 4 月单位办公会集体审议，一致同意以转让方式转化。",
        "valuation_basis": "资产评估报告（粤评字〔2020〕第 8 号）。",
        "approvals": "办公会纪要〔2020〕3 号，公示 15 天。",
        "people": ["陈志强"],
    }


CREATE_PAYLOADS["/api/v1/market/diligence"] = _diligence_case


def _transfer_event(w: dict[str, Any], s: int = 1) -> dict[str, Any]:
    return {
        "title": "越权登记的转化活动",
        "host_level": "key",
        "kind": "training",
        "place_code": SIDES[s]["village"],
        "held_on": "2025-05-01",
        "industry": "FRUIT-POMELO",
        "attendance": 30,
    }


CREATE_PAYLOADS["/api/v1/market/events"] = lambda w, s=1: {
    **_transfer_event(w, s),
    "host_id": (w["org_a"], w["org_b"])[s].pk,
}
WRITE_PAYLOADS.update(
    {
        "/api/v1/market/diligence/{case_id}": _diligence_case,
        "/api/v1/market/diligence/{case_id}/submit": lambda w, s=1: {},
        "/api/v1/market/events/{event_id}": _transfer_event,
        "/api/v1/market/events/{event_id}/publish": lambda w, s=1: {},
        "/api/v1/market/diligence/{case_id}/decide": lambda w, s=1: {
            "committee": ["王建华", "赵丽萍", "黄海涛"],
            "checklist": {
                key: {"ok": True, "remark": ""}
                for key in ("procedure", "no_gain", "disclosed", "valuation", "approved")
            },
            "outcome": "exempt",
            "reasons": "越权录入的认定结论。",
        },
    }
)
# ---- finance: sub-funds, investments, the 上市后备 pool, the service stations -----------------------


def _finance_unit(w: dict[str, Any], role: str, s: int) -> Any:
    """The side's fund manager, or its enterprise not yet in the pool."""
    _finance_ledger_records(w)
    return w[f"{role}_{'AB'[s]}"]


CREATE_PAYLOADS.update(
    {
        "/api/v1/finance/funds": lambda w, s=1: {
            "name": "新登记的子基金",
            "manager_id": _finance_unit(w, "fund_manager", s).pk,
            "size": "100000000",
            "province_share": "20000000",
            "established_on": "2024-01-01",
        },
        "/api/v1/finance/funds/investments": lambda w, s=1: {
            "fund_id": _finance_ledger_records(w)["finance.SubFund"][s].pk,
            "enterprise_id": _finance_unit(w, "reserve_candidate", s).pk,
            "round": "seed",
            "amount": "1000000",
            "invested_on": "2024-06-01",
        },
        "/api/v1/finance/funds/reserve": lambda w, s=1: {
            "enterprise_id": _finance_unit(w, "reserve_candidate", s).pk,
            "recommended_on": "2024-06-01",
        },
        "/api/v1/finance/stations": lambda w, s=1: {
            "name": "越权登记的服务站",
            "division_code": SIDES[s]["town"],
            "services": ["credit"],
            "opened_on": "2024-06-01",
        },
    }
)
WRITE_PAYLOADS.update(
    {
        "/api/v1/finance/funds/{fund_id}": lambda w, s=1: {"focus_fields": "越权修改的投资领域"},
        "/api/v1/finance/funds/investments/{investment_id}": lambda w, s=1: {"field": "越权修改的技术领域"},
        "/api/v1/finance/funds/reserve/{reserve_id}": lambda w, s=1: {"note": "越权修改的备注"},
        "/api/v1/finance/funds/reserve/{reserve_id}/stage": lambda w, s=1: {
            "stage": "coaching",
            "on": "2025-01-01",
        },
        "/api/v1/finance/funds/reserve/{reserve_id}/services": lambda w, s=1: {
            "given_on": "2025-02-01",
            "kind": "training",
            "provider": "广东股权交易中心",
        },
        "/api/v1/finance/stations/{station_id}": lambda w, s=1: {"contact": "越权修改的联系人"},
        "/api/v1/finance/stations/{station_id}/close": lambda w, s=1: {"closed_on": "2025-06-01"},
        "/api/v1/finance/stations/{station_id}/activities": lambda w, s=1: {
            "held_on": "2025-03-01",
            "kind": "financing",
            "title": "越权登记的融资对接会",
            "attendance": 30,
        },
    }
)
# ---- talent: county research outposts, 致富带头人, groups, talent selections ------------------------


def _talent_university(w: dict[str, Any], s: int) -> Any:
    """The university hosting the side's outpost."""
    _talent_records(w)
    return w[f"talent_university_{'AB'[s]}"]


CREATE_PAYLOADS.update(
    {
        "/api/v1/talent/outposts": lambda w, s=1: {
            "name": "越权登记的县域研究院",
            "kind": "institute",
            "county_code": SIDES[s]["county"],
            "host_id": _talent_university(w, s).pk,
            "staff_on_site": 3,
            "opened_on": "2024-06-01",
        },
        "/api/v1/talent/leaders": lambda w, s=1: {
            "consent": True,
            "consent_on": "2025-01-01",
            "name": "越权登记的带头人",
            "mobile": "13700001111",
            "division_code": SIDES[s]["village"],
            "industry": "茶叶",
        },
        "/api/v1/talent/groups": lambda w, s=1: {
            "name": "越权登记的共同体",
            "county_code": SIDES[s]["county"],
            "industry": "茶叶",
            "founded_on": "2025-01-01",
        },
        "/api/v1/talent/selections": lambda w, s=1: {
            "person_id": w[("person_a", "person_b")[s]].pk,
            "programme": "扬帆计划",
            "year": 2025,
            "county_code": SIDES[s]["county"],
        },
    }
)
WRITE_PAYLOADS.update(
    {
        "/api/v1/talent/outposts/{outpost_id}": lambda w, s=1: {"fields": "越权修改的研究领域"},
        "/api/v1/talent/outposts/{outpost_id}/close": lambda w, s=1: {"closed_on": "2025-06-01"},
        "/api/v1/talent/outposts/{outpost_id}/results": lambda w, s=1: {"year": 2025, "people_trained": 30},
        "/api/v1/talent/leaders/{leader_id}/reports": lambda w, s=1: {
            "year": 2025,
            "jobs_created": 5,
            "income_effect": "50000",
        },
    }
)
CREATE_PAYLOADS["/api/v1/projects/programmes"] = lambda w, s=1: {
    "year": 2026,
    "title": "2026年度科技攻关大专项",
    "province_budget": "1000",
}
WRITE_PAYLOADS.update(
    {
        "/api/v1/projects/programmes/{programme_id}/topics": lambda w, s=1: {
            "title": "越权列入的任务",
            "problem": "越权列入任务清单的技术问题。",
            "budget": "10",
            "demand_ids": [1],
        },
        "/api/v1/projects/programmes/{programme_id}/publish": lambda w, s=1: {
            "opens_at": "2026-03-01T09:00:00+08:00",
            "closes_at": "2099-04-30T17:00:00+08:00",
            "guide": "面向任务清单公开征集攻关团队，须有粤东粤西粤北单位参与。",
        },
        "/api/v1/projects/{project_id}/contract": lambda w, s=1: {
            "indicators": [],
            "milestones": [],
            "budget": [],
        },
        "/api/v1/projects/{project_id}/contract/review": lambda w, s=1: {"approve": True},
        "/api/v1/projects/{project_id}/milestones/{milestone_id}/report": lambda w, s=1: {
            "report": "越权报告的进度。"
        },
        "/api/v1/projects/{project_id}/funds": lambda w, s=1: {"year": 2025, "committed": "60"},
        "/api/v1/projects/funds/{fund_id}": lambda w, s=1: {"paid": "10"},
        "/api/v1/projects/{project_id}/changes": lambda w, s=1: {
            "kind": "member",
            "reason": "骨干调离，需要更换项目成员。",
            "detail": "王五替换李四",
        },
        "/api/v1/projects/changes/{change_id}/decision": lambda w, s=1: {"approve": True, "note": "同意"},
        "/api/v1/projects/{project_id}/acceptance": lambda w, s=1: {
            "achieved": [],
            "summary": "各项任务已按任务书完成，申请验收。" * 2,
        },
        "/api/v1/projects/{project_id}/acceptance/decision": lambda w, s=1: {
            "result": "passed",
            "note": "同意通过验收",
        },
        "/api/v1/projects/{project_id}/acceptance/withdraw": lambda w, s=1: {"reason": "越权移出验收批次"},
    }
)


def _call_type_definition() -> dict[str, Any]:
    from ..calls.fixtures import definition

    return definition("engineering_centre")


CREATE_PAYLOADS["/api/v1/projects/acceptance/enrol"] = lambda w, s=1: {
    "call_id": _project_records(w)["projects.Programme"][s].call_id or 0,
    "project_ids": [_project_records(w)["projects.Project"][s].pk],
}
CREATE_PAYLOADS["/api/v1/calls/applications"] = lambda w, s=1: {
    "call_id": _application(w, "AB"[s]).call_id,
    "title": "越权提名的申报",
    "values": {},
    "applicant_id": (w["org_a"], w["org_b"])[s].pk,
}


# ---- outreach: 科普 events, teacher training, the 智库 -------------------------------------------------


def _outreach_records(world: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each side's 科普 event at its town, teacher course of its city (by a college of the side) with a
    trainee of its county, 智库 member (with the side's person), 深调研 report and seminar at its
    county — side A's public, side B's not."""
    import datetime as dt
    import random

    from baiqianwan.outreach.models import (
        CasePhoto,
        Commendation,
        CommendationEntry,
        OutreachEvent,
        PolicyDocument,
        ResearchReport,
        Seminar,
        ShowcaseCase,
        TeacherCourse,
        ThinkTankMember,
        Trainee,
    )

    from ..conftest import organisation_make

    if "_outreach" in world:
        return world["_outreach"]
    made: dict[str, list[Any]] = {
        f"outreach.{name}": []
        for name in (
            "OutreachEvent",
            "TeacherCourse",
            "Trainee",
            "ThinkTankMember",
            "ResearchReport",
            "Seminar",
            "ShowcaseCase",
            "Commendation",
            "PolicyDocument",
        )
    }
    for n, side in enumerate("AB"):
        place = SIDES[n]
        public = side == "A"
        org = world[("org_a", "org_b")[n]]
        college = organisation_make(
            random.Random(80 + n), f"{side} 侧的师范学院", "university", place["city"]
        )
        world[f"outreach_college_{side}"] = college
        made["outreach.OutreachEvent"].append(
            OutreachEvent.all_objects.create(
                kind="lecture",
                title=f"{side} 侧的科普活动",
                organiser=org,
                place_id=place["town"],
                held_on=dt.date(2025, 5, 1),
                audience_kind="farmers",
                audience_size=100,
                in_east_west_north=True,
                is_public=public,
            )
        )
        course = TeacherCourse.all_objects.create(
            title=f"{side} 侧的培训课程",
            provider=college,
            division_id=place["city"],
            mode="offline",
            hours=40,
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 3, 5),
            is_public=public,
        )
        made["outreach.TeacherCourse"].append(course)
        made["outreach.Trainee"].append(
            Trainee.all_objects.create(
                course=course,
                name=f"{side} 侧的参训教师",
                school=f"{side} 侧的中心小学",
                county_id=place["county"],
                stage="primary",
                subject="science",
                hours_completed=40,
                passed=True,
            )
        )
        member = ThinkTankMember.all_objects.create(
            name=f"{side} 侧的智库成员",
            category="scientist",
            organisation=org,
            fields="乡村产业",
            person=world[("person_a", "person_b")[n]],
            joined_year=2023,
            is_public=public,
        )
        made["outreach.ThinkTankMember"].append(member)
        report = ResearchReport.all_objects.create(
            title=f"{side} 侧的深调研报告", year=2024, is_public=public
        )
        report.members.set([member])
        report.counties.set([place["county"]])
        made["outreach.ResearchReport"].append(report)
        seminar = Seminar.all_objects.create(
            kind="seminar",
            title=f"{side} 侧的智库研讨会",
            held_on=dt.date(2024, 11, 1),
            place_id=place["county"],
            participant_count=30,
            is_public=public,
        )
        seminar.members.set([member])
        made["outreach.Seminar"].append(seminar)
        # Drafts on both sides: a case is its region's until published, a commendation or a policy
        # the province's alone until published.
        case = ShowcaseCase.all_objects.create(
            title=f"{side} 侧的典型案例草稿",
            summary="科技特派团进村入户，带来检测和防控技术，病株率明显下降。",
            body="背景、做法和过程。" * 15,
            place_id=place["town"],
        )
        CasePhoto.objects.create(case=case, image="outreach/cases/demo.jpg", width=10, height=10)
        made["outreach.ShowcaseCase"].append(case)
        commendation = Commendation.all_objects.create(title=f"{side} 侧的通报表扬草稿", year=2025)
        CommendationEntry.objects.create(
            commendation=commendation, kind="unit", name=f"{side} 侧的先进集体", reason="工作突出"
        )
        made["outreach.Commendation"].append(commendation)
        made["outreach.PolicyDocument"].append(
            PolicyDocument.all_objects.create(
                kind="policy",
                title=f"{side} 侧的政策文件草稿",
                issuer="广东省科学技术厅",
                issued_on=dt.date(2023, 8, 1),
                body="政策正文。" * 20,
            )
        )
    world["_outreach"] = {model: (a, b) for model, (a, b) in made.items()}
    return world["_outreach"]


def _outreach(w: dict[str, Any], model: str, s: int) -> Any:
    return _outreach_records(w)[f"outreach.{model}"][s]


CREATE_PAYLOADS.update(
    {
        "/api/v1/outreach/events": lambda w, s=1: {
            "kind": "countryside",
            "title": "越权登记的科普活动",
            "organiser_id": w[("org_a", "org_b")[s]].pk,
            "place_code": SIDES[s]["town"],
            "held_on": "2025-06-01",
            "audience_kind": "farmers",
            "audience_size": 100,
        },
        "/api/v1/outreach/courses": lambda w, s=1: {
            "title": "越权登记的培训课程",
            "division_code": SIDES[s]["city"],
            "provider_id": _outreach(w, "TeacherCourse", s).provider_id,
            "mode": "online",
            "hours": "20",
            "starts_on": "2025-06-01",
            "ends_on": "2025-06-03",
        },
        "/api/v1/outreach/members": lambda w, s=1: {
            "name": "越权登记的成员",
            "category": "other",
            "organisation_id": w[("org_a", "org_b")[s]].pk,
            "fields": "乡村规划",
            "joined_year": 2024,
        },
        "/api/v1/outreach/reports": lambda w, s=1: {
            "title": "越权登记的调研报告",
            "year": 2025,
            "member_ids": [_outreach(w, "ThinkTankMember", s).pk],
            "county_codes": [SIDES[s]["county"]],
        },
        "/api/v1/outreach/seminars": lambda w, s=1: {
            "kind": "forum",
            "title": "越权登记的智库论坛",
            "held_on": "2025-06-01",
            "place_code": SIDES[s]["county"],
            "participant_count": 50,
        },
    }
)
WRITE_PAYLOADS.update(
    {
        "/api/v1/outreach/events/{event_id}": lambda w, s=1: {"audience_size": 999},
        "/api/v1/outreach/courses/{course_id}": lambda w, s=1: {"title": "越权修改的课程名称"},
        "/api/v1/outreach/courses/{course_id}/trainees": lambda w, s=1: {
            "name": "越权登记的教师",
            "school": "某县第一中学",
            "county_code": SIDES[s]["county"],
            "stage": "junior",
            "subject": "physics",
            "hours_completed": "12",
        },
        "/api/v1/outreach/trainees/{trainee_id}": lambda w, s=1: {"hours_completed": "10"},
        "/api/v1/outreach/members/{member_id}": lambda w, s=1: {"fields": "越权修改的专业领域"},
        "/api/v1/outreach/reports/{report_id}": lambda w, s=1: {"summary": "越权修改的报告摘要"},
        "/api/v1/outreach/seminars/{seminar_id}": lambda w, s=1: {"summary": "越权修改的会议纪要"},
    }
)

CREATE_PAYLOADS.update(
    {
        "/api/v1/publicity/cases": lambda w, s=1: {
            "place_code": SIDES[s]["town"],
            "title": "越权撰写的典型案例",
            "summary": "越权撰写的典型案例摘要，写满二十个字以上的内容。",
            "body": "越权撰写的案例正文。" * 12,
        },
        "/api/v1/publicity/commendations": lambda w, s=1: {"title": "越权新建的通报表扬", "year": 2025},
        "/api/v1/publicity/policies": lambda w, s=1: {
            "kind": "policy",
            "title": "越权登记的政策文件",
            "issuer": "某县科技局",
            "issued_on": "2024-01-01",
            "body": "越权登记的政策正文。" * 10,
        },
    }
)
WRITE_PAYLOADS.update(
    {
        "/api/v1/publicity/cases/{case_id}": lambda w, s=1: {"results": "越权修改的案例成效"},
        "/api/v1/publicity/cases/{case_id}/review": lambda w, s=1: {"publish": True},
        "/api/v1/publicity/cases/{case_id}/withdraw": lambda w, s=1: {"note": "越权撤下的原因"},
        "/api/v1/publicity/commendations/{commendation_id}": lambda w, s=1: {"intro": "越权修改的通报正文"},
        "/api/v1/publicity/commendations/{commendation_id}/entries": lambda w, s=1: {
            "kind": "person",
            "name": "越权加入的个人",
            "reason": "越权加入的事由",
        },
        "/api/v1/publicity/commendations/{commendation_id}/fill": lambda w, s=1: {"source": "projects"},
        "/api/v1/publicity/commendations/{commendation_id}/publish": lambda w, s=1: {"publish": True},
        "/api/v1/publicity/policies/{policy_id}": lambda w, s=1: {"title": "越权修改的政策标题"},
        "/api/v1/publicity/policies/{policy_id}/publish": lambda w, s=1: {"publish": True},
    }
)

ALLOWED_CREATORS = {"/api/v1/accounts/tokens"}  # creating one's own token is always allowed


def _ids(body: Any) -> set[str]:
    items = body["items"] if isinstance(body, dict) and "items" in body else body
    if not isinstance(items, list):
        items = [items]
    return {str(item.get("id", item.get("code"))) for item in items if isinstance(item, dict)}


def test_every_operation_declares_its_scope() -> None:
    missing = [f"{m} {p}" for m, p, op in operations() if "x-scope-model" not in op]
    assert not missing, f"这些接口没有声明 x-scope-model：{missing}"
    assert len(operations()) >= 15


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*(r.value for r in ROLES), "anonymous"])
def test_no_role_reaches_records_outside_its_scope(role: Role | None, world: dict[str, Any]) -> None:
    client = Client()
    user: User | None = world["users"][role] if role else None
    if user is not None:
        client.force_login(user)
    checked = 0
    for method, path, operation in operations():
        model = operation["x-scope-model"]
        if model == "public":
            continue
        pair = _records(model, world)
        assert pair is not None, f"{method} {path}: 测试无法构造 {model} 的记录，请在 _records 中补充"
        _, record_b = pair
        if user is not None and (user.is_province or _duty_reaches_everywhere(user, model)):
            continue  # the province sees everything; checked positively below
        has_param = bool(PARAM.search(path))
        url = PARAM.sub(str(record_b.pk), path)
        if method == "GET" and not has_param:
            response = client.get(url, {"page_size": 200})
            if user is None:
                assert response.status_code == 401, f"{path} 匿名访问应被拒绝"
            elif response.status_code == 200:
                leaked = _ids(response.json()) & {str(record_b.pk)}
                assert not leaked or (model == "accounts.User" and record_b.pk == user.pk), (
                    f"{role} 通过 {path} 看到了管辖范围外的 {model} {leaked}"
                )
            else:
                assert response.status_code == 403, f"{path} 返回 {response.status_code}"
        elif method == "GET":
            response = client.get(url)
            assert response.status_code in (401, 403, 404), f"{role} 读取了范围外的 {url}"
        elif has_param:
            before = _snapshot(record_b)
            body = WRITE_PAYLOADS[path](world) if path in WRITE_PAYLOADS else {}
            response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
            assert response.status_code in (401, 403, 404), (
                f"{role} 修改了范围外的 {url}：{response.status_code}"
            )
            assert _snapshot(record_b) == before, f"{role} 经 {url} 改动了范围外的记录"
        else:
            payload = CREATE_PAYLOADS.get(path)
            assert payload is not None, f"{method} {path}: 请在 CREATE_PAYLOADS 中补充越权创建的请求"
            response = client.post(url, data=payload(world), content_type="application/json")
            if path in ALLOWED_CREATORS and user is not None:
                assert response.status_code == 201
            else:
                assert response.status_code in (401, 403, 404, 422), (
                    f"{role} 经 {path} 在范围外创建了记录：{response.status_code} {response.content[:200]!r}"
                )
        checked += 1
    assert checked >= 10 or (user is not None and user.is_province)


def _duty_reaches_everywhere(user: User, model: str) -> bool:
    """三权分立: the system and security administrators act on every account, the audit
    administrator reads the whole audit log (tests/accounts/test_duty_separation.py checks them)."""
    if model == "accounts.User":
        return user.manages_all_users or user.manages_security
    if model in ("core.AuditEvent", "auditlog.LogEntry"):
        return user.reads_audit_log
    return False


def _snapshot(record: Any) -> dict[str, Any]:
    fresh = type(record)._base_manager.get(pk=record.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def test_scoped_lists_are_not_trivially_empty(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    """The same endpoints do return what is inside the scope, so the matrix above means something."""
    users = world["users"]
    province = client_for(users[Role.PROVINCE])
    ids = _ids(province.get("/api/v1/orgs/organisations", {"page_size": 200}).json())
    assert {str(world["org_a"].pk), str(world["org_b"].pk)} <= ids
    for role in (Role.CITY, Role.COUNTY, Role.TOWN, Role.ORG):
        client = client_for(users[role])
        assert str(world["org_a"].pk) in _ids(client.get("/api/v1/orgs/organisations").json()), role
        assert str(world["person_a"].pk) in _ids(client.get("/api/v1/orgs/people").json()), role
    county_users = _ids(
        client_for(users[Role.COUNTY]).get("/api/v1/accounts/users", {"page_size": 200}).json()
    )
    assert str(users[Role.TOWN].pk) in county_users
    assert str(world["user_b"].pk) not in county_users


def test_token_auth_reaches_only_the_token_owners_scope(world: dict[str, Any]) -> None:
    _, raw = api_token_create(acting_user=world["users"][Role.COUNTY], name="县级数据交换")
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    ids = _ids(client.get("/api/v1/orgs/organisations", **headers).json())
    assert str(world["org_a"].pk) in ids
    assert str(world["org_b"].pk) not in ids
    assert client.get("/api/v1/orgs/organisations", HTTP_AUTHORIZATION="Bearer bqw_wrong").status_code == 401
    ApiToken.objects.update(revoked=True)
    assert client.get("/api/v1/orgs/organisations", **headers).status_code == 401
