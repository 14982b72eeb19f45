"""WSGI entry point."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_cp.settings")

application = get_wsgi_application()

# Whatever server loads this (gunicorn, uWSGI, mod_wsgi): without the collected static files
# every page would fail, so the application refuses to load instead (benxi_cp.E002).
from benxi_cp.checks import check_static_files_collected  # noqa: E402  (needs the apps ready)

for problem in check_static_files_collected():
    raise ImproperlyConfigured(f"{problem.id}: {problem.msg} {problem.hint}")

# The pinyin collation (benxi_cp/sorting.py) loads its dictionary on first use: here, once per
# worker before it serves, not on a user's first sorted list.
from benxi_cp.sorting import collation_key  # noqa: E402

collation_key("本溪")
