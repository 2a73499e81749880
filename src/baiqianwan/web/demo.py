"""`bqw demo`: a deterministic, realistic data set across the apps."""

from __future__ import annotations

import random

from django.db import transaction

from baiqianwan.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_users
from baiqianwan.calls.demo import demo_calls
from baiqianwan.calls.models import Application, Carrier
from baiqianwan.commissioners.demo import demo_dispatch
from baiqianwan.commissioners.models import DispatchRound, ServiceLog, Team
from baiqianwan.demands.demo import demo_demands, demo_journey
from baiqianwan.finance.demo import demo_finance
from baiqianwan.finance.funds.demo import demo_funds
from baiqianwan.finance.stations.demo import demo_stations
from baiqianwan.indicators.collection.models import Submission
from baiqianwan.indicators.demo import demo_indicators
from baiqianwan.indicators.demo_acceptance import demo_acceptance
from baiqianwan.industries.models import Industry
from baiqianwan.industries.services import industries_load
from baiqianwan.market.demo import demo_market
from baiqianwan.orgs.demo import demo_organisations, demo_people
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.outreach.demo import demo_outreach
from baiqianwan.outreach.publicity.demo import demo_publicity
from baiqianwan.plan.demo import demo_kpi_values, demo_progress
from baiqianwan.portal.demo import demo_award_publicity, demo_portal
from baiqianwan.projects.demo import demo_projects
from baiqianwan.reviews.demo import demo_reviews
from baiqianwan.supply.demo import demo_achievements, demo_experts, demo_link_experts
from baiqianwan.supply.models import ExpertProfile
from baiqianwan.talent.demo import demo_talent
from baiqianwan.towns.demo import demo_towns

SEED = 20230607  # the plan's publication date


def demo_is_loaded() -> bool:
    return Organisation.all_objects.exists()


@transaction.atomic
def demo_load() -> dict[str, object]:
    rng = random.Random(SEED)
    organisations = demo_organisations(rng)
    demo_people(rng, organisations)
    users = demo_users()
    if not Industry.objects.exists():
        industries_load()
    achievements = demo_achievements()
    demo_experts(rng)
    demo_link_experts()
    demands = demo_demands()
    demo_journey()
    demo_progress()
    demo_kpi_values()
    demo_dispatch()
    demo_indicators()
    demo_acceptance()
    calls = demo_calls(rng)
    reviews = demo_reviews(rng, calls)
    projects = demo_projects(rng)
    towns = demo_towns()
    market = demo_market(rng)
    finance = demo_finance(rng)
    portal = demo_portal()
    funds = demo_funds(rng)
    stations = demo_stations(rng)
    talent = demo_talent(rng)
    outreach = demo_outreach(rng)
    # After the demands, the assessment and the projects it links to and fills lists from.
    publicity = demo_publicity(rng)
    # Its own sequence, so the parts above keep the data they always made.
    award = demo_award_publicity(random.Random(1014))
    # Counted at the end: the dispatch demo adds candidates of its own.
    return {
        "organisations": len(organisations),
        "people": Person.all_objects.count(),
        "achievements": achievements,
        "experts": ExpertProfile.all_objects.count(),
        "demands": demands,
        "rounds": DispatchRound.all_objects.count(),
        "teams": Team.all_objects.count(),
        "service_logs": ServiceLog.all_objects.count(),
        "reports": Submission.all_objects.count(),
        "calls": len(calls),
        "applications": Application.all_objects.count(),
        "review_sheets": reviews["sheets"],
        "carriers": Carrier.all_objects.count(),
        "projects": projects["projects"],
        "towns": towns["towns"],
        "listings": market["listings"],
        "deals": market["deals"],
        "credit_products": finance["products"],
        "loans": finance["loans"],
        "public_demands": portal["public_demands"],
        "objections": award["objections"],
        "sub_funds": funds["funds"],
        "investments": funds["investments"],
        "finance_stations": stations["stations"],
        "outposts": talent["outposts"],
        "leaders": talent["leaders"],
        "leader_groups": talent["groups"],
        "talent_selections": talent["selections"],
        "outreach_events": outreach["events"],
        "trained_teachers": outreach["teachers"],
        "think_tank_members": outreach["members"],
        "think_tank_reports": outreach["reports"],
        "think_tank_seminars": outreach["seminars"],
        "showcase_cases": publicity["cases"],
        "published_cases": publicity["published_cases"],
        "commendations": publicity["commendations"],
        "policy_documents": publicity["policies"],
        "users": [*users, *market["users"], *finance["users"], *funds["users"]],
        "password": DEMO_PASSWORD,
        "totp_secret": DEMO_TOTP_SECRET,
    }
