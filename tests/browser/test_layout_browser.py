"""One crawl of Chromium over the demo city checks every page two ways (each check would
otherwise load the demo and the pages again).

The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) is enforced on the main pages
of every role, the admin site and the error pages: nothing the pages hold or do (inline
script or style, a handler attribute, a file from elsewhere) is refused, and no page fails.

Every page of the navigation fits the window, for every role, in both languages, on a
laptop (1366 px) and on a phone (390 px); and a Chinese page shows no English words from
the catalogues (an untranslated column header, label or message).

The entries are read from the rendered navigation bar (its menus and the user's drop-down),
not from a list kept here, so a new page is checked as soon as it is in the menu. The
Django admin site (its own layout) is left out of these. Each page is loaded once per role and
language, measured at 1366 px, then resized to 390 px without reloading; a page another
role has already shown in that language is not loaded again (its navigation bar, which
differs per role, is measured on each role's landing page). The administrator also opens
a record of each kind, its forms and the search results.
"""

import gettext
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from audits.models import Audit
from benxi_cp import navigation
from benxi_cp.demo import DEMO_USERS
from enterprises.models import DischargeReport, Enterprise
from programme.models import Body
from targets.models import Indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)
ROLES_SEEN = ("admin", "epb", "auditor", "leader")  # one demo user per role
# The demo's second user of a role (DEMO_USERS): the same menus as the first (checked), so
# the same pages under the same policy; not crawled again.
SECOND_OF_ROLE = {"epb2": "epb", "auditor2": "auditor"}

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

# Words that are the same in the Chinese interface: codes, abbreviations and file formats.
# Names that stay English in Chinese: an HTTP header, file formats and keys of the keyboard;
# and the demo accounts' user names.
ALLOWED_WORDS = {
    *("Authorization", "Token"),
    *("Word", "Excel"),
    *("Tab", "Enter", "Alt", "Shift", "Ctrl", "Esc"),
} | {row[0] for row in DEMO_USERS}

# The entries of the navigation bar and of the user's drop-down (Bootstrap keeps the
# drop-downs in the document while closed).
NAV_LINKS = """() => [...document.querySelectorAll('#main-nav a[href]')]
  .map((a) => a.getAttribute('href'))
  .filter((href) => href && href.startsWith('/') && !href.startsWith('/admin/'))"""

# When the document is wider than the window: the outermost element that sticks out (its
# parent fits), the widest of them, described by tag, id and classes and its first words.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const scroll = document.documentElement.scrollWidth;
  if (scroll <= width) return null;
  let worst = null, right = 0;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    const parent = el.parentElement.getBoundingClientRect();
    if (box.right > width + 1 && parent.right <= width + 1 && box.right > right) {
      right = box.right; worst = el;
    }
  }
  const name = worst ? worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '') +
    [...worst.classList].map((c) => '.' + c).join('') + ' "' +
    (worst.innerText || '').trim().slice(0, 40).replace(/\\s+/g, ' ') + '"' : '?';
  return {scroll, width, widest: name, right: Math.round(right)};
}"""

# The bar on a laptop: one line (no label or button wrapping); on a phone: the toggler.
NAVBAR = """() => ({
  height: document.querySelector('nav.navbar').getBoundingClientRect().height,
  toggler: document.querySelector('.navbar-toggler').offsetParent !== null,
})"""

# The text a reader sees, without what is marked as English on purpose: the language switch
# (which names English in English) and text in lang="en" (a glossary's other name).
VISIBLE_TEXT = """() => {
  const english = [...document.querySelectorAll('#language-form, [lang|="en"]')];
  english.forEach((el) => el.style.setProperty('display', 'none', 'important'));
  const text = document.body.innerText;
  english.forEach((el) => el.style.removeProperty('display'));
  return text;
}"""

# A word of the catalogues: letters only, capitalised or lower case, standing alone. Codes in
# capitals (COD, BX-2001-01, UTF-8), identifiers (enterprise_code) and paths (/api/v1/) are not.
WORD = re.compile(r"(?<![\w/.\-])[A-Za-z][a-z']*[a-z](?![\w/\-]|\.\w)")


def catalogue_words() -> set[str]:
    """The English words of every message the project's Chinese catalogues translate."""
    words: set[str] = set()
    for path in settings.LOCALE_PATHS:
        mo = path / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if not mo.exists():
            continue
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog
        for key, translated in catalogue.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid or not translated:
                continue
            msgid = msgid.split("\x04")[-1]  # without the context
            msgid = re.sub(r"%\(\w+\)\w|\{[^}]*\}|<[^>]+>", " ", msgid)  # placeholders, tags
            words.update(w for w in re.findall(r"[A-Za-z']{3,}", msgid))
    return words


