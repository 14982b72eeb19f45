"""What the search across the application finds among CP audits and their options
(benxi_cp/search.py); both start from `for_user`, so an auditor finds only their audits."""

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from audits.models import STEP_COUNT, Audit, Option
from benxi_cp.search import Hit, Query, Source


def _exact_first(field: str, text: str) -> Case:
    return Case(
        When(**{f"{field}__iexact": text}, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def find_audits(user, query: Query):
    return (
        Audit.objects.for_user(user)
        .search(query.terms)
        .select_related("enterprise")
        .order_by(_exact_first("ref", query.terms), "-started_on", "ref")
    )


def audit_hit(audit: Audit) -> Hit:
    steps = _("%(done)s of %(count)s steps") % {"done": audit.steps_completed, "count": STEP_COUNT}
    details = [str(audit.started_on.year), audit.focus, steps]
    return Hit(
        title=f"{audit.ref} · {audit.enterprise.display_name}",
        url=audit.get_absolute_url(),
        detail=" · ".join(part for part in details if part),
    )


def find_options(user, query: Query):
    return (
        Option.objects.for_user(user)
        .search(query.terms)
        .select_related("audit__enterprise")
        .order_by(_exact_first("code", query.terms), "-audit__started_on", "audit__ref", "code")
    )


def option_hit(option: Option) -> Hit:
    details = [
        f"{option.audit.ref} · {option.audit.enterprise.display_name}",
        option.get_fee_class_display(),
        option.get_status_display(),
    ]
    return Hit(
        title=f"{option.code} {option.title}",
        url=option.get_absolute_url(),
        detail=" · ".join(str(part) for part in details),
    )


# Kinds of record the search box finds; registered by the app's ready() (registry.search).
SOURCES = (
    Source(
        key="audits",
        label=_("CP audits"),
        permission="audits.view_audit",
        order=20,
        find=find_audits,
        hit=audit_hit,
        list_url_name="audits:list",
        list_params=lambda query: {"q": query.terms},
    ),
    Source(
        key="options",
        label=_("CP options"),
        permission="audits.view_option",
        order=30,
        find=find_options,
        hit=option_hit,
        list_url_name="audits:option_list",
        list_params=lambda query: {"q": query.terms},
    ),
)
