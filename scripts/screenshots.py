"""Screenshots of pages as a demo user, for review.

Usage: python scripts/screenshots.py USER [PATH ...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = os.environ.get("BQW_URL", "http://127.0.0.1:8000")
PASSWORD = os.environ.get("BQW_PASSWORD", "Bqw@2025demo")
OUT = Path(os.environ.get("BQW_SHOTS", "var/shots"))


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
        for path in paths:
            page.goto(BASE + path)
            page.wait_for_timeout(1200)
            name = (username + path.replace("/", "_").replace("?", "_").replace("=", "-"))[:80] + ".png"
            page.screenshot(path=str(OUT / name), full_page=True)
            print(OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