def api_identifiers(schema: dict) -> frozenset[str]:
    """The identifiers of the OpenAPI schema that its documentation page shows as they are."""
    words = set(schema["components"]["schemas"]) | {"lang", "format", "json"}

    def walk(node) -> None:
        if isinstance(node, dict):
            words.update(
                node.get("properties", {}) if isinstance(node.get("properties"), dict) else ()
            )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    for path, operations in schema["paths"].items():
        words.update(re.findall(r"[A-Za-z]+", path))
        for operation in operations.values():
            words.update(operation.get("tags", []))
            words.update(parameter["name"] for parameter in operation.get("parameters", []))
    return frozenset(words)


def english_in(text: str, vocabulary: set[str], codes: frozenset[str] = frozenset()) -> list[str]:
    """Words of `text` that are English words of the catalogues (a header left in English) or
    lower-case words (a unit or a key), leaving codes, names and the allow-lists alone."""
    allowed = ALLOWED_WORDS | codes
    found = []
    for word in WORD.findall(text):
        if len(word) < 3 or word in allowed:
            continue
        # A catalogue's word, or any word in lower case (a unit, a key): names are capitalised.
        if word in vocabulary or word.islower():
            found.append(word)
    return sorted(set(found))


def english_context(text: str, words: list[str]) -> str:
    """The first line of `text` holding each word, to say where it was seen."""
    lines = []
    for word in words[:5]:
        line = next((ln for ln in text.splitlines() if word in WORD.findall(ln)), "")
        lines.append(f"{word!r} in {line.strip()[:80]!r}")
    return "; ".join(lines)


def record_pages() -> list[str]:
    """A page of each kind of record, its forms and the search results, which the navigation
    leads to through the lists: the first of each in the demo city."""
    enterprise = Enterprise.objects.order_by("code").first()
    audit = Audit.objects.order_by("ref").first()
    report = DischargeReport.objects.filter(status="verified").order_by("pk").first()
    indicator = Indicator.objects.filter(computation="").order_by("position").first()
    return [
        enterprise.get_absolute_url(),
        reverse("enterprises:edit", args=[enterprise.pk]),
        report.get_absolute_url(),
        reverse("enterprises:report_entry") + f"?enterprise={enterprise.pk}&year=2001",
        audit.get_absolute_url(),
        reverse("audits:step", args=[audit.pk, 1]),
        reverse("audits:options", args=[audit.pk]),
        audit.options.order_by("code").first().get_absolute_url(),
        indicator.get_absolute_url(),
        reverse("search") + "?q=DEMO",
    ]


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


def policy_pages(user) -> list[str]:
    """The pages the policy is checked on for `user`: the landing page, its menus' entries,
    a record of each kind with its forms (a role without the right gets the 403 page) and,
    for the staff, the admin site."""
    urls = ["/"]
    for menu in navigation.menu_for(user, "/"):
        urls += [menu["url"]] if not menu["items"] else [i["url"] for i in menu["items"]]
    return urls + detail_pages() + (admin_pages() if user.is_staff else [])


def layout_problems(page, where: str, url: str, language: str, vocabulary, codes) -> list[str]:
    """What is wrong with the loaded page's layout at each width (then left at the last),
    and, in Chinese, the English words it shows."""
    problems = []
    for width in WIDTHS:
        if width != WIDTHS[0]:
            page.set_viewport_size({"width": width, "height": 900})
        if url == "/":
            navbar = page.evaluate(NAVBAR)
            if width == WIDTHS[0] and (navbar["toggler"] or navbar["height"] > 64):
                problems.append(
                    f"{where} at {width} px: the navigation bar is collapsed or "
                    f"takes more than one line ({navbar['height']:.0f} px high)"
                )
            if width != WIDTHS[0] and not navbar["toggler"]:
                problems.append(f"{where} at {width} px: the navigation is not collapsed")
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            problems.append(
                f"{where} at {width} px: page {overflow['scroll']} px wide; "
                f"widest {overflow['widest']} reaching {overflow['right']} px"
            )
        if language == "zh-hans" and width == WIDTHS[0]:
            text = page.evaluate(VISIBLE_TEXT)
            words = english_in(text, vocabulary, codes)
            if words:
                problems.append(f"{where}: English words {english_context(text, words)}")
    return problems


