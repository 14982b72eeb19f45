"""The enterprise portal: the enterprise user's own page and reports; the EPB's and the
programme office's pages to invite enterprise users and to approve and revoke their grants."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from audits.models import Audit, ExpertReview
from audits.worklist import next_step, with_timetable
from benxi_cp import clock, files, scoping
from benxi_cp.views import PermissionMixin
from enterprises.choices import Severity
from enterprises.models import DischargeReport, DischargeValue, Enterprise, ReliabilityFlag
from portal import amendments, applications, copies, deadlines, panels, services, signing
from portal.forms import AcceptForm, AmendForm, CodeForm, InvitationForm, RevokeForm, SignForm
from portal.models import ApplicationStatus, AuditApplication, Grant, Invitation, Level, Signature


class EnterpriseUserMixin:
    """A page of the portal: for enterprise users only, reading through scoping.scope_for."""

    enterprise_scoped = True

    def dispatch(self, request, *args, **kwargs):
        if not scoping.is_enterprise_user(request.user):
            raise Http404(_("This page is for enterprise users."))
        return super().dispatch(request, *args, **kwargs)


class PortalHomeView(EnterpriseUserMixin, TemplateView):
    """The enterprise user's page: their enterprises, each with its register entry, its
    reports and their flags, its audits' timetable and the reports' deadlines."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = clock.today()  # the demo's date while the demo is loaded
        grants = {grant.enterprise_id: grant for grant in Grant.objects.active().filter(user=user)}
        reports = (
            scoping.scope_for(user, DischargeReport.objects.all())
            .annotate(
                serious=Count("flags", filter=Q(flags__severity=Severity.SERIOUS)),
                flag_count=Count("flags"),
            )
            .order_by("-year", "-period_kind", "-period_number")
        )
        audits = (
            with_timetable(scoping.scope_for(user, Audit.objects.all()))
            .prefetch_related(
                Prefetch(
                    "applications",
                    queryset=AuditApplication.objects.order_by("-submitted_at"),
                    to_attr="portal_applications",
                ),
                Prefetch(
                    "reviews",
                    queryset=ExpertReview.objects.filter(valid_until__isnull=False),
                    to_attr="portal_certificates",
                ),
            )
            .order_by("-started_on")
        )
        enterprises = scoping.scope_for(user, Enterprise.objects.all()).prefetch_related(
            Prefetch("discharge_reports", queryset=reports, to_attr="portal_reports"),
            Prefetch("audits", queryset=audits, to_attr="portal_audits"),
        )
        rows = []
        for enterprise in enterprises:
            timetable = []
            for audit in enterprise.portal_audits:
                step = due = None
                if audit.steps_completed < 8 and not audit.assessment:
                    step, due = next_step(audit)
                timetable.append(
                    {
                        "audit": audit,
                        "step": step,
                        "due": due,
                        "late": due and due < today,
                        "applications": audit.portal_applications[:3],
                        "certificate": next(iter(audit.portal_certificates), None),
                        "may_apply": may_apply(grants.get(enterprise.pk), audit),
                    }
                )
            rows.append(
                {
                    "enterprise": enterprise,
                    "grant": grants.get(enterprise.pk),
                    "may_enter": scoping.may_enter(user, enterprise.pk),
                    "reports": enterprise.portal_reports[:12],
                    "audits": timetable,
                    "deadlines": deadlines.deadlines(enterprise.portal_reports, today),
                }
            )
        return super().get_context_data(
            title=gettext_lazy("My enterprise"), rows=rows, today=today, **kwargs
        )


def may_apply(grant, audit) -> bool:
    """The audit may apply for assessment or acceptance now, the user is its enterprise's
    signatory, and no application for the stage is waiting (from the prefetched ones)."""
    stage = applications.stage_due(audit)
    return (
        stage is not None
        and grant is not None
        and grant.level == Level.SIGNATORY
        and not any(
            a.stage == stage and a.status == ApplicationStatus.SUBMITTED
            for a in audit.portal_applications
        )
    )


class PortalReportView(EnterpriseUserMixin, TemplateView):
    """One of the enterprise's reports: its values and the reliability flags found."""

    template_name = "portal/report.html"

    def get_context_data(self, **kwargs):
        report = get_object_or_404(
            DischargeReport.objects.for_user(self.request.user).select_related(
                "enterprise", "entered_by"
            ),
            pk=self.kwargs["pk"],
        )
        values = DischargeValue.objects.filter(report=report).select_related("pollutant")
        flags = ReliabilityFlag.objects.filter(report=report).select_related("pollutant")
        user = self.request.user
        record = panels.record(self.request, report)
        return super().get_context_data(
            title=str(report),
            report=report,
            values=values,
            flags=flags,
            record=record,
            amendment=amendments.open_amendment(report),
            amend_refusal=amendments.refusal(user, report),
            amend_form=AmendForm(),
            # The sign page says what stands in the way (a lock, one-time codes to set up).
            may_sign=signing.signing_grant(user, report) is not None
            and report.status in ("draft", "returned")
            and (not record or amendments.open_amendment(report) is not None),
            **kwargs,
        )


