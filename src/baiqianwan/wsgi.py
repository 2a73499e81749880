import os

from django.core.wsgi import get_wsgi_application

from baiqianwan.portal.pagecache import PortalPageCache

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiqianwan.settings")
# The portal's cached pages are answered before Django's middleware (see portal/pagecache.py).
application = PortalPageCache(get_wsgi_application())
