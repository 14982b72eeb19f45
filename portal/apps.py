from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    verbose_name = _("Enterprise portal")
    name = "portal"

    def ready(self) -> None:

        from benxi_cp import guards, refusals, roles
        from benxi_cp.demo import Demo
        from benxi_cp.navigation import LandingPage
        from benxi_cp.registry import registry
        from portal import access, applications, demo, locks, navigation, panels

        # Who is an enterprise user and what they see (benxi_cp/scoping.py); the page they
        # land on at "/".
        registry.enterprise_access.register(access.ACCESS)
        registry.enterprise_scopes.register(*access.SCOPES)
        registry.landing_pages.register(LandingPage(roles.ENTERPRISE_USER, "portal:home"))
        # The signed record (signature, versions, differences, copy of record) on the EPB's
        # report and verify pages, and the applications for assessment or acceptance on the
        # audit's page (benxi_cp/panels.py).
        registry.panels.register(*panels.PANELS)
        # The enterprises' applications: the office's work queue (benxi_cp/worklist.py).
        registry.worklist.register(*applications.QUEUES)
        # Its entries of the top navigation (benxi_cp/navigation.py).
        registry.navigation.register(*navigation.ITEMS)
        # A signature never changes: the database refuses it (portal/locks.py), and the
        # refusal, where no view caught it, is shown as a message (benxi_cp/refusals.py).
        registry.guards.register(
            guards.Guard(
                "portal.locks",
                {"postgresql": locks.postgresql_triggers, "sqlite": locks.sqlite_triggers},
                tables=locks.guarded_tables,
            )
        )
        registry.refusals.register(
            lambda error: (
                refusals.Refused(
                    _(
                        "A signed submission cannot change: a correction is an amendment, "
                        "signed again."
                    )
                )
                if locks.is_signed_error(error)
                else None
            )
        )
        # Its demo accounts (`manage.py load_demo`), printed after the staff's.
        registry.demo.register(
            Demo(
                "portal",
                demo.load,
                foreign_records=demo.foreign_records,
                print_logins=demo.print_logins,
            )
        )
