import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from aftersales.core.runtime import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
# Load the URLs (and with them every app's API and views) now rather than on the first request, so that
# a worker answers its first request as fast as the others (and `gunicorn --preload` shares them).
import_module(settings.ROOT_URLCONF)
freeze_startup_objects()
