"""The audits side of the portal: the enterprise's signatory applies online for the
assessment or acceptance of its CP audit (评估验收, portal/applications.py); the programme
office reads the application and accepts it for review or returns it with a reason. Both
read the application's page and its documents (the enterprise its own only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from audits.models import Audit
from audits.reviews import stages_open
from benxi_cp import files, scoping
from portal import applications
from portal.forms import ApplicationForm, ReturnForm
from portal.models import ApplicationDocument, ApplicationStatus, AuditApplication
from portal.views import EnterpriseUserMixin

VIEW_AUDIT = "audits.view_audit"


class ApplyView(EnterpriseUserMixin, View):
    """The signatory's application for one of the enterprise's audits."""

    template_name = "portal/apply.html"

    def get_audit(self) -> Audit:
        audits = scoping.scope_for(self.request.user, Audit.objects.select_related("enterprise"))
        return get_object_or_404(audits, pk=self.kwargs["pk"])

    def render_page(self, request, audit, form, status=200):
        stage = applications.stage_due(audit)
        return render(
            request,
            self.template_name,
            {
                "title": _("Apply for assessment or acceptance"),
                "audit": audit,
                "stage": dict(applications.Stage.choices).get(stage, ""),
                "refusal": applications.refusal(request.user, audit),
                "form": form,
                "earlier": audit.applications.order_by("-submitted_at"),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(request, self.get_audit(), ApplicationForm())

    def post(self, request, pk):
        audit = self.get_audit()
        form = ApplicationForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(request, audit, form, status=400)
        try:
            application = applications.apply(
                audit,
                request.user,
                form.cleaned_data["report_file"],
                form.cleaned_data["performance_file"],
                form.cleaned_data["note"],
            )
        except ValidationError as refused:
            form.add_error(None, " ".join(refused.messages))
            return self.render_page(request, audit, form, status=400)
        messages.success(request, _("Your application was sent to the programme office."))
        return redirect(application)


def visible_applications(user):
    """The applications `user` may read: an enterprise user their own enterprises', the
    programme office and the auditors every one; nobody else any."""
    found = AuditApplication.objects.select_related("audit__enterprise", "submitted_by")
    if scoping.is_enterprise_user(user):
        return scoping.only_own(user, found)
    if not user.has_perm(VIEW_AUDIT):
        raise Http404(_("Not found."))
    return found


def application_reviews(application) -> list:
    """The expert reviews of the application's stage recorded since it was submitted."""
    if application.status != ApplicationStatus.ACCEPTED:
        return []
    return list(
        application.audit.reviews.filter(
            stage=application.stage,
            reviewed_on__gte=timezone.localtime(application.submitted_at).date(),
        )
    )


@scoping.enterprise_scoped
def application_page(request, pk):
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    may_decide = (
        not scoping.is_enterprise_user(request.user)
        and request.user.has_perm(applications.ASSESS)
        and application.status == ApplicationStatus.SUBMITTED
    )
    # the audit's page for the office; the enterprise follows its audit on its own page
    audit_url = scoping.record_url(request.user, application.audit)
    return render(
        request,
        "portal/application.html",
        {
            "title": _("Application for %(stage)s") % {"stage": application.get_stage_display()},
            "application": application,
            "documents": application.documents.all(),
            "may_decide": may_decide,
            "return_form": ReturnForm(),
            "audit_url": audit_url,
            "reviews": application_reviews(application),
            "may_review": not scoping.is_enterprise_user(request.user)
            and request.user.has_perm(applications.ASSESS)
            and application.status == ApplicationStatus.ACCEPTED
            and application.stage in stages_open(application.audit),
        },
    )


@require_POST
def application_decide(request, pk):
    if not request.user.has_perm(applications.ASSESS):
        raise Http404(_("Not found."))
    application = get_object_or_404(AuditApplication, pk=pk)
    accept = request.POST.get("decision") == "accept"
    reason = ""
    if not accept:
        form = ReturnForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        applications.decide(application, request.user, accept, reason)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request,
            _("The application was accepted for review.")
            if accept
            else _("The application was returned to the enterprise."),
        )
    return redirect(application)


@scoping.enterprise_scoped
def application_document(request, pk):
    documents = ApplicationDocument.objects.select_related("application")
    if scoping.is_enterprise_user(request.user):
        documents = scoping.only_own(request.user, documents)
    elif not request.user.has_perm(VIEW_AUDIT):
        raise Http404(_("Not found."))
    document = get_object_or_404(documents, pk=pk)
    return files.attachment(*document.download)
