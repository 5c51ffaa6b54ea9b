import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
application = get_wsgi_application()

# Every view module imported now (the URL patterns), then everything alive moved out of the collector's
# sight: the objects of the start-up (modules, models, URL patterns, translations — ~270,000) stay for the
# process's life, and a full collection that walks them all cost a request ~150 ms every ~100 requests
# (docs/benchmarks.md, "CPU per request"). Each gunicorn worker imports this module once.
get_resolver().url_patterns  # noqa: B018 — imports the views
gc.collect()
gc.freeze()
