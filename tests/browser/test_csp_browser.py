"""Chromium enforces the Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) on the
main pages of every role, the admin site and the error pages, over the demo city: nothing
the pages hold or do (inline script or style, a handler attribute, a file from elsewhere)
is refused, and no page fails."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from audits.models import Audit
from benxi_cp import navigation
from benxi_cp.demo import DEMO_USERS
from enterprises.models import DischargeReport, Enterprise
from targets.models import Indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page reports, from the document's own event (the init script runs
# before any of the page's scripts, outside its policy).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


def detail_pages() -> list[str]:
    enterprise = Enterprise.objects.order_by("code").first()
    audit = Audit.objects.order_by("ref").first()
    report = DischargeReport.objects.filter(status="verified").order_by("pk").first()
    draft = DischargeReport.objects.exclude(status="verified").order_by("pk").first()
    indicator = Indicator.objects.filter(computation="").order_by("position").first()
    return [
        enterprise.get_absolute_url(),
        audit.get_absolute_url(),
        report.get_absolute_url(),
        draft.get_absolute_url(),
        indicator.get_absolute_url(),
        reverse("reports:dashboard") + "?year=2001",
        "/no-such-page/",
        # Forms and grids, with their scripts (a role without the right gets the 403 page).
        reverse("enterprises:create"),
        reverse("enterprises:edit", args=[enterprise.pk]),
        reverse("enterprises:report_entry") + f"?enterprise={enterprise.pk}&year=2001",
        reverse("enterprises:report_import"),
        reverse("audits:edit", args=[audit.pk]),
        reverse("audits:step", args=[audit.pk, 1]),
        reverse("audits:balance", args=[audit.pk]),
        reverse("audits:options", args=[audit.pk]),
        reverse("targets:indicator_edit", args=[indicator.code]),
        reverse("targets:chart", args=[indicator.code]),
    ]


def admin_pages() -> list[str]:
    enterprise = Enterprise.objects.order_by("code").first()
    return [
        reverse("admin:index"),
        reverse("admin:enterprises_enterprise_changelist"),
        reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
        reverse("admin:enterprises_enterprise_history", args=[enterprise.pk]),
        reverse("admin:enterprises_enterprise_add"),
        reverse("admin:auth_user_changelist"),
    ]


def test_no_page_of_any_role_is_refused_by_the_policy(page, live_server, login):
    call_command("load_demo", stdout=io.StringIO())
    refused: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            refused.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    visited = 0
    for username, password, _role, _name, staff in DEMO_USERS:
        if username == "auditor2":
            continue
        user = User.objects.get(username=username)
        page.context.clear_cookies()
        login(user, password)
        urls = ["/"]
        for menu in navigation.menu_for(user, "/"):
            urls += [menu["url"]] if not menu["items"] else [i["url"] for i in menu["items"]]
        urls += detail_pages() + (admin_pages() if staff else [])
        for url in dict.fromkeys(urls):
            response = page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("load")
            if response.status >= 500:
                refused.append(f"{username} {url}: HTTP {response.status}")
            for violation in page.evaluate("window.__cspViolations"):
                refused.append(f"{username} {url}: {violation}")
            visited += 1
        # The menus and the language switch, driven by Bootstrap's script.
        page.goto(f"{live_server.url}/")
        page.click("#user-menu")
        page.click("button[data-lang=en]")
        page.wait_for_load_state("load")
        refused += [f"{username} /: {v}" for v in page.evaluate("window.__cspViolations")]
    assert visited >= 40
    assert not refused, "\n".join(refused)
