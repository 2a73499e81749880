"""百千万科技支撑平台."""

from .celery import app as celery_app

__all__ = ["celery_app"]
