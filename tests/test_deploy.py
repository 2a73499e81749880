"""The deployment configuration in deploy/ works with the settings as they are.

Each test runs the real tools in a subprocess with the environment a provincial deployment sets
(docs/deploy.md): Django's deployment checks, gunicorn loading deploy/gunicorn.conf.py and the
application, and deploy/env.example naming every variable the settings read.
"""

from __future__ import annotations

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "src" / "baiqianwan" / "settings.py"
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "env.example"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
NGINX_CONF = DEPLOY / "nginx.conf"
SYSTEMD = DEPLOY / "systemd"

ENV_READERS = {"env_bool", "env_list", "getenv", "get", "_int"}


def _read_names(path: Path) -> set[str]:
    """Environment variable names a Python file reads.

    Matches ``os.environ.get("X", ...)``, ``os.getenv("X")``, ``os.environ["X"]`` and the
    settings' ``env_bool("X")`` / ``env_list("X")`` helpers (gunicorn.conf.py's ``_int("X")``).
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "get" and not (
                isinstance(func, ast.Attribute) and ast.unparse(func.value) == "os.environ"
            ):
                continue
            first = node.args[0]
            if name in ENV_READERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            names.add(node.slice.value)
    return names


def _example_names() -> set[str]:
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))


def _deploy_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The process environment with the deployment's variables, and none inherited from the caller."""
    inherited = _read_names(SETTINGS) | _example_names()
    env = {k: v for k, v in os.environ.items() if k not in inherited and not k.startswith("GUNICORN")}
    env.update(
        DJANGO_SETTINGS_MODULE="baiqianwan.settings",
        BQW_PROFILE="deploy",
        BQW_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="bqw.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://bqw.example.gov.cn",
        **extra,
    )
    return env


def _bqw() -> list[str]:
    script = Path(sys.executable).with_name("bqw")
    return [str(script)] if script.exists() else [sys.executable, "-m", "django"]


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def test_check_deploy_reports_nothing_with_the_deploy_environment(tmp_path: Path) -> None:
    result = _run([*_bqw(), "check", "--deploy", "--fail-level", "WARNING"], _deploy_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS:" not in output, output
    assert "ERRORS:" not in output, output


def test_check_deploy_fails_without_the_deploy_profile(tmp_path: Path) -> None:
    """The check above passes because of BQW_PROFILE=deploy, not because the check is toothless."""
    env = _deploy_env(tmp_path)
    del env["BQW_PROFILE"]
    result = _run([*_bqw(), "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W004" in output, output  # HSTS
    assert "security.W012" in output, output  # session cookie over HTTPS only


def test_gunicorn_loads_the_config_and_the_application(tmp_path: Path) -> None:
    env = _deploy_env(tmp_path, GUNICORN_WORKERS="3")
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "baiqianwan.wsgi:application"]
    checked = _run([*command[:3], "--check-config", *command[3:]], env)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    printed = _run([*command[:3], "--print-config", *command[3:]], env)
    assert printed.returncode == 0, printed.stderr
    config = {
        key.strip(): value.strip()
        for key, _, value in (line.partition("=") for line in printed.stdout.splitlines())
        if value
    }
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["workers"] == "3"  # from GUNICORN_WORKERS
    assert config["worker_class"] == "gthread"
    assert config["timeout"] == "120"
    assert config["accesslog"] == "-"
    assert "x-real-ip" in config["access_log_format"]


def test_env_example_names_every_variable_the_settings_read() -> None:
    read = _read_names(SETTINGS)
    # The parser must see the variables every deployment sets; if these vanish, it is broken.
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG", "CELERY_BROKER_URL"} <= read
    missing = sorted(read - _example_names())
    assert not missing, f"deploy/env.example 缺少这些环境变量：{missing}"


def test_env_example_names_only_variables_something_reads() -> None:
    readers = _read_names(SETTINGS) | _read_names(GUNICORN_CONF)
    units = "\n".join(p.read_text(encoding="utf-8") for p in SYSTEMD.glob("*.service"))
    stale = sorted(n for n in _example_names() if n not in readers and f"${{{n}}}" not in units)
    assert not stale, f"deploy/env.example 中这些变量没有任何地方读取：{stale}"


def test_nginx_serves_static_and_never_media() -> None:
    conf = NGINX_CONF.read_text(encoding="utf-8")
    directives = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    assert re.search(r"location /media/ \{\s*return 404;\s*\}", directives)
    assert "media" not in directives.replace("location /media/", ""), "MEDIA_ROOT must not be mapped"
    assert re.search(r"location /static/ \{\s*alias /var/lib/baiqianwan/static/;", directives)
    assert re.search(r"client_max_body_size 25m;", directives)
    assert re.search(r"server 127\.0\.0\.1:8000\b", directives)
    for header in ("X-Forwarded-Proto", "X-Real-IP", "Host"):
        assert re.search(rf"proxy_set_header {header} ", directives), header


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        (
            "baiqianwan-web.service",
            "gunicorn -c /opt/baiqianwan/deploy/gunicorn.conf.py baiqianwan.wsgi:application",
        ),
        ("baiqianwan-worker.service", "celery -A baiqianwan worker"),
        ("baiqianwan-audit-prune.service", "bqw audit prune"),
        ("baiqianwan-plan-remind.service", "bqw plan_remind"),
        ("baiqianwan-dispatch-remind.service", "bqw dispatch_remind"),
    ],
)
def test_systemd_units_run_the_documented_commands(unit: str, command: str) -> None:
    text = (SYSTEMD / unit).read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/baiqianwan/env" in text
    assert "User=bqw" in text
    assert re.search(rf"^ExecStart=/opt/baiqianwan/venv/bin/{re.escape(command)}", text, re.MULTILINE)
