"""The programme's target system: indicators in four dimensions, targets and yearly actuals."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from benxi_cp.models import TrackedModel, VersionedModel
from benxi_cp.validators import FIRST_YEAR, LAST_YEAR, YEAR_MESSAGE, YEARS_MESSAGE, year_q
from enterprises.models import bilingual
from targets.choices import Dimension, Direction, ValueSource


class Department(VersionedModel, models.Model):
    """A municipal department of the leading team, responsible for some indicators."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    duties = models.TextField(
        _("duties"),
        blank=True,
        help_text=_("What the department answers for in the programme (the duty of its targets)."),
    )
    duties_en = models.TextField(_("duties (English)"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_code_not_empty",
                violation_error_message=_("The code cannot be empty."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("targets:department", args=[self.code])

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def display_duties(self) -> str:
        return bilingual(self.duties, self.duties_en)


def plain_decimal(value) -> str:
    """20772.0000 → "20772", 1.5000 → "1.5": what a person would write."""
    return format(value.normalize(), "f") if value is not None else ""


def may_write_actuals(user, indicator: "Indicator", action: str = "add") -> bool:
    """Whether `user` may add (or change) actual values of `indicator`: the programme office
    for every indicator, the EPB only for environmental ones (see `IndicatorQuerySet`)."""
    if not user.has_perm(f"targets.{action}_actual"):
        return False
    return user.has_perm("targets.enter_any_actual") or (
        indicator.dimension == Dimension.ENVIRONMENTAL
    )


class IndicatorQuerySet(models.QuerySet):
    def search(self, text: str) -> "IndicatorQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(name_en__icontains=text)
        )

    def with_dimension_rank(self) -> "IndicatorQuerySet":
        """Annotate `dimension_rank`: the four dimensions in their own order (economic,
        resource, environmental, social), not alphabetically."""
        return self.annotate(
            dimension_rank=models.Case(
                *(
                    models.When(dimension=value, then=models.Value(rank))
                    for rank, value in enumerate(Dimension.values)
                ),
                default=models.Value(len(Dimension.values)),
                output_field=models.IntegerField(),
            )
        )

    def actuals_writable_by(self, user, action: str = "add") -> "IndicatorQuerySet":
        """The indicators whose actual values `user` may add (or change); same rule as
        `may_write_actuals`, for lists."""
        if not user.has_perm(f"targets.{action}_actual"):
            return self.none()
        if user.has_perm("targets.enter_any_actual"):
            return self
        return self.filter(dimension=Dimension.ENVIRONMENTAL)


class Indicator(VersionedModel, TrackedModel):
    """An indicator of the target system, with its unit, direction and responsible department."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    name = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    unit_en = models.CharField(
        _("unit (English)"), max_length=40, blank=True, help_text=_("Empty: the same as the unit.")
    )
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    computation = models.CharField(
        _("computation"),
        max_length=64,
        blank=True,
        help_text=_("Empty when actual values are entered; else the computation that gives them."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    history = HistoricalRecords()
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["dimension", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_code_not_empty",
                violation_error_message=_("The code cannot be empty."),
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values),
                name="%(app_label)s_%(class)s_dimension_valid",
                violation_error_message=_("Unknown dimension."),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="%(app_label)s_%(class)s_direction_valid",
                violation_error_message=_("Unknown direction."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("targets:indicator", args=[self.code])

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def display_unit(self) -> str:
        return bilingual(self.unit, self.unit_en)


class Target(VersionedModel, TrackedModel):
    """A goal for an indicator: from a baseline (year, value) to a goal (year, value)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=18, decimal_places=4)
    goal_year = models.PositiveSmallIntegerField(_("goal year"))
    goal_value = models.DecimalField(_("goal value"), max_digits=18, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "goal_year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "goal_year"],
                name="%(app_label)s_%(class)s_one_per_goal_year",
                violation_error_message=_(
                    "This indicator already has a target for that goal year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(goal_year__gt=F("baseline_year")),
                name="%(app_label)s_%(class)s_goal_after_baseline",
                violation_error_message=_("The goal year must come after the baseline year."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__gte=FIRST_YEAR, goal_year__lte=LAST_YEAR),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=YEARS_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {self.goal_year}"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url()


class Actual(VersionedModel, TrackedModel):
    """An indicator's actual value for one year, entered or computed from the records."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="actuals"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(
        _("source"), max_length=16, choices=ValueSource.choices, default=ValueSource.ENTERED
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("actual value")
        verbose_name_plural = _("actual values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("This indicator already has a value for that year."),
            ),
            models.CheckConstraint(
                condition=year_q(),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=YEAR_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(source__in=ValueSource.values),
                name="%(app_label)s_%(class)s_source_valid",
                violation_error_message=_("Unknown source."),
            ),
        ]
        permissions = [
            ("enter_any_actual", _("Can enter actual values of indicators of every dimension")),
            ("recompute_actual", _("Can recompute the computed indicators")),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {plain_decimal(self.value)}"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url()