def test_every_page_keeps_the_policy_fits_and_chinese_pages_are_chinese(page, live_server, login):
    """Each demo user but the second of a role (SECOND_OF_ROLE) signs in and opens, in
    Chinese, the pages the policy is checked on and, for the four users of ROLES_SEEN, the
    entries of the rendered navigation (the administrator also the record pages); then
    switches to English through the user's menu and, for those four, opens the navigation's
    entries again. Every load is checked against the policy; a navigation entry (or record
    page) that no earlier role has shown in that language is measured too, and the landing
    page for each role."""
    call_command("load_demo", stdout=io.StringIO())
    vocabulary = catalogue_words()
    # The indicators' codes (gdp, cod_total) and the programme bodies' (office) are codes,
    # shown as such in their lists.
    codes = frozenset(Indicator.objects.values_list("code", flat=True)) | frozenset(
        Body.objects.values_list("code", flat=True)
    )
    # The API's documentation pages show, once their script has drawn them (how far it has
    # when the page is read varies), the schema's identifiers: its names (Audit, Option), its
    # properties (next, previous), parameters, paths, tags and the schema's own address
    # (/api/schema/?lang=zh-hans&format=json). Codes there and only there.
    api_codes = codes | api_identifiers(SchemaGenerator().get_schema(request=None, public=True))
    assert {"Name", "Enterprise", "Filter"} <= vocabulary  # the catalogues were read
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
    problems: list[str] = []
    measured: dict[str, set[str]] = {"zh-hans": set(), "en": set()}
    policy_loads = layout_loads = 0
    for username, password, _role, _name, _staff in DEMO_USERS:
        user = User.objects.get(username=username)
        if username in SECOND_OF_ROLE:
            first = User.objects.get(username=SECOND_OF_ROLE[username])
            assert user.groups.get() == first.groups.get(), username
            assert navigation.menu_for(user, "/") == navigation.menu_for(first, "/"), username
            continue
        page.context.clear_cookies()
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        login(user, password)
        for language in ("zh-hans", "en"):
            if language == "en":
                # The menus and the language switch, driven by Bootstrap's script.
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                page.goto(f"{live_server.url}/")
                page.click("#user-menu")
                with page.expect_navigation():  # the switch posts its form
                    page.click("button[data-lang=en]")
                refused += [f"{username} /: {v}" for v in page.evaluate("window.__cspViolations")]
            urls = policy_pages(user) if language == "zh-hans" else []
            nav: list[str] = []
            if username in ROLES_SEEN:
                page.goto(f"{live_server.url}/")
                nav = ["/"] + [url for url in page.evaluate(NAV_LINKS) if url != "/"]
                if username == ROLES_SEEN[0]:  # the administrator may open every record
                    nav += record_pages()
            for url in dict.fromkeys(urls + nav):
                measure = url in nav and (url == "/" or url not in measured[language])
                if url not in urls and not measure:
                    continue  # measured for an earlier role, and not a page of the policy's
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                response = page.goto(f"{live_server.url}{url}")  # waits for "load"
                if response.status >= 500:
                    refused.append(f"{username} {url}: HTTP {response.status}")
                for violation in page.evaluate("window.__cspViolations"):
                    refused.append(f"{username} {url}: {violation}")
                policy_loads += url in urls
                if not measure:
                    continue
                measured[language].add(url)
                layout_loads += 1
                where = f"{url} as {username} in {language}"
                if response.status >= 400:
                    problems.append(f"{where}: HTTP {response.status}")
                    continue
                shown_codes = api_codes if url.startswith("/api/") else codes
                problems += layout_problems(page, where, url, language, vocabulary, shown_codes)
    assert policy_loads >= 40 and layout_loads >= 30
    assert not refused, "\n".join(refused)
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_english_words_it_finds_are_catalogue_words_not_codes_or_names():
    vocabulary = {"Name", "Enterprise", "Code", "code", "year", "of", "admin"}
    assert english_in("企业 Name 代码", vocabulary) == ["Name"]
    assert english_in("名称\tEnterprise\t年份 year", vocabulary) == ["Enterprise", "year"]
    codes = "BX-2001-01 F01 COD 68.8 t SW_GEN enterprise_code /api/v1/ Code.py admin 1,234.5"
    assert english_in(codes, vocabulary) == []
    assert english_in("能源消耗量 96,000 kwh gdp", vocabulary) == ["gdp", "kwh"]
    assert english_in("gdp 国内生产总值", vocabulary, frozenset({"gdp"})) == []
