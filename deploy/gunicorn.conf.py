"""gunicorn settings of Benxi CP (`make serve`, deploy/benxi-cp.service).

Environment: BENXI_BIND (default 127.0.0.1:8000, behind the reverse proxy), WEB_CONCURRENCY
(workers; gunicorn's own variable, default 3), BENXI_TIMEOUT (seconds, default 120: a
province-scale annual form in PDF takes tens of seconds).
"""

import os

bind = os.environ.get("BENXI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("BENXI_TIMEOUT", "120"))
wsgi_app = "benxi_cp.wsgi:application"
# Requests and errors are logged by Django (settings.LOGGING) to standard error; gunicorn's
# access log would add a line per request: on only when asked (BENXI_ACCESS_LOG=1).
accesslog = "-" if os.environ.get("BENXI_ACCESS_LOG") == "1" else None
# Behind the proxy on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("BENXI_PROXY_IPS", "127.0.0.1,::1")


def on_starting(server) -> None:
    """Refuse to start on a setup that would answer with errors (static files not collected,
    missing settings): Django's system checks, as `manage.py check` runs them."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benxi_cp.settings")
    django.setup()
    call_command("check", fail_level="ERROR")
