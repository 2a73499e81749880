from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.matching.forms import SearchFilterForm


def test_the_search_page_reads_its_filter_from_one_form(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    # The search has no API list; its page binds the form and ignores what the form refuses.
    assert SearchFilterForm({"q": "蜜柚" * 300, "kind": "expert"}).values() == {
        "q": "蜜柚" * 250,
        "kind": "expert",
    }
    assert SearchFilterForm({"q": "蜜柚", "kind": "poem"}).values() == {"q": "蜜柚"}
    client = client_for(make_user(Role.PROVINCE, "440000000000"))
    page = client.get("/matching/", {"q": "蜜柚", "kind": "poem"})
    assert page.status_code == 200
    assert 'value="蜜柚"' in page.content.decode()