@require_POST
@scoping.enterprise_scoped
def report_amend(request, pk):
    """The enterprise starts an amendment of its signed report, with the reason."""
    if not scoping.is_enterprise_user(request.user):
        raise Http404(_("This page is for enterprise users."))
    report = get_object_or_404(DischargeReport.objects.for_user(request.user), pk=pk)
    form = AmendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect("portal:report", pk=pk)
    try:
        amendment = amendments.start(report, request.user, form.cleaned_data["reason"])
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            _("Amendment started: correct the report, then its signatory signs version %(n)s.")
            % {"n": amendment.number},
        )
    return redirect("portal:report", pk=pk)


@scoping.enterprise_scoped
def copy_of_record(request, pk):
    """A signed version's copy of record (PDF): for the enterprise's own users and the EPB;
    handed out only while the document and the file still match their hashes."""
    signatures = Signature.objects.select_related("report__enterprise", "signer", "grant")
    if scoping.is_enterprise_user(request.user):
        signatures = signatures.filter(report__in=DischargeReport.objects.for_user(request.user))
    elif not request.user.has_perm("enterprises.view_dischargereport"):
        raise Http404(_("Not found."))
    signature = get_object_or_404(signatures, pk=pk)
    copy = copies.copy_of(signature)
    try:
        content = copies.checked_content(copy)
    except FileNotFoundError:
        raise Http404(_("The file of this document is missing.")) from None
    except copies.CopyMismatch as mismatch:
        return render(
            request,
            "portal/copy_mismatch.html",
            {
                "title": _("The copy of record does not match"),
                "signature": signature,
                "what": str(mismatch),
            },
            status=409,
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{copy.filename}"'
    response["X-Content-SHA256"] = copy.file_sha256
    return response


# The EPB's and the programme office's pages ----------------------------------------------


class GrantListView(PermissionMixin, TemplateView):
    permission_required = "portal.view_grant"
    template_name = "portal/grants.html"

    def get_context_data(self, **kwargs):
        grants = Grant.objects.select_related("user", "enterprise", "approved_by").order_by(
            "revoked_at", "enterprise__code", "user__username"
        )
        invitations = Invitation.objects.open().select_related("enterprise")
        return super().get_context_data(
            title=gettext_lazy("Enterprise accounts"),
            awaiting=[g for g in grants if g.revoked_at is None and not g.is_active],
            grants=grants,
            invitations=invitations,
            may_invite=self.request.user.has_perm("portal.add_invitation"),
            may_approve=self.request.user.has_perm("portal.approve_signatory"),
            revoke_form=RevokeForm(),
            **kwargs,
        )


class InviteView(PermissionMixin, FormView):
    permission_required = "portal.add_invitation"
    template_name = "generic/form.html"
    form_class = InvitationForm
    extra_context = {"title": gettext_lazy("Invite an enterprise user")}

    def form_valid(self, form):
        upload = form.cleaned_data.get("letter_file")
        try:
            invitation = services.invite(
                form.save(commit=False),
                self.request.user,
                self.request.build_absolute_uri,
                letter=upload,
                letter_type=getattr(upload, "checked_content_type", ""),
            )
        except IntegrityError:
            form.add_error(None, _("The database refused this invitation; check the values."))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The invitation was sent to %(email)s.") % {"email": invitation.email},
        )
        return redirect("portal:grants")


@method_decorator(login_not_required, name="dispatch")
class AcceptView(View):
    """The invited person chooses a user name and password; the link works once."""

    enterprise_scoped = True  # it shows the invitation's own enterprise only
    template_name = "portal/accept.html"

    def render_page(self, request, form, invitation=None, refusal=""):
        return render(
            request,
            self.template_name,
            {
                "title": _("Accept the invitation"),
                "form": form,
                "invitation": invitation,
                "refusal": refusal,
            },
            status=200 if not refusal else 410,
        )

    def get(self, request, token):
        try:
            invitation = services.find_invitation(token)
        except ValidationError as refused:
            return self.render_page(request, None, refusal=" ".join(refused.messages))
        return self.render_page(request, AcceptForm(), invitation)

    def post(self, request, token):
        try:
            invitation = services.find_invitation(token)
        except ValidationError as refused:
            return self.render_page(request, None, refusal=" ".join(refused.messages))
        form = AcceptForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, invitation)
        try:
            user = services.accept(
                token, form.cleaned_data["username"], form.cleaned_data["password1"]
            )
        except ValidationError as refused:
            if refused.code == "taken":
                form.add_error("username", refused.messages[0])
                return self.render_page(request, form, invitation)
            return self.render_page(request, None, refusal=" ".join(refused.messages))
        login(request, user, backend="benxi_cp.scoping.ScopedModelBackend")
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("portal:home")


def _grant_for_staff(request, pk) -> Grant:
    return get_object_or_404(Grant.objects.select_related("user", "enterprise"), pk=pk)


