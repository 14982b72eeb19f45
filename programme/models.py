"""The programme office's own registers (see `programme/apps.py`)."""

# Environmental investment ----------------------------------------------------------------

from django.core.validators import MaxValueValidator, MinValueValidator  # noqa: E402
from django.db import models  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from simple_history.models import HistoricalRecords  # noqa: E402

from benxi_cp.models import TrackedModel, VersionedModel  # noqa: E402
from enterprises.models import Enterprise, enterprise_match  # noqa: E402
from programme.choices import FundSource, InvestmentCategory, InvestmentStatus  # noqa: E402

INVESTMENT_FIRST_YEAR, INVESTMENT_LAST_YEAR = 1949, 2100


def investment_scope(user) -> Q | None:
    """The environmental investments `user` may see, as a filter (None: none at all).

    The one place access is decided (`EnvironmentalInvestment.objects.for_user`): the
    programme office, the EPB and the leading team see every enterprise's; an auditor sees
    those of the enterprises whose audits they serve on."""
    if not user.is_authenticated or not user.has_perm("programme.view_environmentalinvestment"):
        return None
    if user.has_perm("programme.view_all_investments"):
        return Q()
    from audits.models import Audit

    return Q(enterprise_id__in=Audit.objects.filter(team=user).values("enterprise_id"))


class EnvironmentalInvestmentQuerySet(models.QuerySet):
    def for_user(self, user) -> "EnvironmentalInvestmentQuerySet":
        scope = investment_scope(user)
        return self.none() if scope is None else self.filter(scope)

    def search(self, text: str) -> "EnvironmentalInvestmentQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(project__icontains=text) | enterprise_match(text, "enterprise__"))


class EnvironmentalInvestment(VersionedModel, TrackedModel):
    """An enterprise's environmental investment beyond its CP options: one project in one year."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="environmental_investments",
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[
            MinValueValidator(INVESTMENT_FIRST_YEAR),
            MaxValueValidator(INVESTMENT_LAST_YEAR),
        ],
        help_text=_("The year the money was (or is to be) spent."),
    )
    category = models.CharField(_("category"), max_length=16, choices=InvestmentCategory.choices)
    project = models.CharField(_("project"), max_length=200)
    amount_10k_yuan = models.DecimalField(
        _("amount (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(_("source of funds"), max_length=16, choices=FundSource.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InvestmentStatus.choices,
        default=InvestmentStatus.COMPLETED,
        help_text=_("Only completed projects count in the investment trend."),
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = EnvironmentalInvestmentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise__code", "project"]
        verbose_name = _("environmental investment")
        verbose_name_plural = _("environmental investments")
        permissions = [
            ("view_all_investments", _("Can view every enterprise's environmental investment"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "project"],
                name="%(app_label)s_%(class)s_one_row_per_project",
                violation_error_message=_(
                    "This enterprise already has a project of this name in this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount_10k_yuan__gte=0),
                name="%(app_label)s_%(class)s_amount_non_negative",
                violation_error_message=_("An investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=INVESTMENT_FIRST_YEAR, year__lte=INVESTMENT_LAST_YEAR),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=~Q(project=""),
                name="%(app_label)s_%(class)s_project_not_empty",
                violation_error_message=_("The project needs a name."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=InvestmentCategory.values),
                name="%(app_label)s_%(class)s_category_valid",
                violation_error_message=_("Unknown category."),
            ),
            models.CheckConstraint(
                condition=Q(source__in=FundSource.values),
                name="%(app_label)s_%(class)s_source_valid",
                violation_error_message=_("Unknown source of funds."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=InvestmentStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown status."),
            ),
        ]
        indexes = [
            # The trend's sums by year (programme/investment.py by_year).
            models.Index(fields=["status", "year"], name="programme_envinv_status_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.code} {self.year} {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("programme:investment_detail", args=[self.pk])
