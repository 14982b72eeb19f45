"""Log-in security around django-axes and the session: the client's address, the lockout
page, and the end of idle sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import ngettext

LAST_SEEN = "benxi_last_seen"


def client_ip(request) -> str | None:
    """The client's address for the lockouts (AXES_CLIENT_IP_CALLABLE).

    With BENXI_PROXY_COUNT proxies in front, the address the outermost of them saw: each
    appends the address it received the request from to X-Forwarded-For, so the client's is
    the one they added, counted from the right; anything a client put there itself lies
    further left and is ignored.
    """
    count = settings.BENXI_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed log-ins for this account or from this address: logging in is "
        "locked for %(minutes)d minute. Try again later, or ask the programme office to "
        "unlock it.",
        "Too many failed log-ins for this account or from this address: logging in is "
        "locked for %(minutes)d minutes. Try again later, or ask the programme office to "
        "unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The log-in page, inside the site's layout, saying that logging in is locked
    (AXES_LOCKOUT_CALLABLE). Answered 429 Too Many Requests."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "lockout_message": lockout_message(),
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(
        request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def idle_seconds() -> int:
    return settings.BENXI_SESSION_IDLE_MINUTES * 60


def refresh_seconds() -> int:
    """How stale the recorded time of the last request may get before it is written again:
    a tenth of the idle period, at most five minutes. So an idle session ends between
    BENXI_SESSION_IDLE_MINUTES less that and BENXI_SESSION_IDLE_MINUTES after the last
    request, and a user reading pages writes their session at most that often."""
    return min(300, idle_seconds() // 10)


@receiver(user_logged_in, dispatch_uid="benxi_cp.accounts.last_seen")
def _start_idle_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Logs out a session that has made no request for BENXI_SESSION_IDLE_MINUTES, and sends
    it to the log-in page with a message saying so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last >= idle_seconds():
                logout(request)
                messages.info(
                    request,
                    ngettext(
                        "You were logged out after %(minutes)d minute without activity. "
                        "Please log in again.",
                        "You were logged out after %(minutes)d minutes without activity. "
                        "Please log in again.",
                        settings.BENXI_SESSION_IDLE_MINUTES,
                    )
                    % {"minutes": settings.BENXI_SESSION_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= refresh_seconds():
                request.session[LAST_SEEN] = now
        return self.get_response(request)
