"""Password change for every user; users, roles, passwords and log-in lockouts for those who
hold the permissions (the administrator role: benxi_cp/migrations/0005_*)."""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import construct_change_message
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.views import SuccessMessageMixin
from django.db import transaction
from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django.views.generic.edit import CreateView, UpdateView
from django_tables2 import SingleTableView

from benxi_cp.accounts.filters import UserFilter
from benxi_cp.accounts.forms import UserCreateForm, UserEditForm, UserPasswordForm
from benxi_cp.accounts.tables import LockoutTable, UserTable
from benxi_cp.views import ObjectListView, PermissionMixin


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Every user changes their own password (the old one first)."""

    enterprise_scoped = True  # enterprise users too; it shows no records

    success_url = reverse_lazy("home")
    success_message = gettext_lazy("Your password has been changed.")
    extra_context = {"title": gettext_lazy("Change password")}


def record(request, user, flag: int, fields: list[str] | None = None, form=None) -> None:
    """Note a change to `user` in the admin's log (LogEntry), so that it shows in the user's
    history here and in the admin site: who changed what, when. Field names are stored
    untranslated and translated when shown."""
    if form is not None:
        message = construct_change_message(form, [], flag == ADDITION)
    elif flag == ADDITION:
        message = [{"added": {}}]
    else:
        message = [{"changed": {"fields": fields or []}}]
    if message:
        LogEntry.objects.log_actions(request.user.pk, [user], flag, message, single_object=True)


def history(user, limit: int = 20):
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        )
        .select_related("user")
        .order_by("-action_time")[:limit]
    )


def _threshold():
    """Failed log-ins older than this no longer count (axes' cool-off period)."""
    return timezone.now() - get_cool_off()


def managed_users(actor):
    """The users `actor` may manage: superusers only by superusers (an administrator could
    otherwise give themselves every permission by taking over a superuser's account)."""
    users = User.objects.all()
    if not actor.is_superuser:
        users = users.exclude(is_superuser=True)
    return users


def failed_logins(username_ref) -> Coalesce:
    """The failed log-ins still counting against the account (within the cool-off period)."""
    total = (
        AccessAttempt.objects.filter(username=username_ref, attempt_time__gte=_threshold())
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


class UserListView(ObjectListView):
    permission_required = "auth.view_user"
    table_class = UserTable
    filterset_class = UserFilter
    title = gettext_lazy("Users")
    export_name = "users"
    create_url_name = "accounts:user_create"
    create_permission = "auth.add_user"

    def get_queryset(self):
        return (
            managed_users(self.request.user)
            .annotate(failed_logins=failed_logins(OuterRef("username")))
            .prefetch_related("groups")
        )


class UserCreateView(PermissionMixin, CreateView):
    permission_required = "auth.add_user"
    form_class = UserCreateForm
    template_name = "generic/form.html"
    extra_context = {"title": gettext_lazy("New user")}

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save()
            record(self.request, user, ADDITION)
        messages.success(self.request, _("User %(user)s created.") % {"user": user.username})
        return redirect("accounts:user_list")


class _ManagedUserMixin(PermissionMixin):
    permission_required = "auth.change_user"
    context_object_name = "managed"

    def get_queryset(self):
        return managed_users(self.request.user).annotate(
            failed_logins=failed_logins(OuterRef("username"))
        )


class UserEditView(_ManagedUserMixin, UpdateView):
    form_class = UserEditForm
    template_name = "accounts/user_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("User %(user)s") % {"user": self.object.username},
            may_unlock=self.request.user.has_perm("axes.delete_accessattempt"),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            history=history(self.object),
            **kwargs,
        )

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save()
            record(self.request, user, CHANGE, form=form)
        messages.success(self.request, _("User %(user)s saved.") % {"user": user.username})
        return redirect("accounts:user_list")


class UserPasswordView(_ManagedUserMixin, FormView):
    """An administrator sets a user's new password; the user's lockouts are cleared too."""

    form_class = UserPasswordForm
    template_name = "generic/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.managed = None
        return super().dispatch(request, *args, **kwargs)

    def get_managed(self):
        if self.managed is None:
            self.managed = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return self.managed

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.get_managed()}

    def get_context_data(self, **kwargs):
        title = _("New password for %(user)s") % {"user": self.get_managed().username}
        return super().get_context_data(title=title, **kwargs)

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save()
            axes_reset(username=user.username)
            record(self.request, user, CHANGE, ["password"])
        if user.pk == self.request.user.pk:
            update_session_auth_hash(self.request, user)  # their own: this session goes on
        messages.success(
            self.request,
            _("The password of %(user)s has been changed; their other sessions have ended.")
            % {"user": user.username},
        )
        return redirect("accounts:user_edit", pk=user.pk)


