"""The data exchange API (/api/v1/): reads with the lists' filters and scoping, batch writes
of discharge reports through the importer, the workflow steps of the pages."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api import batch, serializers
from api.filtering import ExactFilterBackend
from api.permissions import PagePermission
from audits.filters import AuditFilter, OptionFilter
from audits.models import Audit, AuditStep, Option, OptionReduction
from benxi_cp import scoping
from benxi_cp.validators import FIRST_YEAR, LAST_YEAR, in_range
from enterprises import workflow
from enterprises.filters import DischargeReportFilter, EnterpriseFilter
from enterprises.importers import DischargeImporter
from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag
from permits.filters import MonitoringFilter
from permits.models import MonitoringValue
from reports.summary import programme_summary
from targets.filters import IndicatorFilter
from targets.models import Indicator

STEP_DESCRIPTION = _(
    "The workflow step of the report page, with the same permission; 409 with the reason when "
    "the report's status does not allow it."
)
REFUSED = OpenApiResponse(serializers.DetailSerializer, description=_("Not allowed"))
CONFLICT = OpenApiResponse(
    serializers.DetailSerializer,
    description=_("The report's status does not allow the step, or another change got in the way"),
)


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [PagePermission]
    filter_backends = [ExactFilterBackend]
    permission_required: str = ""
    # Ids are bigints: anything else is no record (a JSON 404 from `not_found`), never a
    # value the database refuses.
    lookup_value_regex = "[0-9]{1,18}"

    def filter_queryset(self, queryset):
        # An enterprise user's token reads only their enterprises' rows (benxi_cp/scoping.py).
        return scoping.scope_for(self.request.user, super().filter_queryset(queryset))


@extend_schema(
    tags=["enterprises"],
    description=_("The enterprise register, with the filters of the enterprises list."),
)
class EnterpriseViewSet(ReadViewSet):
    """The enterprise register, with the filters of the enterprises list."""

    permission_required = "enterprises.view_enterprise"
    enterprise_scoped = True
    queryset = Enterprise.objects.all()
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = EnterpriseFilter


@extend_schema(
    tags=["audits"],
    description=_(
        "CP audits with their eight steps, with the filters of the audits list; an auditor "
        "sees the audits of their teams only."
    ),
)
class AuditViewSet(ReadViewSet):
    """CP audits with their eight steps; an auditor sees the audits of their teams only."""

    permission_required = "audits.view_audit"
    serializer_class = serializers.AuditSerializer
    filterset_class = AuditFilter

    def get_queryset(self):
        return (
            Audit.objects.for_user(self.request.user)
            .select_related("enterprise")
            .prefetch_related(
                "team", Prefetch("steps", queryset=AuditStep.objects.order_by("number"))
            )
        )


@extend_schema(
    tags=["audits"],
    description=_(
        "CP options with their annual reductions, with the filters of the options list; an "
        "auditor sees the options of their teams' audits only."
    ),
)
class OptionViewSet(ReadViewSet):
    """CP options with their annual reductions; an auditor sees their teams' audits' only."""

    permission_required = "audits.view_option"
    serializer_class = serializers.OptionSerializer
    filterset_class = OptionFilter

    def get_queryset(self):
        return (
            Option.objects.for_user(self.request.user)
            .select_related("audit")
            .prefetch_related(
                Prefetch(
                    "reductions",
                    queryset=OptionReduction.objects.select_related("pollutant").order_by(
                        "pollutant__position", "pollutant__code"
                    ),
                )
            )
        )


@extend_schema(
    tags=["discharge"],
    description=_(
        "Discharge reports with their values, reliability flags and grade, with the filters "
        "of the reports list."
    ),
)
class DischargeReportViewSet(ReadViewSet):
    """Discharge reports with their values, reliability flags and grade; batch submission
    and the workflow steps of the report pages."""

    permission_required = "enterprises.view_dischargereport"
    enterprise_scoped = True
    # An enterprise's preparer sends its own reports' batch too (api/permissions.py): the
    # importer takes only their enterprises' rows, as drafts for their signatory to sign.
    enterprise_actions = ("batch",)
    serializer_class = serializers.DischargeReportSerializer
    filterset_class = DischargeReportFilter

    def get_queryset(self):
        return (
            DischargeReport.objects.for_user(self.request.user)
            .select_related("enterprise")
            .prefetch_related(
                Prefetch(
                    "values",
                    queryset=DischargeValue.objects.select_related("pollutant").order_by(
                        "pollutant__position", "pollutant__code"
                    ),
                ),
                Prefetch(
                    "flags",
                    queryset=ReliabilityFlag.objects.select_related("pollutant").order_by("id"),
                ),
            )
        )

    @extend_schema(
        summary=_("Submit a batch of discharge reports"),
        description=_(
            "One transaction for the whole batch, through the checks of the discharge import "
            "(docs/formats/discharge.md): every error comes back as `item N, field: message` "
            "and nothing is written, or every report is written. A report the batch creates "
            "comes in as submitted; an existing draft, submitted or returned report of the "
            "same enterprise and period gets the batch's values; a verified period is refused. "
            "An enterprise user's token (a preparer's or signatory's) sends only its own "
            "enterprises' reports: they come in as drafts, which its signatory signs in the "
            "app, and only a draft or returned report takes the batch's values."
        ),
        request=serializers.BatchSerializer,
        responses={
            200: serializers.BatchResultSerializer,
            400: serializers.BatchRefusedSerializer,
            403: REFUSED,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        filterset_class=None,
        pagination_class=None,
        parser_classes=[JSONParser],  # a batch is JSON: its nested lists have no form encoding
    )
    def batch(self, request):
        if not DischargeImporter.may_use(request.user):
            self.permission_denied(request)
        try:
            data = request.data
        except ParseError as error:
            refused = batch.BatchError(None, "", str(error.detail))
            return Response({"errors": [refused.as_dict()]}, status=status.HTTP_400_BAD_REQUEST)
        shape = serializers.BatchSerializer(data=data)
        if not shape.is_valid():
            return Response(
                {"errors": batch.serializer_errors(shape.errors)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        accepted, body = batch.submit_batch(
            shape.validated_data["reports"], request.user, shape.validated_data["dry_run"]
        )
        return Response(body, status=status.HTTP_200_OK if accepted else 400)

    def _step(self, request, pk, permission: str, run, *args):
        if not request.user.has_perm(permission):
            self.permission_denied(request)
        report = get_object_or_404(DischargeReport.objects.for_user(request.user), pk=pk)
        try:
            run(report, request.user, *args)
        except ValidationError as refused:  # TransitionRefused, ReportLocked, WriteConflict
            return Response({"detail": " ".join(refused.messages)}, status=status.HTTP_409_CONFLICT)
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        summary=_("Submit a draft or returned report to the EPB"),
        description=STEP_DESCRIPTION,
        request=None,
        responses={200: serializers.DischargeReportSerializer, 403: REFUSED, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request, pk=None):
        return self._step(request, pk, "enterprises.change_dischargereport", workflow.submit)

    @extend_schema(
        summary=_("Verify a submitted report (it is locked from then on)"),
        description=STEP_DESCRIPTION,
        request=None,
        responses={200: serializers.DischargeReportSerializer, 403: REFUSED, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def verify(self, request, pk=None):
        return self._step(request, pk, "enterprises.verify_dischargereport", workflow.verify)

    @extend_schema(
        summary=_("Return a submitted report to the enterprise, with a reason"),
        description=STEP_DESCRIPTION,
        request=serializers.ReturnSerializer,
        responses={200: serializers.DischargeReportSerializer, 403: REFUSED, 409: CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        filterset_class=None,
        parser_classes=[JSONParser],
    )
    def return_report(self, request, pk=None):
        if not request.user.has_perm("enterprises.verify_dischargereport"):
            self.permission_denied(request)
        reason = serializers.ReturnSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._step(
            request,
            pk,
            "enterprises.verify_dischargereport",
            workflow.return_report,
            reason.validated_data["reason"],
        )


@extend_schema(
    tags=["targets"],
    description=_(
        "The programme's indicators with their targets (baseline and goal) and actual values, "
        "with the filters of the indicators list."
    ),
)
class IndicatorViewSet(ReadViewSet):
    """The programme's indicators with their targets and actual values."""

    permission_required = "targets.view_indicator"
    serializer_class = serializers.IndicatorSerializer
    filterset_class = IndicatorFilter
    queryset = Indicator.objects.select_related("department").prefetch_related("targets", "actuals")


