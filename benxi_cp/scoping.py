"""What an enterprise user may see: their own enterprises' records, and nothing else.

An enterprise user (roles.ENTERPRISE_USER) acts for the enterprises they hold a grant for.
Scoping is done here, once, not view by view:

- **the records**: `scope_for(user, queryset)` keeps, for an enterprise user, only the rows
  of their enterprises; every model an enterprise user may read is registered with the
  lookup from it to its enterprise (`registry.enterprise_scopes`, an `EnterpriseScope`).
  A model that is not registered gives an enterprise user no rows at all. For everyone else
  the queryset is returned as it is.
- **the pages**: `EnterpriseScopeMiddleware` answers 404 to an enterprise user on every page
  whose view does not declare `enterprise_scoped = True` (a view that declares it reads
  through `scope_for`). A page not written for them is therefore not found, whatever it
  shows: lists, exports, charts, the register, the admin. The data exchange API's views do
  the same, since a token's user is only known inside the view.
- **the links**: a page shared with enterprise users links to a record through
  `record_url(user, record)` (the template filter `record_url`, benxi_cp/templatetags/
  scoping_tags.py): the record's page for staff, the portal's for an enterprise user, or
  no link at all; no link on their pages leads to a page not found.
- **who is one**: the app that keeps the grants registers an `EnterpriseAccess`
  (`registry.enterprise_access`): the permission that marks an enterprise user and the
  function giving their enterprises' ids. Superusers are never scoped.

benxi_cp names no app: the apps fill the stores from their `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from benxi_cp.registry import registry


@dataclass(frozen=True)
class EnterpriseScope:
    """How the rows of a model belong to an enterprise."""

    model: str  # the model's label_lower ("<app>.<model>")
    path: str  # the lookup to the enterprise's id: "pk" (the register), "enterprise", ...


@dataclass(frozen=True)
class EnterpriseAccess:
    """Who is an enterprise user, and for which enterprises."""

    name: str
    permission: str  # held by the enterprise users' group only
    enterprise_ids: Callable[[object], frozenset[int]]
    # whether the user may enter reports for the enterprise (the entry grid)
    may_enter: Callable[[object, int], bool] = lambda user, enterprise_id: False
    # the page of a record written for enterprise users (its address), or None when there
    # is none: a link to the record's own page, not found for them, leads there or is hidden
    record_url: Callable[[object], str | None] = lambda record: None


def _access() -> EnterpriseAccess | None:
    return next(iter(registry.enterprise_access), None)


def is_enterprise_user(user) -> bool:
    """Whether `user`'s records are scoped to their enterprises: told by the query that read
    the request's user (`ScopedModelBackend`), else read from the user's permissions (cached
    on the user object, as every permission check does)."""
    if user is None or not user.is_authenticated or user.is_superuser:
        return False
    told = getattr(user, "scoped_to_enterprises", None)
    if told is not None:
        return bool(told)
    access = _access()
    return access is not None and access.permission in user.get_all_permissions()


class ScopedModelBackend(ModelBackend):
    """Django's model backend, whose reading of the request's user also says, in the same
    query, whether the user holds the permission that marks an enterprise user: every page
    asks (`EnterpriseScopeMiddleware`), and none pays a query more for it."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.all()
        access = _access()
        if access is not None:
            app_label, codename = access.permission.split(".", 1)
            held = Permission.objects.filter(
                Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")),
                content_type__app_label=app_label,
                codename=codename,
            )
            users = users.annotate(scoped_to_enterprises=Exists(held))
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def enterprise_ids(user) -> frozenset[int]:
    """The enterprises an enterprise user acts for (cached on the user object for the
    request); empty for anyone else."""
    if not is_enterprise_user(user):
        return frozenset()
    cached = getattr(user, "_benxi_enterprise_ids", None)
    if cached is None:
        cached = frozenset(_access().enterprise_ids(user))
        user._benxi_enterprise_ids = cached
    return cached


def scope_for(user, queryset: QuerySet) -> QuerySet:
    """`queryset` as `user` may see it: for an enterprise user only their enterprises' rows
    (none of a model with no registered scope); for anyone else unchanged."""
    if not is_enterprise_user(user):
        return queryset
    return only_own(user, queryset)


def only_own(user, queryset: QuerySet) -> QuerySet:
    """The rows of `user`'s enterprises, for whoever `user` is (no rows for a user acting
    for no enterprise)."""
    scope = registry.enterprise_scopes.get(queryset.model._meta.label_lower)
    ids = enterprise_ids(user)
    if scope is None or not ids:
        return queryset.none()
    return queryset.filter(**{f"{scope.path}__in": sorted(ids)})


def may_enter(user, enterprise_id: int) -> bool:
    """Whether an enterprise user may enter reports for this enterprise of theirs."""
    access = _access()
    return (
        access is not None
        and enterprise_id in enterprise_ids(user)
        and access.may_enter(user, enterprise_id)
    )


def record_url(user, record) -> str:
    """The address of `record`'s page for `user`: its own page (get_absolute_url), or for an
    enterprise user the page written for them (the portal's), or "" when they have none and
    a link to it is left out."""
    if record is None:
        return ""
    if not is_enterprise_user(user):
        return record.get_absolute_url()
    access = _access()
    return (access.record_url(record) if access is not None else None) or ""


def own_enterprise(user, enterprises: QuerySet, text: str):
    """For an enterprise user, the enterprise of theirs (of the register `enterprises`) a
    request names by its id or code, or None; the caller answers 404 to anything else, so
    that no other enterprise is shown."""
    text = (text or "").strip()
    if not text:
        return None
    enterprises = only_own(user, enterprises)
    if text.isdigit() and int(text) < 2**31:
        found = enterprises.filter(pk=int(text)).first()
        if found is not None:
            return found
    return enterprises.filter(code=text).first()


def enterprise_scoped(view):
    """Marks a function view as one that reads through `scope_for` (open to enterprise users)."""
    view.enterprise_scoped = True
    return view


def view_is_scoped(view_func) -> bool:
    if getattr(view_func, "enterprise_scoped", False):
        return True
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    return bool(view_class is not None and getattr(view_class, "enterprise_scoped", False))


class EnterpriseScopeMiddleware:
    """A page whose view was not written for enterprise users is not found for them."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_is_scoped(view_func):
            return None
        if is_enterprise_user(getattr(request, "user", None)):
            raise Http404(_("This page is not part of the enterprise portal."))
        return None
