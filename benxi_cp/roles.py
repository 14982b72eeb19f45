"""The five roles of the programme and the checks every view uses.

A role is a Django group; what it may do is the set of model permissions the group holds,
granted by data migrations through `grant()`. Views ask for permissions, never for role
names, except where a rule is about the role itself (an auditor sees only their audits).
"""

from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "administrator"
EPB_STAFF = "epb_staff"
AUDITOR = "auditor"
LEADERSHIP = "leadership"
# A person acting for one or more enterprises (the enterprise portal): what they see is
# scoped to their enterprises everywhere (benxi_cp/scoping.py).
ENTERPRISE_USER = "enterprise_user"

ROLES = {
    ADMINISTRATOR: _("Programme office (administrator)"),
    EPB_STAFF: _("EPB staff"),
    AUDITOR: _("CP auditor"),
    LEADERSHIP: _("Leading team (read-only)"),
    ENTERPRISE_USER: _("Enterprise user"),
}


def role_of(user) -> str | None:
    """The user's role: the first of the five groups they belong to, in the order above."""
    if not user.is_authenticated:
        return None
    names = {group.name for group in user.groups.all()}
    for role in ROLES:
        if role in names:
            return role
    return ADMINISTRATOR if user.is_superuser else None


def has_role(user, *roles: str) -> bool:
    return role_of(user) in roles


def grant(apps, schema_editor, app_label: str, matrix: dict[str, list[str]]) -> None:
    """Give each role the listed permissions (codenames) of `app_label`.

    For use in data migrations: creates the app's permissions first, since Django
    only creates them after all migrations have run.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = (
        True  # the migration state has no module; create_permissions needs one
    )
    create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in matrix.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"{app_label}: unknown permissions {sorted(missing)}")
        group.permissions.add(*perms)