@extend_schema(
    tags=["monitoring"],
    description=_(
        "Measured concentrations at the enterprises' permitted outlets (hourly and daily "
        "means), with the filters of the monitoring list."
    ),
)
class MonitoringValueViewSet(ReadViewSet):
    """Measured concentrations at the permitted outlets, with the monitoring list's filters."""

    permission_required = "permits.view_monitoringvalue"
    serializer_class = serializers.MonitoringValueSerializer
    filterset_class = MonitoringFilter

    def get_queryset(self):
        return (
            MonitoringValue.objects.for_user(self.request.user)
            .select_related("enterprise", "pollutant")
            .order_by("pk")
        )


class ProgrammeSummaryView(APIView):
    """The programme summary of a year, with the keys of docs/formats/programme-summary.md."""

    permission_classes = [PagePermission]
    permission_required = "reports.view_annual_forms"

    @extend_schema(
        tags=["reports"],
        description=_(
            "The programme summary as of 31 December of the year, with the keys of "
            "docs/formats/programme-summary.md (the same figures as the page and its CSV)."
        ),
        parameters=[
            OpenApiParameter(
                "year",
                int,
                OpenApiParameter.PATH,
                description=f"{FIRST_YEAR}–{LAST_YEAR}",
                required=True,
            )
        ],
        responses={200: serializers.ProgrammeSummarySerializer, 404: REFUSED},
    )
    def get(self, request, year: int):
        if not in_range(year):
            raise Http404(_("The year is out of range."))
        summary = programme_summary(year)
        figures = {key: (value if value != "" else None) for key, value in summary.rows()}
        return Response({"year": year, "figures": figures})


@csrf_exempt  # it changes nothing: a POST to a wrong URL is a 404, not a CSRF failure
def not_found(request, path: str = ""):
    """Any other URL under /api/v1/: a 404 in JSON like the API's own, not the HTML page."""
    return JsonResponse({"detail": str(_("Not found."))}, status=404)
