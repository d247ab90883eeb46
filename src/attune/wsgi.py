"""WSGI entry point. Servers start in production mode unless ATTUNE_ENV says otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
application = get_wsgi_application()
