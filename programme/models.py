"""The programme office's own registers (see `programme/apps.py`)."""

# Organisation ---------------------------------------------------------------------------------
# The leading team and the programme office with their members, their meetings and the tasks
# those meetings give the departments, and which department each user works in. Departments
# themselves are the target system's (targets.Department).
import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from benxi_cp.models import TrackedModel, VersionedModel
from enterprises.models import bilingual
from programme.choices_organisation import BodyKind, MemberRole, TaskStatus
from targets.models import Department


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
        today = today or timezone.localdate()
        return self.filter(Q(term_end__isnull=True) | Q(term_end__gte=today), term_start__lte=today)

    def past(self, today: datetime.date | None = None) -> "MemberQuerySet":
        today = today or timezone.localdate()
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
        today = today or timezone.localdate()
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
                condition=Q(
                    date__gte=datetime.date(1949, 1, 1), date__lte=datetime.date(2100, 12, 31)
                ),
                name="%(app_label)s_%(class)s_date_range",
                violation_error_message=_("The date must lie between 1949 and 2100."),
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
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def for_user(self, user) -> "TaskQuerySet":
        """The tasks `user` may see: every task for those who follow them all (the programme
        office, the leading team), else their own department's."""
        if not user.has_perm("programme.view_task"):
            return self.none()
        if user.has_perm("programme.view_all_tasks"):
            return self
        from programme.organisation import department_of

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
        return self.status == TaskStatus.OPEN and self.due_date < (today or timezone.localdate())


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
        choices=settings.LANGUAGES,
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
