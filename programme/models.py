"""The programme office's own registers (see `programme/apps.py`)."""

import datetime
import uuid as _uuid
from pathlib import Path as _Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from audits.models import Audit, audit_scope
from benxi_cp import clock
from benxi_cp.files import MAX_DOCUMENT_BYTES
from benxi_cp.models import StoredDocument, TrackedModel, VersionedModel, stored_document_path
from benxi_cp.validators import DATE_MESSAGE, date_q, validate_year, year_q
from enterprises.models import Enterprise, bilingual, enterprise_match
from programme.investment.choices import FundSource, InvestmentCategory, InvestmentStatus
from programme.organisation.choices import BodyKind, MailLanguage, MemberRole, TaskStatus
from programme.outreach.choices import (
    Audience,
    EventKind,
    IncentiveKind,
    PolicyKind,
    PolicyLevel,
    PolicyStatus,
)
from targets.models import Department

# Training and outreach ---------------------------------------------------------------------


class TrainingEventQuerySet(models.QuerySet):
    def for_user(self, user) -> "TrainingEventQuerySet":
        """Every event, for whoever may read the register (training is public knowledge)."""
        return self if user.has_perm("programme.view_trainingevent") else self.none()

    def search(self, text: str) -> "TrainingEventQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text)
            | Q(place__icontains=text)
            | Q(organiser__icontains=text)
            | Q(
                pk__in=TrainingParticipation.objects.filter(
                    enterprise_match(text, "enterprise__")
                ).values("event")
            )
        )


