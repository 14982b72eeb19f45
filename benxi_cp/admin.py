from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from benxi_cp.models import SiteFlag

admin.site.site_header = _("Benxi Cleaner Production")
admin.site.site_title = _("Benxi CP administration")
admin.site.register(SiteFlag)