@require_POST
@permission_required("auth.change_user", raise_exception=True)
def user_set_active(request, pk: int):
    """Deactivate (or reactivate) a user: an inactive user cannot log in, and their
    sessions end at their next request. Nobody deactivates themselves."""
    user = get_object_or_404(managed_users(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    if not active and user.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("accounts:user_edit", pk=user.pk)
    if user.is_active != active:
        with transaction.atomic():
            user.is_active = active
            user.save(update_fields=["is_active"])
            record(request, user, CHANGE, ["Active"])
    if active:
        messages.success(request, _("User %(user)s reactivated.") % {"user": user.username})
    else:
        messages.success(request, _("User %(user)s deactivated.") % {"user": user.username})
    return redirect("accounts:user_edit", pk=user.pk)


@require_POST
@permission_required("axes.delete_accessattempt", raise_exception=True)
def user_unlock(request, pk: int):
    """Clear the failed log-ins of a user's account (and so of the addresses they came from)."""
    user = get_object_or_404(managed_users(request.user), pk=pk)
    with transaction.atomic():
        axes_reset(username=user.username)
        record(request, user, CHANGE, ["failed log-ins"])
    messages.success(
        request,
        _("%(user)s may log in again: their failed log-ins are cleared.") % {"user": user.username},
    )
    return redirect("accounts:user_edit", pk=user.pk)


class LockoutListView(PermissionMixin, SingleTableView):
    """The failed log-ins still counting, which accounts and addresses they lock, and
    buttons to unlock them."""

    permission_required = "axes.view_accessattempt"
    table_class = LockoutTable
    template_name = "accounts/lockouts.html"
    table_pagination = {"per_page": 50}
    extra_context = {"title": gettext_lazy("Log-in lockouts")}

    def get_queryset(self):
        return AccessAttempt.objects.filter(attempt_time__gte=_threshold())

    def _locked(self, field: str) -> list[str]:
        return list(
            self.get_queryset()
            .order_by()
            .values(field)
            .annotate(total=Sum("failures_since_start"))
            .filter(total__gte=settings.AXES_FAILURE_LIMIT)
            .values_list(field, flat=True)
        )

    def get_table_kwargs(self):
        return {
            "locked_usernames": self._locked("username"),
            "locked_addresses": self._locked("ip_address"),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            may_unlock=self.request.user.has_perm("axes.delete_accessattempt"),
            failure_limit=settings.AXES_FAILURE_LIMIT,
            cooloff_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            **kwargs,
        )


@require_POST
@permission_required("axes.delete_accessattempt", raise_exception=True)
def lockout_unlock(request):
    """Clear the failed log-ins of one account (`username`) or one address (`ip_address`)."""
    username = request.POST.get("username", "").strip()
    address = request.POST.get("ip_address", "").strip()
    if username:
        axes_reset(username=username)
        messages.success(
            request,
            _("Account %(name)s unlocked: its failed log-ins are cleared.") % {"name": username},
        )
    elif address:
        axes_reset(ip=address)
        messages.success(
            request,
            _("Address %(name)s unlocked: its failed log-ins are cleared.") % {"name": address},
        )
    else:
        messages.error(request, _("Name an account or an address to unlock."))
    return redirect(reverse("accounts:lockouts"))
