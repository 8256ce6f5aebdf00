import logging
import os

from django.core.wsgi import get_wsgi_application

from config.healthz import QuietHealthzFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# gunicorn's access log leaves out the load balancer's successful probes of /healthz
logging.getLogger("gunicorn.access").addFilter(QuietHealthzFilter())
