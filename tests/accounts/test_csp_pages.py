"""Every screen of every role carries the Content-Security-Policy and has no inline script and no
on*= event handler (the policy would block them: a screen that relied on one would be broken)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from accounts.roles import hats_of

ROLE_USERS = [
    "finance_secretary",
    "finance_clerk",
    "finance_cell_secretary",
    "lc_secretary",
    "lc_clerk",
    "lc_cell_secretary",
    "board_officer",
    "member_user",
]
# links not to follow: they end the session, or answer with a file rather than a screen
NOT_FOLLOWED = {"logout", "set_language"}
PER_ROLE_LIMIT = 80


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.handlers += [f"<{tag} {name}=…>" for name, _v in attrs if name.startswith("on")]
        if "style" in names:
            self.styles.append(f"<{tag} style=…>")
        if tag == "style":
            self.styles.append("<style>")
        if tag == "script" and not names.get("src") and names.get("type") not in ("application/json",):
            self.inline_scripts.append(str(names))
        if tag == "a" and names.get("href"):
            self.links.append(str(names["href"]))
        if any((value or "").strip().lower().startswith("javascript:") for _n, value in attrs):
            self.handlers.append(f"<{tag} …javascript:…>")


def check(response, url: str) -> Inspector:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
    inspector = Inspector()
    inspector.feed(response.content.decode())
    assert inspector.inline_scripts == [], f"{url}: inline script {inspector.inline_scripts}"
    assert inspector.handlers == [], f"{url}: event handler attributes {inspector.handlers}"
    assert inspector.styles == [], f"{url}: inline style {inspector.styles}"
    return inspector


def crawl(client, start: str, seen_names: set[str]) -> list[str]:
    """Follow the role's links breadth-first, one page per URL name; returns the pages checked."""
    queue, done, checked = [start], set(), []
    while queue and len(checked) < PER_ROLE_LIMIT:
        url = queue.pop(0)
        if url in done:
            continue
        done.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
            continue
        checked.append(url)
        for href in check(response, url).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            try:
                name = resolve(parts.path).view_name
            except Resolver404:
                continue
            if name in NOT_FOLLOWED or name.startswith("admin:") or (name, parts.query) in seen_names:
                continue
            seen_names.add((name, parts.query))
            queue.append(href)
    return checked


@pytest.mark.parametrize("role", ROLE_USERS)
def test_every_page_of_the_role_has_the_policy_and_no_inline_script(cast, client, role):
    user = getattr(cast, role)
    client.force_login(user)
    checked: list[str] = []
    seen: set = set()
    for hat in hats_of(user):
        client.post(reverse("switch_role"), {"role": hat.key})
        checked += crawl(client, reverse("home"), seen)
    for name in ("account_security", "password_change", "two_factor_setup", "notifications:list", "api_tokens"):
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == 200, url
        check(response, url)
    assert len(checked) >= 2, checked


def test_the_pages_before_login_have_the_policy_and_no_inline_script(cast, client):
    pages = [reverse("login"), reverse("password_reset"), reverse("password_reset_done"), "/api/v1/docs"]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        check(response, url)


def test_the_two_inline_select_all_scripts_moved_to_static_js():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = (root / "static/js/app.js").read_text(encoding="utf-8")
    assert "data-check-all" in script
    for template in (root / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text), template
