"""What the API returns and accepts. Codes are the stored codes (docs/formats), never labels;
the labels of a code are in the schema's descriptions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from audits.models import Audit, AuditStep, Option, OptionReduction
from benxi_cp.validators import (
    CONTROL_CHARACTER_MESSAGE,
    TEXT_PATTERN,
    control_character,
    validate_text,
)
from enterprises.choices import Grade
from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag
from permits.models import MonitoringValue
from targets.models import Actual, Indicator, Target

# The batch's cap: a province's monthly submission is a few thousand values.
MAX_BATCH_VALUES = 50_000


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "sector",
            "district",
            "ownership",
            "size",
            "state_large_medium",
            "employees",
            "address",
            "contact_person",
            "phone",
            "contact_email",
            "cp_status",
            "created",
            "updated",
        ]


class AuditStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditStep
        fields = ["number", "status", "started_on", "completed_on", "notes"]


class AuditSerializer(serializers.ModelSerializer):
    enterprise_code = serializers.CharField(
        source="enterprise.code", read_only=True, help_text=_("The enterprise's code.")
    )
    team = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        read_only=True,
        help_text=_("User names of the auditors on the team."),
    )
    steps = AuditStepSerializer(many=True, read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "ref",
            "enterprise",
            "enterprise_code",
            "started_on",
            "focus",
            "team",
            "cp_lead",
            "steps_completed",
            "steps",
            "assessment",
            "assessed_on",
            "assessment_score",
            "acceptance",
            "accepted_by",
            "accepted_on",
            "demonstration",
            "demonstration_on",
            "created",
            "updated",
        ]


class OptionReductionSerializer(serializers.ModelSerializer):
    pollutant = serializers.CharField(source="pollutant.code", read_only=True)
    unit = serializers.CharField(source="pollutant.unit", read_only=True)

    class Meta:
        model = OptionReduction
        fields = ["pollutant", "unit", "amount_per_year"]


class OptionSerializer(serializers.ModelSerializer):
    audit_ref = serializers.CharField(source="audit.ref", read_only=True)
    reductions = OptionReductionSerializer(many=True, read_only=True)

    class Meta:
        model = Option
        fields = [
            "id",
            "audit",
            "audit_ref",
            "code",
            "title",
            "description",
            "aspect",
            "fee_class",
            "step",
            "status",
            "investment_10k_yuan",
            "annual_benefit_10k_yuan",
            "implemented_on",
            "reductions",
            "created",
            "updated",
        ]


class DischargeValueSerializer(serializers.ModelSerializer):
    pollutant = serializers.CharField(source="pollutant.code", read_only=True)
    unit = serializers.CharField(source="pollutant.unit", read_only=True)

    class Meta:
        model = DischargeValue
        fields = ["pollutant", "unit", "amount", "basis"]


class ReliabilityFlagSerializer(serializers.ModelSerializer):
    pollutant = serializers.CharField(
        source="pollutant.code", read_only=True, allow_null=True, default=None
    )
    message = serializers.CharField(
        read_only=True, help_text=_("The flag's message in the request's language.")
    )

    class Meta:
        model = ReliabilityFlag
        fields = ["code", "severity", "pollutant", "message", "params"]


class DischargeReportSerializer(serializers.ModelSerializer):
    enterprise_code = serializers.CharField(source="enterprise.code", read_only=True)
    period = serializers.CharField(
        source="period_code", read_only=True, help_text=_("Y, Q1–Q4 or M01–M12.")
    )
    # The model's field is not editable: declared here so that the schema allows its blank.
    grade = serializers.ChoiceField(
        choices=Grade.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Follows from the reliability flags; empty until the report is checked."),
    )
    values = DischargeValueSerializer(many=True, read_only=True)
    flags = ReliabilityFlagSerializer(many=True, read_only=True)

    class Meta:
        model = DischargeReport
        fields = [
            "id",
            "enterprise",
            "enterprise_code",
            "year",
            "period",
            "period_kind",
            "period_number",
            "status",
            "output_10k_yuan",
            "submitted_at",
            "verified_at",
            "returned_at",
            "return_reason",
            "grade",
            "values",
            "flags",
            "created",
            "updated",
        ]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "baseline_year", "baseline_value", "goal_year", "goal_value"]


class ActualSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actual
        fields = ["year", "value", "source", "note"]


class IndicatorSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    actuals = ActualSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "dimension",
            "name",
            "name_en",
            "unit",
            "unit_en",
            "direction",
            "department",
            "computation",
            "targets",
            "actuals",
        ]


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "nullable": True},
        "description": _(
            "The keys of docs/formats/programme-summary.md, values as its CSV writes them; "
            "null where a figure is empty."
        ),
    }
)
class FiguresField(serializers.DictField):
    pass


class ProgrammeSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("The figures are as of 31 December of this year."))
    figures = FiguresField()


# -- writes -------------------------------------------------------------------------------


class TextField(serializers.CharField):
    """A text the API accepts: a JSON string (not a number taken as its text, as the schema
    states a string) with no control character (benxi_cp/validators.py); the schema states
    it as the field's pattern."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_text)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"anyOf": [{"type": "string", "pattern": TEXT_PATTERN}, {"type": "number"}]})
