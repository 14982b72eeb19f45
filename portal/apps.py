from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    verbose_name = _("Enterprise portal")
    name = "portal"

    def ready(self) -> None:
        # Who is an enterprise user and what they see (benxi_cp/scoping.py); the page they
        # land on at "/".
        from benxi_cp import roles
        from benxi_cp.registry import registry
        from benxi_cp.views import LandingPage
        from portal import access

        registry.enterprise_access.register(access.ACCESS)
        registry.enterprise_scopes.register(*access.SCOPES)
        registry.landing_pages.register(LandingPage(roles.ENTERPRISE_USER, "portal:home"))

        # A signature never changes: the database refuses it (portal/locks.py).
        from benxi_cp import guards, refusals
        from portal import locks

        guards.register(
            "portal.locks",
            postgresql=locks.postgresql_triggers,
            sqlite=locks.sqlite_triggers,
            tables=locks.guarded_tables,
        )
        refusals.register(
            lambda error: (
                str(_("A signed submission cannot change."))
                if locks.is_signed_error(error)
                else None
            )
        )