class TrainingEvent(VersionedModel, TrackedModel):
    """A training course or an outreach event the programme held for one audience."""

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    audience = models.CharField(_("audience"), max_length=24, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(999)],
        help_text=_("The length of the event in hours (per participant)."),
    )
    other_participants = models.PositiveIntegerField(
        _("other participants"),
        default=0,
        help_text=_("Participants not from an enterprise of the register (officials, the public)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = TrainingEventQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "title"]
        verbose_name = _("training or outreach event")
        verbose_name_plural = _("training and outreach events")
        constraints = [
            models.UniqueConstraint(
                fields=["held_on", "title"],
                name="%(app_label)s_%(class)s_one_per_date_and_title",
                violation_error_message=_(
                    "An event with this title is already recorded on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lt=1000),
                name="%(app_label)s_%(class)s_hours_range",
                violation_error_message=_("An event lasts more than 0 and less than 1000 hours."),
            ),
        ]
        indexes = [
            # The yearly counts and the list's default order: events by date.
            models.Index(fields=["held_on", "audience"], name="programme_event_date_aud"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programme:event_detail", args=[self.pk])

    @property
    def total_participants(self) -> int:
        """Participants from enterprises plus the others (annotated by the lists)."""
        annotated = getattr(self, "enterprise_participants", None)
        if annotated is None:
            annotated = sum(p.participants for p in self.participations.all())
        return annotated + self.other_participants


class TrainingParticipation(models.Model):
    """How many people one enterprise sent to one event."""

    event = models.ForeignKey(
        TrainingEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="training_participations",
    )
    participants = models.PositiveIntegerField(_("participants"), validators=[MinValueValidator(1)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "enterprise__code"]
        verbose_name = _("participation in training")
        verbose_name_plural = _("participation in training")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "enterprise"],
                name="%(app_label)s_%(class)s_one_per_enterprise",
                violation_error_message=_("An enterprise is listed once per event."),
            ),
            models.CheckConstraint(
                condition=Q(participants__gt=0),
                name="%(app_label)s_%(class)s_participants_positive",
                violation_error_message=_("An enterprise listed sends at least one participant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.enterprise.code}: {self.participants}"

    def get_absolute_url(self) -> str:
        return self.event.get_absolute_url()


def material_path(material: "TrainingMaterial", filename: str) -> str:
    """Where the first migrations stored training materials (they name this function)."""
    return stored_document_path(material, filename)


class TrainingMaterial(StoredDocument):
    """A file of an event's materials (slides, handouts, attendance sheet)."""

    event = models.ForeignKey(
        TrainingEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="materials"
    )

    class Meta(StoredDocument.Meta):
        ordering = ["event", "created"]
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")

    def folder(self) -> str:
        return f"training/{self.event_id}"

    def get_absolute_url(self) -> str:
        return reverse("programme:material", args=[self.pk])


# Policies and incentives -------------------------------------------------------------------


def policy_path(policy: "Policy", filename: str) -> str:
    return f"policies/{_uuid.uuid4().hex}{_Path(filename).suffix.lower()}"


class PolicyQuerySet(models.QuerySet):
    def for_user(self, user) -> "PolicyQuerySet":
        return self if user.has_perm("programme.view_policy") else self.none()

    def search(self, text: str) -> "PolicyQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(title__icontains=text)
            | Q(issuer__icontains=text)
            | Q(number__icontains=text)
            | Q(summary__icontains=text)
        )


class Policy(VersionedModel, TrackedModel):
    """A policy or regulation bearing on CP: a rule of pollution charges, the CP fund,
    rewards, loans, permits."""

    title = models.CharField(_("title"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=PolicyLevel.choices)
    issuer = models.CharField(_("issuing authority"), max_length=200)
    number = models.CharField(
        _("document number"), max_length=64, blank=True, help_text=_("The issuer's number (文号).")
    )
    issued_on = models.DateField(_("issued on"))
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.IN_FORCE
    )
    kind = models.CharField(_("kind"), max_length=24, choices=PolicyKind.choices)
    summary = models.TextField(_("summary"), blank=True)
    document = models.FileField(_("document"), upload_to=policy_path, max_length=200, blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_type = models.CharField(_("content type"), max_length=100, blank=True)
    document_size = models.PositiveIntegerField(_("size (bytes)"), default=0)

    history = HistoricalRecords()
    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "title"]
        verbose_name = _("policy or regulation")
        verbose_name_plural = _("policies and regulations")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__isnull=True) | Q(effective_on__gte=models.F("issued_on")),
                name="%(app_label)s_%(class)s_effective_after_issue",
                violation_error_message=_(
                    "A policy takes effect on or after the day it is issued."
                ),
            ),
            models.CheckConstraint(
                condition=Q(document_size__lte=MAX_DOCUMENT_BYTES),
                name="%(app_label)s_%(class)s_size_limit",
                violation_error_message=_("A document holds between 1 byte and 20 MB."),
            ),
            models.UniqueConstraint(
                fields=["issuer", "number"],
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_one_number_per_issuer",
                violation_error_message=_("This issuer already has a policy with this number."),
            ),
        ]

    @property
    def download(self) -> tuple:
        """(its document, the name to give it, its content type), for the download view."""
        return (
            self.document,
            self.document_name or "document",
            self.document_type or "application/octet-stream",
        )

    def __str__(self) -> str:
        return f"{self.title} ({self.number})" if self.number else self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:policy_detail", args=[self.pk])


class IncentiveQuerySet(models.QuerySet):
    def for_user(self, user) -> "IncentiveQuerySet":
        """All incentives for who may see them all; an auditor, those of the enterprises of
        the audits they serve on; nobody else any."""
        if not user.has_perm("programme.view_incentive"):
            return self.none()
        if user.has_perm("programme.view_all_incentives"):
            return self
        scope = audit_scope(user)
        if scope is None:
            return self.none()
        return self.filter(enterprise__in=Audit.objects.filter(scope).values("enterprise"))

    def search(self, text: str) -> "IncentiveQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(decision_number__icontains=text)
            | Q(decision__icontains=text)
            | enterprise_match(text, "enterprise__")
        )


class Incentive(VersionedModel, TrackedModel):
    """A CP fund grant, reward or loan granted to an enterprise, by a decision."""

    kind = models.CharField(_("kind"), max_length=16, choices=IncentiveKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="incentives",
    )
    audit = models.ForeignKey(
        Audit,
        verbose_name=_("audit rewarded"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incentives",
        help_text=_("The CP audit of the same enterprise that the incentive rewards, if any."),
    )
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("granted under"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incentives",
    )
    amount_10k_yuan = models.DecimalField(
        _("amount (10k yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    granted_on = models.DateField(_("granted on"))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    history = HistoricalRecords()
    objects = IncentiveQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_on", "enterprise__code"]
        verbose_name = _("incentive")
        verbose_name_plural = _("incentives")
        permissions = [("view_all_incentives", _("Can view the incentives of every enterprise"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_10k_yuan__gte=0),
                name="%(app_label)s_%(class)s_amount_non_negative",
                violation_error_message=_("An amount is never negative."),
            ),
            models.UniqueConstraint(
                fields=["decision_number", "enterprise", "kind"],
                condition=~Q(decision_number=""),
                name="%(app_label)s_%(class)s_one_per_decision",
                violation_error_message=_(
                    "This decision already grants this enterprise an incentive of this kind."
                ),
            ),
        ]
        indexes = [
            # Totals by year and kind; an enterprise's incentives by date.
            models.Index(fields=["granted_on", "kind"], name="programme_incentive_date_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise.code} · {self.granted_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("programme:incentive_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.audit_id and self.enterprise_id and self.audit.enterprise_id != self.enterprise_id:
            raise ValidationError(
                {"audit": _("The audit rewarded must be an audit of the same enterprise.")}
            )


# Organisation ---------------------------------------------------------------------------------
# The leading team and the programme office with their members, their meetings and the tasks
# those meetings give the departments, and which department each user works in. Departments
# themselves are the target system's (targets.Department).


class Body(VersionedModel, TrackedModel):
    """A body of the programme: the leading team, the programme office or a working group."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=BodyKind.choices)
    name = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The body this one works under (the office under the leading team)."),
    )
    established = models.DateField(_("established"), null=True, blank=True)
    description = models.TextField(_("remit"), blank=True)
    description_en = models.TextField(_("remit (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_code_not_empty",
                violation_error_message=_("The code cannot be empty."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BodyKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of body."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("A body cannot work under itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("programme:body", args=[self.code])

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def display_description(self) -> str:
        return bilingual(self.description, self.description_en)


class MemberQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None) -> "MemberQuerySet":
        """Members whose term has begun and not ended by `today`."""
        today = today or clock.today()
        return self.filter(Q(term_end__isnull=True) | Q(term_end__gte=today), term_start__lte=today)

    def past(self, today: datetime.date | None = None) -> "MemberQuerySet":
        today = today or clock.today()
        return self.filter(term_end__lt=today)

    def by_rank(self) -> "MemberQuerySet":
        """Leaders first, then deputies, directors, members and liaison officers (the roles'
        own order, not the alphabet's), by name within a role."""
        rank = models.Case(
            *(
                models.When(role=value, then=models.Value(n))
                for n, value in enumerate(MemberRole.values)
            ),
            default=models.Value(len(MemberRole.values)),
            output_field=models.IntegerField(),
        )
        return self.alias(role_rank=rank).order_by("body__code", "role_rank", "person_name")


class Member(VersionedModel, TrackedModel):
    """A person's seat on a body: their role, the department they come from and their term."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="members"
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    position = models.CharField(
        pgettext_lazy("member", "position"),
        max_length=100,
        blank=True,
        help_text=_("Their office, e.g. mayor."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="body_seats",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="body_members",
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(
        _("term end"), null=True, blank=True, help_text=_("Empty while the term runs.")
    )

    history = HistoricalRecords()
    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["body", "role", "person_name", "-term_start"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MemberRole.values),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="%(app_label)s_%(class)s_term_end_after_start",
                violation_error_message=_("A term cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(person_name=""),
                name="%(app_label)s_%(class)s_name_not_empty",
                violation_error_message=_("The name cannot be empty."),
            ),
            models.UniqueConstraint(
                fields=["body", "person_name", "role", "term_start"],
                name="%(app_label)s_%(class)s_one_seat_per_term",
                violation_error_message=_(
                    "This person already has this role on this body from that date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.get_role_display()}, {self.body})"

    def get_absolute_url(self) -> str:
        return reverse("programme:member", args=[self.pk])

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or clock.today()
        return self.term_start <= today and (self.term_end is None or self.term_end >= today)


class Meeting(VersionedModel, TrackedModel):
    """A meeting of a body: when and where, its minutes and its decisions."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField(_("date"))
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(
        _("decisions"), blank=True, help_text=_("What the meeting decided, one decision a line.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "body"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=date_q(),
                name="%(app_label)s_%(class)s_date_range",
                violation_error_message=DATE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        label = self.title or self.body.display_name
        return f"{self.date:%Y-%m-%d} {label}"

    def get_absolute_url(self) -> str:
        return reverse("programme:meeting", args=[self.pk])

    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class TaskQuerySet(models.QuerySet):
    def open(self) -> "TaskQuerySet":
        return self.filter(status=TaskStatus.OPEN)

    def overdue(self, today: datetime.date | None = None) -> "TaskQuerySet":
        return self.open().filter(due_date__lt=today or clock.today())

    def for_user(self, user) -> "TaskQuerySet":
        """The tasks `user` may see: every task for those who follow them all (the programme
        office, the leading team), else their own department's."""
        if not user.has_perm("programme.view_task"):
            return self.none()
        if user.has_perm("programme.view_all_tasks"):
            return self
        from programme.organisation.queries import department_of

        department = department_of(user)
        return self.filter(department=department) if department else self.none()


class Task(VersionedModel, TrackedModel):
    """A task a meeting gave a department: what, by when, and whether it is done."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        help_text=_("The meeting that gave the task (empty: given outside a meeting)."),
    )
    text = models.TextField(_("task"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    done_date = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("How it was done, or why not."))

    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | Q(done_date__isnull=False),
                name="%(app_label)s_%(class)s_done_has_date",
                violation_error_message=_("A done task needs the date it was done."),
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.OPEN) | Q(done_date__isnull=True),
                name="%(app_label)s_%(class)s_open_has_no_done_date",
                violation_error_message=_("An open task has no done date; mark it done."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="%(app_label)s_%(class)s_text_not_empty",
                violation_error_message=_("Say what the task is."),
            ),
        ]
        indexes = [
            # The work queue and the department page: a department's open tasks by due date.
            models.Index(fields=["department", "status", "due_date"], name="task_dept_status_due"),
            # The office's queue and the reminders: every open task by due date.
            models.Index(fields=["status", "due_date"], name="task_status_due"),
        ]
        permissions = [
            ("view_all_tasks", _("Can see the tasks of every department")),
            ("complete_own_task", _("Can mark their own department's tasks done")),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else f"{text[:59]}…"

    def get_absolute_url(self) -> str:
        return reverse("programme:task", args=[self.pk])

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == TaskStatus.OPEN and self.due_date < (today or clock.today())


class UserProfile(VersionedModel, TrackedModel):
    """Which department a user works in, and the language their e-mails are written in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="programme_profile",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=MailLanguage.choices,
        blank=True,
        help_text=_("The language of their e-mails; empty: Chinese."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def get_absolute_url(self) -> str:
        return reverse("programme:staff_edit", args=[self.pk])


class ReminderSent(models.Model):
    """A weekly reminder e-mail sent to a user: one per user and week, never sent twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminders_sent",
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the week it was sent in."))
    sent = models.DateTimeField(_("sent"), auto_now_add=True)
    items = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        ordering = ["-week", "user"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"],
                name="%(app_label)s_%(class)s_one_per_week",
                violation_error_message=_("This user has had this week's reminder."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.week:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("programme:tasks")


# Environmental investment ----------------------------------------------------------------


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
        validators=[validate_year],
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
                condition=year_q(),
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
            # The trend's sums by year (programme/investment/queries.py by_year).
            models.Index(fields=["status", "year"], name="programme_envinv_status_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.code} {self.year} {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("programme:investment_detail", args=[self.pk])
