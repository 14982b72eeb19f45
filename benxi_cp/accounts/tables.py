import django_tables2 as tables
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from benxi_cp import roles
from benxi_cp.accounts.forms import group_role


class UserTable(tables.Table):
    username = tables.Column(linkify=("accounts:user_edit", {"pk": tables.A("pk")}))
    full_name = tables.Column(
        verbose_name=_("name"), accessor="get_full_name", order_by=("last_name", "first_name")
    )
    email = tables.Column()
    role = tables.Column(verbose_name=_("role"), accessor="pk", orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("active"))
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")
    failed_logins = tables.Column(
        verbose_name=_("failed log-ins"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )

    class Meta:
        model = User
        fields = ("username", "full_name", "email", "role", "is_active", "last_login")
        sequence = ("username", "full_name", "email", "role", "is_active", "last_login", "...")
        order_by = "username"

    def render_role(self, record):
        return roles.ROLES.get(group_role(record), "—")

    def value_role(self, record):
        return str(roles.ROLES.get(group_role(record), ""))

    def render_failed_logins(self, value):
        if value >= settings.AXES_FAILURE_LIMIT:
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>', value, _("locked")
            )
        return value


class LockoutTable(tables.Table):
    """Failed log-ins still counting (within the cool-off period), with unlock buttons."""

    attempt_time = tables.DateTimeColumn(verbose_name=_("last failure"), format="Y-m-d H:i:s")
    username = tables.Column(verbose_name=_("user name"))
    ip_address = tables.Column(verbose_name=_("address"))
    user_agent = tables.Column(
        verbose_name=_("browser"), attrs={"td": {"class": "text-truncate col-agent"}}
    )
    failures_since_start = tables.Column(
        verbose_name=_("failures"),
        attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}},
    )
    actions = tables.TemplateColumn(
        template_name="accounts/lockout_actions.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = AccessAttempt
        fields = ("attempt_time", "username", "ip_address", "user_agent", "failures_since_start")
        order_by = "-attempt_time"

    def __init__(self, *args, locked_usernames=(), locked_addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locked_usernames = set(locked_usernames)
        self.locked_addresses = set(locked_addresses)

    def render_username(self, value):
        return self._locked(value, value in self.locked_usernames)

    def render_ip_address(self, value):
        return self._locked(value, value in self.locked_addresses)

    def _locked(self, value, locked: bool):
        if locked:
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>', value, _("locked")
            )
        return value
