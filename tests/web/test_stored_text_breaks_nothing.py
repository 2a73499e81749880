"""Whatever users stored, every page, export and report still answers for everyone.

The whole demo is loaded, then the names and texts other users see are overwritten with the worst
strings a form, an import or an old record could have left: control characters (as stored before
the boundary refused them), a formula, HTML, a right-to-left override. The province administrator
then follows every link the pages offer — menus, rows, tabs, each export and report button."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.management import call_command
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, Left
from django.test import Client
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.commissioners.models import DispatchRound, KeyTask, RoundStatus, ServiceLog, Team, Workstation
from baiqianwan.demands.models import Demand
from baiqianwan.market.models import Deal, Enquiry, Listing
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.plan.services import plan_load
from baiqianwan.supply.models import Achievement

from ..conftest import otp_verified
from .crawl import Visit, visits_of

# Starts like a formula; carries a BEL, a vertical tab, an escape, HTML and a right-to-left override.
WORST = '=HYPERLINK("http://x")\x07\x0b\x1b<script>alert(1)</script>\u202e'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TARGETS = [
    (Organisation, "name", 120),
    (Person, "name", 40),
    (Demand, "title", 80),
    (Demand, "description", 5000),
    (Achievement, "title", 120),
    (DispatchRound, "name", 60),
    (Team, "name", 80),
    (Workstation, "name", 80),
    (ServiceLog, "description", 2000),
    (KeyTask, "title", 120),
    (Listing, "title", 120),
    (Listing, "licence_terms", 2000),
    (Enquiry, "message", 2000),
    (Deal, "title", 120),
]


def _store_the_worst() -> None:
    for model, field, length in TARGETS:
        # The id keeps unique names unique; the original text follows, cut to the column's length.
        value = Concat(Value(WORST), Cast("pk", CharField()), Value(" "), F(field), output_field=CharField())
        model.all_objects.update(**{field: Left(value, length)})


def _check(visit: Visit) -> None:
    where = f"{visit.url}（来自 {visit.source}）"
    assert visit.status < 500, where
    if visit.content_type.startswith(XLSX):
        book = load_workbook(io.BytesIO(visit.body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{where}: 单元格 {cell.coordinate} 是公式"
    elif visit.content_type.startswith("application/pdf"):
        assert visit.body.startswith(b"%PDF-"), where
    elif visit.content_type.startswith("application/zip"):
        assert zipfile.ZipFile(io.BytesIO(visit.body)).testzip() is None, where
    elif visit.content_type.startswith("text/html"):
        assert b"<script>alert(1)" not in visit.body, f"{where}: 未转义的 HTML"


def test_every_page_export_and_report_survives_the_worst_stored_strings(divisions: None, capsys: Any) -> None:
    plan_load()
    call_command("indicators", "load")
    call_command("demo")
    capsys.readouterr()
    _store_the_worst()
    assert Organisation.all_objects.filter(name__startswith="=HYPERLINK").count() > 10
    client = Client()
    province = User.objects.get(username="gd_admin")
    client.force_login(province)
    otp_verified(client, province)  # the demo's province account has an authenticator
    # Each kind of page once, beginning with a published round (its letters, agreements and zip).
    published = DispatchRound.all_objects.get(status=RoundStatus.PUBLISHED)
    visits = visits_of(client, _check, [f"/commissioners/rounds/{published.pk}/", "/"], per_shape=1)
    kinds = {v.content_type.split(";")[0] for v in visits if v.status == 200}
    downloads = [v for v in visits if v.content_type.startswith((XLSX, "application/pdf", "application/zip"))]
    assert len(visits) > 150
    assert {"text/html", XLSX, "application/pdf", "application/zip"} <= kinds
    assert len(downloads) >= 30, [v.url for v in downloads]
    for page in ("/orgs/?export=xlsx", "/orgs/people/?export=xlsx", "/commissioners/logs/?export=xlsx"):
        assert page in {v.url for v in downloads}
