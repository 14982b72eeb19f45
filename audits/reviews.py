"""The programme office records an audit's expert review (专家评审) for its assessment or
its acceptance: the review row, and the audit's own assessment (result, date, score) or
acceptance (result, body, date) set from it, in one transaction. A pass needs a score at or
above the pass mark in force (settings.BENXI_REVIEW_PASS_SCORE, stored on the row, where the
database checks it again); a passed acceptance gets its certificate, valid for
settings.BENXI_CERTIFICATE_YEARS from its date."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audits.choices import ReviewDecision, ReviewStage, Verdict
from audits.models import STEP_COUNT, Audit, ExpertReview, certificate_expiry

ASSESS = "audits.assess_audit"


def stages_open(audit: Audit) -> list[str]:
    """The stages a review may be recorded for now: the assessment once the eight steps are
    done and until it passed; the acceptance once the assessment passed, until it passed."""
    stages = []
    if audit.steps_completed == STEP_COUNT and audit.assessment != Verdict.PASS:
        stages.append(ReviewStage.ASSESSMENT)
    if audit.assessment == Verdict.PASS and audit.acceptance != Verdict.PASS:
        stages.append(ReviewStage.ACCEPTANCE)
    return stages


def refusal(review: ExpertReview, accepted_by: str) -> str:
    """Why this review cannot be recorded on its audit ("" when it can)."""
    if review.stage not in stages_open(review.audit):
        return _(
            "No review can be recorded for this stage now: the assessment follows the eight "
            "steps, the acceptance a passed assessment, and a passed stage is not reviewed again."
        )
    if review.decision != ReviewDecision.FAIL and review.score < review.pass_mark:
        return _("A score below the pass mark (%(mark)s) cannot be a pass.") % {
            "mark": review.pass_mark
        }
    if review.stage == ReviewStage.ACCEPTANCE and not accepted_by:
        return _("An acceptance needs its accepting body.")
    return ""


def apply_to_audit(audit: Audit, review: ExpertReview, accepted_by: str) -> None:
    verdict = Verdict.PASS if review.passed else Verdict.FAIL
    if review.stage == ReviewStage.ASSESSMENT:
        audit.assessment = verdict
        audit.assessed_on = review.reviewed_on
        audit.assessment_score = review.score
    else:
        audit.acceptance = verdict
        audit.accepted_by = accepted_by
        audit.accepted_on = review.reviewed_on


def record(review: ExpertReview, user, accepted_by: str = "") -> ExpertReview:
    """Record the review and set the audit from it, whole, or raise ValidationError."""
    if not user.has_perm(ASSESS):
        raise ValidationError(_("Only the programme office records expert reviews."))
    review.pass_mark = settings.BENXI_REVIEW_PASS_SCORE
    if review.stage == ReviewStage.ACCEPTANCE and review.passed:
        review.certificate_on = review.certificate_on or review.reviewed_on
        review.valid_until = certificate_expiry(review.certificate_on)
    else:
        review.certificate_on = review.valid_until = None
    try:
        with transaction.atomic():
            audit = Audit.objects.select_for_update().get(pk=review.audit_id)
            review.audit = audit
            refused = refusal(review, accepted_by)
            if refused:
                raise ValidationError(refused)
            review.full_clean()
            apply_to_audit(audit, review, accepted_by)
            audit.full_clean(exclude=["team"], validate_unique=False)
            review.stamp(user)
            review.save()
            audit.stamp(user)
            audit.save()
    except IntegrityError:
        raise ValidationError(_("The database refused this review; check the values.")) from None
    return review
