"""Celery application: eager in the embedded default, Redis-backed when CELERY_BROKER_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiqianwan.settings")

app = Celery("baiqianwan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
