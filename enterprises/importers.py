from django.utils.translation import gettext_lazy as _

from benxi_cp.importers import ModelFormImporter, register
from enterprises.forms import EnterpriseImportForm
from enterprises.models import Enterprise


@register
class EnterpriseImporter(ModelFormImporter):
    """shared/formats/enterprises.md: one row per enterprise; an existing code updates it."""

    kind = "enterprises"
    label = _("enterprises")
    model = Enterprise
    form_class = EnterpriseImportForm
    key = "code"
    permissions = ("enterprises.add_enterprise", "enterprises.change_enterprise")
    columns = {
        "code": True,
        "name": True,
        "name_en": False,
        "sector": True,
        "district": False,
        "ownership": False,
        "size": False,
        "state_large_medium": True,
        "employees": False,
        "address": False,
        "contact_person": False,
        "phone": False,
    }
