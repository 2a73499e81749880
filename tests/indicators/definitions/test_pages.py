"""指标体系与报表设置: export and re-import definitions, upload a new version, report settings."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.indicators.definitions import services as definition_services
from baiqianwan.indicators.definitions.models import DataSet, SystemVersion

from ...conftest import A


@pytest.fixture
def province(divisions: None, make_user: Callable[..., User]) -> User:
    definition_services.system_load_shipped()
    return make_user(Role.PROVINCE, "440000000000")


def _upload(client: Client, data: bytes) -> str:
    upload = io.BytesIO(data)
    upload.name = "体系.json"
    response = client.post("/indicators/definitions/", {"file": upload}, follow=True)
    return response.content.decode()


def test_definitions_export_and_come_back_as_a_new_version(
    province: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(province)
    current = SystemVersion.objects.get(code="county_town_system", is_current=True)
    assert "county_town_system" in client.get("/indicators/definitions/").content.decode()
    exported = client.get(f"/indicators/definitions/{current.pk}/download/")
    assert "attachment" in exported["Content-Disposition"]
    # Re-importing the exported file finds the same version: the hash is of the content, not the layout.
    page = _upload(client, exported.content)
    assert current.content_hash[:12] in page
    assert SystemVersion.objects.filter(code="county_town_system").count() == 1
    changed = json.loads(exported.content)
    changed["version"] = "2026.1"
    changed["indices"][0]["components"][0]["weight"] = 0.5
    _upload(client, json.dumps(changed, ensure_ascii=False).encode())
    newer = SystemVersion.objects.get(code="county_town_system", is_current=True)
    assert newer.version == "2026.1"
    assert newer.content_hash != current.content_hash
    broken = dict(changed, version="2026.2", indicators=[dict(changed["indicators"][0], formula="#{gdp} +")])
    page = _upload(client, json.dumps(broken, ensure_ascii=False).encode())
    assert "公式第" in page
    assert not SystemVersion.objects.filter(version="2026.2").exists()
    assert "不是有效的 JSON" in _upload(client, b"\xff\xfe not json")


def test_only_the_province_maintains_definitions(
    province: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    county = make_user(Role.COUNTY, A["county"])
    assert client_for(county).get("/indicators/definitions/").status_code == 403
    with pytest.raises(PermissionDenied):
        definition_services.dataset_update(
            acting_user=county,
            dataset=DataSet.objects.get(code="county_town_system.town"),
            due_days=15,
            lock_days=30,
            approval_chain=["county"],
            active=True,
        )


def test_report_settings_skip_a_level_but_never_reorder(
    province: User, client_for: Callable[[User], Client]
) -> None:
    town_set = DataSet.objects.get(code="county_town_system.town")
    saved = definition_services.dataset_update(
        acting_user=province,
        dataset=town_set,
        due_days=20,
        lock_days=10,
        approval_chain=["province", "city"],
        active=True,
    )
    assert saved.approval_chain == ["city", "province"]
    with pytest.raises(ValidationError, match="乡镇以上的层级"):
        definition_services.dataset_update(
            acting_user=province,
            dataset=town_set,
            due_days=20,
            lock_days=10,
            approval_chain=["village"],
            active=True,
        )
    with pytest.raises(ValidationError, match="至少需要一级审核"):
        definition_services.dataset_update(
            acting_user=province, dataset=town_set, due_days=20, lock_days=10, approval_chain=[], active=True
        )
    client_for(province).post(
        "/indicators/datasets/county_town_system.town/settings/",
        {"due_days": "30", "lock_days": "15", "approval_chain": ["county", "province"], "active": "1"},
    )
    town_set.refresh_from_db()
    assert (town_set.due_days, town_set.lock_days, town_set.approval_chain) == (
        30,
        15,
        ["county", "province"],
    )


def test_loading_the_shipped_files_again_keeps_the_provinces_version(
    province: User, client_for: Callable[[User], Client]
) -> None:
    shipped = SystemVersion.objects.get(code="county_town_system", is_current=True)
    changed = json.loads(client_for(province).get(f"/indicators/definitions/{shipped.pk}/download/").content)
    changed["version"] = "2026.1"
    changed["indices"][0]["components"][0]["weight"] = 0.5
    mine = definition_services.system_store(definition=changed, acting_user=province, note="调整权重")
    definition_services.system_load_shipped()  # what `make run` does on every start
    assert SystemVersion.objects.get(code="county_town_system", is_current=True) == mine
