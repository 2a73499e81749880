"""Every page a province administrator or one of the three administrators can reach speaks English
once English is chosen.

The whole demo is loaded and ``gd_admin`` switches the interface to English the way a user does
(``/i18n/setlang/``), then follows every link the pages offer, as tests/web/crawl.py does (each kind of
page once, fragments loaded by htmx included). Then the login's own pages: the sign-in page (wrong
passwords until the account locks), and for each of the system, security and audit administrators
(三权分立) the second factor's page before their code is taken, every page of their duty and of
their own account after it, the refusal of a business page and a new set of recovery codes; last, a
first login that must change the administrator's password and enrol an authenticator. Refusals of
forms sent with wrong values are read as pages too. On each HTML page the visible text is read: text
outside ``<script>`` and ``<style>`` (a run of text across inline elements counts as one piece), and
the attributes a person sees or hears (``title``, ``placeholder``, ``aria-label``, ``alt``, and
``data-confirm``, which the page shows as a question before acting).

Chinese is allowed only where it is data, or where the page itself marks it as Chinese
(``lang="zh-Hans"``: the language menu's own name, the columns and values of the Chinese Excel
import templates, which must be typed as they are, the platform's name that an authenticator app
shows as the account's issuer). Data is text that comes from a stored record:

* every text column of every record in the database (divisions, organisations, people, users,
  demands, achievements, experts, industries, dispatch rounds, teams, workstations, service logs,
  key tasks, notifications, jobs, the audit trail…) and every string inside a JSON column (a
  solver's result, the reasons a connection was proposed, published results); records the crawl
  itself writes (the audit trail of its exports) are read as it goes;
* so also what the loaders put there from the files under data/: the plan's goals, tasks and
  measures (the policy's own text), its target indicators, and the indicator systems' definitions
  (indicator, dimension and element names, themes, units, grades);
* each item of a stored list (keywords, service fields, names joined with 、), and a word of stored
  text that the search engine shows as an item of a list of matched keywords;
* a stored text cut short for display (ending in "…"), a name masked to its first character
  (``李**``), an avatar's initial, and a stored one-character unit of measure (家, 项) after its
  number or label.

Other one-character strings are not taken as data, or they would hide the interface's own
one-character words. Everything else in Chinese is a failure; every page is checked and the failures
are reported together, each page with the Chinese it still shows."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from baiqianwan.accounts.demo import DEMO_PASSWORD
from baiqianwan.accounts.models import User
from baiqianwan.commissioners.models import DispatchRound, RoundStatus
from baiqianwan.core.models import AuditEvent, Job, Notification
from baiqianwan.plan.services import plan_load

from ..conftest import otp_verified
from .crawl import Visit, visits_of

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-confirm"}
HIDDEN_ELEMENTS = {"script", "style"}
INLINE_ELEMENTS = {"a", "abbr", "b", "code", "em", "i", "kbd", "mark", "small", "span", "strong", "sub"}
ELLIPSES = ("…", "...")
UNIT_FOLLOWS = ("（", "(", ":", "：", "/")  # what a unit of measure stands after, besides a number
LIST_ITEM = re.compile(r"[^,，、;；:：]+")


class _VisibleText(HTMLParser):
    """The pieces of text a person sees on a page (a run of text across inline elements is one
    piece; each visible attribute is one), leaving out what the page marks as Chinese
    (``lang="zh-Hans"``: the language menu's own name, a Chinese file format)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._current: list[str] = []
        self._skipping = ""  # the element whose content is left out, while inside it
        self._depth = 0  # elements of the same name opened inside it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            self._depth += tag == self._skipping
            return
        if tag not in INLINE_ELEMENTS:
            self._flush()
        if tag in HIDDEN_ELEMENTS or _chinese(attrs):
            self._skipping, self._depth = tag, 0
            return
        self._attributes(attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skipping and not _chinese(attrs):
            self._attributes(attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping:
                if self._depth:
                    self._depth -= 1
                else:
                    self._skipping = ""
            return
        if tag not in INLINE_ELEMENTS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.pieces.append(text)
        self._current = []

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> None:
        self.pieces.extend(value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value)


def _chinese(attrs: list[tuple[str, str | None]]) -> bool:
    return (dict(attrs).get("lang") or "").lower().startswith("zh")


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(piece.split()) for piece in parser.pieces]


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Each string in a stored value with the name it is stored under (a column or a JSON key)."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(name, key)
            yield from _strings(item, str(name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, key)


SEPARATORS = re.compile(r"[\s、，,；;。：:/|（）()]+")


class StoredText:
    """Every stored text with Chinese in it, whitespace folded as on the page; also each item of a
    stored list (keywords, fields, names joined with 、), the one-character units of measure that
    indicator definitions and plan targets store (家, 个, 项…) and each text's first character (an
    avatar shows a name's initial)."""

    def __init__(self) -> None:
        self.texts: set[str] = set()
        self.units: set[str] = set()
        self.initials: set[str] = set()
        self._joined: str | None = None
        self.seen: dict[type[models.Model], int] = {}

    def add(self, key: str, text: str) -> None:
        if not HAN.search(text):
            return
        folded = " ".join(text.split())
        self._joined = None
        if len(folded) == 1:
            if key == "unit":
                self.units.add(folded)
            return
        self.texts.add(folded)
        self.initials.add(folded[0])
        self.texts.update(" ".join(line.split()) for line in text.splitlines())
        self.texts.update(part for part in SEPARATORS.split(folded) if len(part) > 1)

    def contains(self, word: str) -> bool:
        """Whether the word is part of some stored text."""
        if self._joined is None:
            self._joined = "\n".join(self.texts)
        return HAN.search(word) is not None and word in self._joined

    def load(self, model: type[models.Model], newer: bool = False) -> bool:
        """Read the model's text columns; with ``newer``, only rows added since the last read."""
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            return False
        manager = getattr(model, "all_objects", model._default_manager)
        rows = manager.all()
        if newer and model in self.seen:
            rows = rows.filter(pk__gt=self.seen[model])
        found = False
        for pk, *values in rows.values_list("pk", *fields).order_by("pk"):
            for name, value in zip(fields, values, strict=True):
                for key, text in _strings(value, name):
                    self.add(key, text)
                    found = True
            if isinstance(pk, int):
                self.seen[model] = pk
        return found

    def load_all(self) -> None:
        for model in apps.get_models():
            if model.__module__.startswith("baiqianwan."):
                self.load(model)


class DataCover:
    """Which characters of a piece of text belong to stored data."""

    def __init__(self, stored: StoredText):
        self.stored = stored
        self.by_start: dict[str, list[str]] = defaultdict(list)
        self.index(stored.texts)

    def index(self, texts: set[str]) -> None:
        starts = set()
        for text in texts:
            self.by_start[text[:2]].append(text)
            starts.add(text[:2])
        for start in starts:
            self.by_start[start].sort(key=len, reverse=True)

    def refresh(self, models_written_to: list[type[models.Model]]) -> None:
        """Take in what the crawl itself stored (the audit trail of exports, jobs it started)."""
        before = set(self.stored.texts)
        for model in models_written_to:
            self.stored.load(model, newer=True)
        self.index(self.stored.texts - before)

    def uncovered(self, text: str) -> list[tuple[int, int]]:
        if len(text) == 1 and (text in self.stored.initials or text in self.stored.units):
            return []  # an avatar's initial, or a unit of measure shown on its own
        covered = [False] * len(text)
        for i in range(len(text) - 1):
            for candidate in self.by_start.get(text[i : i + 2], ()):
                if text.startswith(candidate, i):
                    end = i + len(candidate)
                else:
                    end = self._cut_short(text, i, candidate)
                if end:
                    covered[i:end] = [True] * (end - i)
                    break
        for i, char in enumerate(text):
            before = text[:i].rstrip()[-1:]
            if HAN.match(char) and (
                # A name masked to its first character: 李**
                text.startswith("*", i + 1)
                # A stored unit of measure after its number or in brackets: 2,082 家, （家）
                or (char in self.stored.units and (before.isdigit() or before in UNIT_FOLLOWS))
            ):
                covered[i] = True
        for item in LIST_ITEM.finditer(text):
            # A word the search engine took out of stored text, as an item of a list (matched keywords)
            word = item.group().strip()
            start = item.start() + item.group().index(word) if word else 0
            if word and not all(covered[start : start + len(word)]) and self.stored.contains(word):
                covered[start : start + len(word)] = [True] * len(word)
        spans: list[tuple[int, int]] = []
        for i, char in enumerate(text):
            if HAN.match(char) and not covered[i]:
                if spans and spans[-1][1] >= i - 1:
                    spans[-1] = (spans[-1][0], i + 1)
                else:
                    spans.append((i, i + 1))
        return spans

    @staticmethod
    def _cut_short(text: str, i: int, candidate: str) -> int:
        """The end of a stored text shown cut short (truncatechars), or 0."""
        for ellipsis in ELLIPSES:
            end = text.find(ellipsis, i)
            if end - i >= 4 and candidate.startswith(text[i:end]):
                return end
        return 0


def chinese_outside_data(html: str, cover: DataCover) -> list[str]:
    snippets = []
    for piece in visible_text(html):
        if not HAN.search(piece):
            continue
        for start, end in cover.uncovered(piece):
            snippets.append(piece[max(0, start - 15) : end + 15])
    return snippets


ADMINISTRATORS = ("sys_admin", "sec_admin", "audit_admin")


def _english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_every_page_the_province_and_the_administrators_reach_is_english(
    divisions: None, capsys: Any, settings: Any
) -> None:
    plan_load()
    call_command("indicators", "load")
    call_command("demo")
    capsys.readouterr()
    stored = StoredText()
    stored.load_all()
    cover = DataCover(stored)
    offending: dict[str, list[str]] = {}

    def check(visit: Visit) -> None:
        assert visit.status < 500, visit.url
        cover.refresh([AuditEvent, Job, Notification])
        if visit.content_type.startswith("text/html"):
            html = visit.body.decode("utf-8", "replace")
            # A whole page says it is English; a fragment (htmx) is part of one.
            assert "<html" not in html or 'lang="en"' in html, visit.url
            snippets = chinese_outside_data(html, cover)
            if snippets:
                offending[visit.url] = sorted(set(snippets))

    def post(client: Client, url: str, data: dict[str, str]) -> Visit:
        """A form sent, and the page that answers it (refusals and results) checked like the rest."""
        response = client.post(url, data)
        visit = Visit(
            f"POST {url}", response.status_code, response.get("Content-Type", ""), response.content, ""
        )
        check(visit)
        return visit

    province = User.objects.get(username="gd_admin")
    client = Client()
    client.force_login(province)
    otp_verified(client, province)  # the demo's province account signs in with a second factor
    _english(client)
    published = DispatchRound.all_objects.get(status=RoundStatus.PUBLISHED)
    visits = visits_of(client, check, [f"/commissioners/rounds/{published.pk}/", "/"], per_shape=1)
    pages = [v for v in visits if v.content_type.startswith("text/html")]
    assert len(pages) > 120

    # The sign-in page; five wrong passwords lock the province's account, for the security
    # administrator to see.
    anonymous = _english(Client())
    visits = visits_of(anonymous, check, ["/accounts/login/"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        visits.append(
            post(anonymous, "/accounts/login/", {"username": "gd_admin", "password": "wrong-password"})
        )

    # The three administrators (三权分立): the second step of the login (a malformed code refused),
    # then every page of their duty, one of each kind; the province's account (an authenticator, a
    # lockout) is the account opened, and a business page refuses them. New recovery codes last.
    for username in ADMINISTRATORS:
        administrator = User.objects.get(username=username)
        client = Client()
        client.force_login(administrator)
        _english(client)
        visits += visits_of(client, check, ["/accounts/2fa/verify/"])
        visits.append(post(client, "/accounts/2fa/verify/", {"code": "12345"}))
        otp_verified(client, administrator)
        visits += visits_of(client, check, ["/", f"/accounts/users/{province.pk}/", "/demands/"], per_shape=1)
        visits.append(post(client, "/accounts/2fa/recovery-codes/", {}))

    # A first login where two-factor authentication is required: the password set by an administrator
    # is changed first (an old password refused), then an authenticator is enrolled (a malformed
    # code refused).
    settings.REQUIRE_2FA = True
    newcomer = User.objects.get(username="sys_admin")
    TOTPDevice.objects.filter(user=newcomer).delete()
    StaticDevice.objects.filter(user=newcomer).delete()
    User.objects.filter(pk=newcomer.pk).update(must_change_password=True)
    client = Client()
    client.force_login(newcomer)
    _english(client)
    visits += visits_of(client, check, ["/accounts/password/"])
    visits.append(
        post(
            client,
            "/accounts/password/",
            {"old_password": DEMO_PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
        )
    )
    User.objects.filter(pk=newcomer.pk).update(must_change_password=False)
    visits += visits_of(client, check, ["/accounts/2fa/enrol/"])
    visits.append(post(client, "/accounts/2fa/enrol/", {"code": "12345"}))

    # Each step and each duty was reached, and each form sent was answered with a page, not let through.
    reached = {(v.url.split("?")[0], v.status) for v in visits}
    for page in (
        "/accounts/login/",
        "/accounts/2fa/verify/",
        "POST /accounts/2fa/verify/",
        "/",
        "/accounts/profile/",
        "/accounts/users/",
        f"/accounts/users/{province.pk}/",
        "/accounts/security/",
        "/system/settings/",
        "/audit/",
        "POST /accounts/2fa/recovery-codes/",
        "/accounts/password/",
        "POST /accounts/password/",
        "/accounts/2fa/enrol/",
        "POST /accounts/2fa/enrol/",
    ):
        assert (page, 200) in reached, page
    assert ("POST /accounts/login/", 429) in reached  # the fifth wrong password locks the account
    assert ("/demands/", 403) in reached
    pages += [v for v in visits if v.content_type.startswith("text/html")]
    report = "\n".join(f"{url}: {' | '.join(snippets[:12])}" for url, snippets in sorted(offending.items()))
    assert not offending, f"{len(offending)} of {len(pages)} pages show Chinese outside data:\n{report}"
