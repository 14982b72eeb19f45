"""The demonstration city's loaders (`manage.py load_demo`), and its users: one per role.
The demo users exist only in the demo data, never in migrations."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group, User

from benxi_cp import roles


@dataclass(frozen=True)
class Demo:
    """One app's part of the demo (registry.demo), run in the order of INSTALLED_APPS:
    `prepare(stdout)`, before any app loads (reopening what a load must write to);
    `load(stdout)`; `foreign_records(loaded)`, the app's records the demo did not make, by
    kind: count; `print_logins(stdout)`, the app's own demo accounts, printed after the
    staff's."""

    app_label: str
    load: Callable[[object], None]
    prepare: Callable[[object], None] | None = None
    foreign_records: Callable[[bool], dict[str, int]] | None = None
    print_logins: Callable[[object], None] | None = None


DEMO_USERS = [
    # username, password, role, full name, staff (may open the admin)
    ("admin", "benxi-admin", roles.ADMINISTRATOR, "李强 (Li Qiang)", True),
    ("epb", "benxi-epb", roles.EPB_STAFF, "王芳 (Wang Fang)", False),
    # A second member of the EPB: whoever entered a report does not verify it.
    ("epb2", "benxi-epb2", roles.EPB_STAFF, "赵磊 (Zhao Lei)", False),
    ("auditor", "benxi-auditor", roles.AUDITOR, "张伟 (Zhang Wei)", False),
    ("auditor2", "benxi-auditor2", roles.AUDITOR, "刘洋 (Liu Yang)", False),
    ("leader", "benxi-leader", roles.LEADERSHIP, "陈明 (Chen Ming)", False),
]


def load(stdout) -> None:
    for username, password, role, full_name, staff in DEMO_USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"first_name": full_name, "last_name": "", "is_staff": staff},
        )
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
    stdout.write(f"Demo users: {len(DEMO_USERS)}, one or more per role.")


def foreign_records(loaded: bool) -> dict[str, int]:
    """Users the demo did not make: every user of a database it was never loaded into (an
    `admin` there is a real one), else those outside DEMO_USERS."""
    # Enterprise users are counted by the app that invites them (its demo.py).
    users = User.objects.exclude(groups__name=roles.ENTERPRISE_USER)
    if loaded:
        users = users.exclude(username__in=[row[0] for row in DEMO_USERS])
    return {"users": users.count()}


def print_logins(stdout) -> None:
    stdout.write("Demo logins (user / password / role):")
    for username, password, role, _name, _staff in DEMO_USERS:
        stdout.write(f"  {username:<9} {password:<15} {role}")