@require_POST
def grant_approve(request, pk):
    if not request.user.has_perm("portal.approve_signatory"):
        raise Http404(_("Not found."))
    grant = _grant_for_staff(request, pk)
    try:
        services.approve(grant, request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            _("%(user)s may sign for %(enterprise)s.")
            % {
                "user": grant.user.get_full_name() or grant.user.username,
                "enterprise": grant.enterprise,
            },
        )
    return redirect("portal:grants")


@require_POST
def grant_revoke(request, pk):
    if not request.user.has_perm("portal.approve_signatory"):
        raise Http404(_("Not found."))
    grant = _grant_for_staff(request, pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.revoke(grant, request.user, reason)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The grant was revoked."))
    return redirect("portal:grants")


@require_POST
def invitation_withdraw(request, pk):
    if not request.user.has_perm("portal.add_invitation"):
        raise Http404(_("Not found."))
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.withdraw(invitation, request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("portal:grants")


@scoping.enterprise_scoped
def grant_letter(request, pk):
    """The letter of authorisation: for the EPB and the programme office, and for the
    enterprise's own users."""
    grants = Grant.objects.exclude(letter="")
    if scoping.is_enterprise_user(request.user):
        grants = scoping.only_own(request.user, grants)
    elif not request.user.has_perm("portal.view_grant"):
        raise Http404(_("Not found."))
    grant = get_object_or_404(grants, pk=pk)
    return files.attachment(grant.letter, grant.letter_name or "letter", grant.letter_type)


class TwoFactorView(EnterpriseUserMixin, View):
    """Enrolment of the signatory's one-time codes: a QR code to scan, then a code to
    confirm it."""

    template_name = "portal/two_factor.html"

    def render_page(self, request, form):
        device = signing.enrolment_device(request.user)
        return render(
            request,
            self.template_name,
            {
                "title": _("One-time codes"),
                "form": form,
                "qr": signing.qr_svg(device),
                "secret": device.config_url.split("secret=", 1)[1].split("&", 1)[0],
                "enrolled": signing.device_of(request.user) is not None,
            },
        )

    def get(self, request):
        return self.render_page(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                codes = signing.confirm(
                    signing.enrolment_device(request.user), form.cleaned_data["code"]
                )
            except ValidationError as refused:
                form.add_error("code", refused.messages[0])
            else:
                messages.success(request, _("Your one-time codes are set up."))
                return render(
                    request,
                    "portal/recovery_codes.html",
                    {"title": _("Recovery codes"), "codes": codes},
                )
        return self.render_page(request, form)


class SignView(EnterpriseUserMixin, View):
    """The signatory reads the exact document and the certification statement, and signs
    with their password and a one-time code: the report is submitted."""

    template_name = "portal/sign.html"

    def get_report(self) -> DischargeReport:
        return get_object_or_404(
            DischargeReport.objects.for_user(self.request.user).select_related(
                "enterprise", "entered_by"
            ),
            pk=self.kwargs["pk"],
        )

    def render_page(self, request, report, form, status=200, error=""):
        text = signing.canonical(signing.document(report))
        form = form or SignForm(
            initial={"document_sha256": signing.digest(text)},
            serious_flags=signing.serious_flags(report),
        )
        return render(
            request,
            self.template_name,
            {
                "title": _("Sign and submit"),
                "report": report,
                "values": report.values.select_related("pollutant").order_by("pollutant__code"),
                "flags": report.flags.select_related("pollutant"),
                "statement": signing.statement(),
                "statement_version": signing.STATEMENT_VERSION,
                "sha256": signing.digest(text),
                "refusal": signing.refusal(request.user, report),
                "form": form,
                "error": error,
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(request, self.get_report(), None)

    def post(self, request, pk):
        report = self.get_report()
        form = SignForm(request.POST, serious_flags=signing.serious_flags(report))
        if not form.is_valid():
            return self.render_page(request, report, form, status=400)
        try:
            signature = signing.sign(
                report,
                request.user,
                form.cleaned_data["password"],
                form.cleaned_data["code"],
                form.cleaned_data["document_sha256"],
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                explanations=form.explanations(),
            )
        except ValidationError as refused:
            form = SignForm(
                initial={
                    "document_sha256": form.cleaned_data["document_sha256"],
                    **{f"explain_{pk}": text for pk, text in form.explanations().items()},
                },
                serious_flags=signing.serious_flags(report),
            )
            return self.render_page(
                request, report, form, status=400, error=" ".join(refused.messages)
            )
        messages.success(
            request,
            _("Signed and submitted. SHA-256 of the document: %(hash)s")
            % {"hash": signature.document_sha256},
        )
        return redirect("portal:report", pk=report.pk)


@require_POST
def grant_unlock_signing(request, pk):
    if not request.user.has_perm("portal.approve_signatory"):
        raise Http404(_("Not found."))
    grant = _grant_for_staff(request, pk)
    signing.unlock_signing(grant)
    messages.success(request, _("The signatory may sign again."))
    return redirect("portal:grants")