class CellField(TextField):
    """A cell as the importer reads it: a string, or a number that is taken as its text."""

    def to_internal_value(self, data):
        return serializers.CharField.to_internal_value(self, data)


class ExactBooleanField(serializers.BooleanField):
    """A JSON true or false, as the schema states a boolean (not "yes", 1 or "true")."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


class BatchValueSerializer(serializers.Serializer):
    pollutant = TextField(help_text=_("Pollutant code of the catalogue, e.g. COD."))
    amount = CellField(help_text=_("Non-negative, in the pollutant's unit; up to 4 decimals."))
    unit = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Optional; when given it must be the pollutant's unit."),
    )
    basis = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("measured_continuous, measured_sampling, calculated or estimated (default)."),
    )


CELL_TYPES = (str, int, float)


def _value_problems(value, cell_field: serializers.Field) -> dict[str, list[str]]:
    """The shape problems of one value of a batch (the importer checks the cells)."""
    if not isinstance(value, dict):
        return {api_settings.NON_FIELD_ERRORS_KEY: [str(_("Expected an object."))]}
    problems = {}
    for name in ("pollutant", "amount", "unit", "basis"):
        if name not in value:
            if name in ("pollutant", "amount"):
                problems[name] = [str(cell_field.error_messages["required"])]
            continue
        cell = value[name]
        if isinstance(cell, bool) or not isinstance(cell, CELL_TYPES):
            problems[name] = [str(cell_field.error_messages["invalid"])]
        elif isinstance(cell, str) and control_character(cell):
            problems[name] = [str(CONTROL_CHARACTER_MESSAGE)]
    return problems


@extend_schema_field(BatchValueSerializer(many=True))
class BatchValuesField(serializers.Field):
    """A report's values, checked for their shape in one plain loop: a province's batch has
    tens of thousands, and a nested serializer spends ~150 µs on each. The schema is
    BatchValueSerializer's; the cells are checked by the importer, as a file's are."""

    default_error_messages = {
        "not_a_list": _("Expected a list of values."),
        "empty": _("A report needs at least one value."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        if not data:
            self.fail("empty")
        cell = serializers.CharField()
        errors = {}
        for index, value in enumerate(data):
            problems = _value_problems(value, cell)
            if problems:
                errors[index] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return [
            {name: str(value.get(name, "")) for name in ("pollutant", "amount", "unit", "basis")}
            for value in data
        ]


class BatchReportSerializer(serializers.Serializer):
    enterprise_code = TextField()
    year = CellField()
    period = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Y or empty for the year, Q1–Q4, M01–M12."),
    )
    output_10k_yuan = CellField(required=False, allow_blank=True, allow_null=True, default="")
    values = BatchValuesField()


class BatchSerializer(serializers.Serializer):
    reports = BatchReportSerializer(many=True, allow_empty=False)
    dry_run = ExactBooleanField(default=False, help_text=_("Check everything and write nothing."))

    def validate_reports(self, reports):
        if sum(len(report["values"]) for report in reports) > MAX_BATCH_VALUES:
            raise serializers.ValidationError(
                _("A batch holds at most %(count)s values; send several.")
                % {"count": MAX_BATCH_VALUES}
            )
        return reports


class BatchErrorSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        allow_null=True, help_text=_("The report's place in `reports`, from 1; null: the batch.")
    )
    field = serializers.CharField(help_text=_("e.g. `year` or `values[2].amount`, from 1."))
    message = serializers.CharField()
    text = serializers.CharField(help_text=_("`item N, field: message`."))


class BatchReportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    enterprise_code = serializers.CharField()
    year = serializers.IntegerField()
    period = serializers.CharField()
    status = serializers.CharField()


class BatchResultSerializer(serializers.Serializer):
    dry_run = ExactBooleanField()
    created = serializers.IntegerField(help_text=_("Values added."))
    updated = serializers.IntegerField(help_text=_("Values that were already there."))
    reports = BatchReportResultSerializer(many=True)


class BatchRefusedSerializer(serializers.Serializer):
    errors = BatchErrorSerializer(many=True)


class ReturnSerializer(serializers.Serializer):
    reason = TextField(help_text=_("Why the report goes back to the enterprise."))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class MonitoringValueSerializer(serializers.ModelSerializer):
    enterprise_code = serializers.CharField(source="enterprise.code", read_only=True)
    pollutant = serializers.CharField(source="pollutant.code", read_only=True)
    measured_at = serializers.CharField(
        source="measured_at_text",
        read_only=True,
        help_text=_(
            "YYYY-MM-DD for a daily mean, YYYY-MM-DD HH:00 (the hour it starts) for an hourly mean."
        ),
    )

    class Meta:
        model = MonitoringValue
        fields = [
            "id",
            "enterprise",
            "enterprise_code",
            "outlet",
            "pollutant",
            "basis",
            "measured_at",
            "value",
            "below_detection",
            "method",
        ]
