"""Screenshots of pages as a demo user, for review.

Usage: python scripts/screenshots.py USER [PATH ...]

Accounts with two-factor login (the demo's gd_admin and the three administrators) are given the
code of the demo TOTP key (BQW_TOTP_SECRET to use another).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = os.environ.get("BQW_URL", "http://127.0.0.1:8000")
PASSWORD = os.environ.get("BQW_PASSWORD", "Bqw@2025demo")
OUT = Path(os.environ.get("BQW_SHOTS", "var/shots"))
TOTP_SECRET = os.environ.get("BQW_TOTP_SECRET", "BQWDEMOBQWDEMOBQWDEMOBQWDEMOBQWD")


def totp(secret: str, step: int = 30) -> str:
    """RFC 6238 with SHA-1 and six digits, as authenticator apps compute it."""
    digest = hmac.new(
        base64.b32decode(secret), struct.pack(">Q", int(time.time()) // step), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def main() -> None:
    username, paths = sys.argv[1], sys.argv[2:] or ["/"]
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        mobile = os.environ.get("BQW_MOBILE") == "1"
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1400, "height": 900}
        page = browser.new_page(viewport=viewport, locale="zh-CN", is_mobile=mobile)
        page.goto(f"{BASE}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/2fa/verify/" in page.url:
            page.fill("#id_code", totp(TOTP_SECRET))
            page.click("form:has(#id_code) button[type=submit]")
            page.wait_for_load_state()
        for path in paths:
            page.goto(BASE + path)
            page.wait_for_timeout(1200)
            name = (username + path.replace("/", "_").replace("?", "_").replace("=", "-"))[:80] + ".png"
            page.screenshot(path=str(OUT / name), full_page=True)
            print(OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
