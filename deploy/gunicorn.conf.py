"""gunicorn settings for the provincial deployment.

    gunicorn -c deploy/gunicorn.conf.py baiqianwan.wsgi:application

gunicorn listens on the loopback interface only; nginx (deploy/nginx.conf) terminates TLS,
serves /static/ and proxies everything else here. The GUNICORN_* variables below are read
from the same environment file as the Django settings (deploy/env.example).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Loopback only: the application is reached through nginx, never directly.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Threaded workers: a request waiting on PostgreSQL does not hold a whole process.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)

# Long work (imports, matching, reports) runs on Celery workers, so a request taking more than
# two minutes is stuck: kill it. nginx's proxy_read_timeout matches this value.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so memory held by large spreadsheets or indexes is returned.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# Heartbeat files in memory: a slow disk must not make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Only nginx on this host may tell us the original scheme (X-Forwarded-Proto: https).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stdout/stderr, which systemd hands to journald; set GUNICORN_ACCESS_LOG to a file
# path to write the access log there instead. The first field is the client address nginx saw
# (X-Real-IP), since the peer address of every request is nginx itself.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-real-ip}i)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

proc_name = "baiqianwan"

# The control socket (`gunicornc`) lives in the runtime directory systemd creates for the unit
# (RuntimeDirectory=baiqianwan → /run/baiqianwan); elsewhere it is off rather than under $HOME.
_runtime_dir = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
if _runtime_dir:
    control_socket = os.path.join(_runtime_dir, "gunicorn.ctl")
else:
    control_socket_disable = True
