"""Run the deployment's nginx site (deploy/nginx.conf) on this machine, over plain HTTP.

The portal benchmark (benchmarks/bench_portal.py) measures the public pages as the provincial
deployment serves them — nginx in front, static files and cached portal pages answered by nginx —
and the deployment tests check the site's cache rules against a running platform. Both need the
real site file, not a copy of it: ``site_config`` rewrites only what is specific to the production
host (TLS on 443, the redirect on 80, the app's port and the paths of static files, cache and
logs), and fails naming the line when deploy/nginx.conf no longer has the shape it expects.

Debian's nginx is installed when missing (scripts/ensure_nginx.sh); its service is never started.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx.conf"
NGINX = "/usr/sbin/nginx"


def _replace(text: str, pattern: str, replacement: str, count: int, flags: int = 0) -> str:
    new, found = re.subn(pattern, lambda _: replacement, text, flags=flags)
    if found != count:
        raise SystemExit(f"deploy/nginx.conf 与预期不符：{pattern!r} 应出现 {count} 次，实际 {found} 次")
    return new


def site_config(*, port: int, app_port: int, static_root: Path, workdir: Path) -> str:
    """deploy/nginx.conf listening on 127.0.0.1:``port`` over HTTP, in front of ``app_port``."""
    text = SITE.read_text(encoding="utf-8")
    text = _replace(text, r"^server \{\n    listen 80;.*?^\}\n", "", 1, re.MULTILINE | re.DOTALL)
    text = _replace(text, r"listen 443 ssl http2;", f"listen 127.0.0.1:{port};", 1)
    text = _replace(text, r"^\s*listen \[::\]:443 ssl http2;\n", "", 1, re.MULTILINE)
    text = _replace(text, r"^\s*ssl_[a-z_]+ [^\n]*\n", "", 8, re.MULTILINE)
    text = _replace(text, r"server 127\.0\.0\.1:8000\b", f"server 127.0.0.1:{app_port}", 1)
    text = _replace(text, r"/var/lib/baiqianwan/static/", f"{static_root}/", 1)
    text = _replace(text, r"/var/cache/nginx/baiqianwan", str(workdir / "cache"), 1)
    text = _replace(
        text,
        r"access_log /var/log/nginx/baiqianwan\.access\.log;",
        f"access_log {workdir}/access.log local;",
        1,
    )
    return _replace(text, r"/var/log/nginx/baiqianwan\.error\.log", f"{workdir}/error.log", 1)


def main_config(site: str, workdir: Path) -> str:
    """A whole nginx.conf around the site, with every file nginx writes under ``workdir``."""
    # Root would run the workers as nobody, who cannot read a test's private temporary directory.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {workdir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes auto;
daemon off;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{
    worker_connections 4096;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    # What the cache did with each request (HIT, MISS, BYPASS, STALE, UPDATING, or - when not cached).
    log_format local '$upstream_cache_status $status "$request"';
{temp}
{site}
}}
"""


def ensure_installed() -> None:
    if not os.path.exists(NGINX):
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure_nginx.sh")], check=True)


def start(*, port: int, app_port: int, static_root: Path, workdir: Path) -> subprocess.Popen[bytes]:
    """nginx with the deployment's site, checked with ``nginx -t`` first; returns once it answers."""
    ensure_installed()
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    site = site_config(port=port, app_port=app_port, static_root=static_root, workdir=workdir)
    conf.write_text(main_config(site, workdir), encoding="utf-8")
    checked = subprocess.run([NGINX, "-t", "-q", "-c", str(conf)], capture_output=True, text=True)
    if checked.returncode:
        raise SystemExit(f"nginx 配置无效：{checked.stderr.strip()}")
    server = subprocess.Popen([NGINX, "-c", str(conf)], start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/media/", timeout=1)
        except urllib.error.HTTPError:
            return server  # nginx answers /media/ itself with 404
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit(
        "nginx 未能启动：" + (workdir / "error.log").read_text(encoding="utf-8", errors="replace")
    )


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # SIGTERM: nginx's fast shutdown
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def clear_cache(workdir: Path) -> None:
    shutil.rmtree(workdir / "cache", ignore_errors=True)


def access_log(workdir: Path) -> list[tuple[str, int, str]]:
    """The requests nginx answered so far: (cache status, HTTP status, request line)."""
    path = workdir / "access.log"
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        cache, status, request = line.split(" ", 2)
        entries.append((cache, int(status), request.strip('"')))
    return entries
