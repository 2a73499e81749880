"""Celery application: eager in the embedded default, Redis-backed when CELERY_BROKER_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiqianwan.settings")

app = Celery("baiqianwan")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The app of every thread, not just the one that imported this module: gunicorn's threaded
# workers queue jobs from request threads, which would otherwise get Celery's fallback app.
app.set_default()
# Every job runs through the one task in core/jobs.py, which finds the job's kind in a registry.
app.autodiscover_tasks(["baiqianwan.core"], related_name="jobs")
