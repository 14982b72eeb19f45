"""Importers of the programme office's registers, on the shared machinery."""

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import Audit
from benxi_cp.fields import CodedChoiceField
from benxi_cp.formats import Document
from benxi_cp.importers import (
    CREATED,
    UPDATED,
    Column,
    Importer,
    RowInvalid,
    form_problems,
)
from enterprises.models import Enterprise
from programme.investment.choices import InvestmentStatus
from programme.investment.forms import FIELDS, InvestmentRowForm
from programme.models import (
    EnvironmentalInvestment,
    Incentive,
    Policy,
    TrainingEvent,
    TrainingParticipation,
)
from programme.organisation import importers as importers_organisation
from programme.outreach.choices import Audience, EventKind, IncentiveKind

# Training and outreach; incentives (docs/formats/training.md, incentives.md) -----------------


EVENT_COLUMNS = (
    "kind",
    "audience",
    "place",
    "organiser",
    "hours",
    "other_participants",
    "notes",
)


class TrainingEventImportForm(forms.ModelForm):
    """The event's part of a row of docs/formats/training.md."""

    kind = CodedChoiceField(choices_class=EventKind)
    audience = CodedChoiceField(choices_class=Audience)
    other_participants = forms.IntegerField(min_value=0, required=False)

    class Meta:
        model = TrainingEvent
        fields = ["title", "held_on", *EVENT_COLUMNS]

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_other_participants(self) -> int:
        return self.cleaned_data.get("other_participants") or 0


class TrainingImporter(Importer):
    """One row per event and enterprise: the event (by date and title) is created or updated
    once, on its first row; each row with an enterprise sets that enterprise's participants."""

    kind = "training"
    label = gettext_lazy("training and outreach events")
    permissions = (
        "programme.add_trainingevent",
        "programme.change_trainingevent",
        "programme.add_trainingparticipation",
        "programme.change_trainingparticipation",
    )
    columns = {
        "held_on": True,
        "title": True,
        "kind": True,
        "audience": True,
        "hours": True,
        "place": False,
        "organiser": False,
        "other_participants": False,
        "notes": False,
        "enterprise_code": False,
        "participants": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(TrainingEventImportForm.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        codes = {values.get("enterprise_code", "").strip() for values in rows} - {""}
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code") if codes else {}
        self.events: dict[tuple[str, str], tuple[int, TrainingEvent, dict]] = {}
        self.seen: dict[tuple, int] = {}

    def _event(self, number: int, values: dict[str, str]) -> tuple[TrainingEvent, bool]:
        key = (values.get("held_on", "").strip(), values.get("title", "").strip())
        event_values = {name: values.get(name, "").strip() for name in self.header}
        event_values.pop("enterprise_code", None)
        event_values.pop("participants", None)
        if key in self.events:
            first, event, given = self.events[key]
            differing = [name for name in given if given[name] != event_values.get(name)]
            if differing:
                raise RowInvalid(
                    [
                        (name, _("differs from row %(row)s of the same event") % {"row": first})
                        for name in differing
                    ]
                )
            return event, False
        instance = (
            TrainingEvent.objects.filter(held_on=key[0] or None, title=key[1]).first()
            if (key[0] and key[1] and _is_date(key[0]))
            else None
        )
        form = TrainingEventImportForm(data=event_values, instance=instance)
        if not form.is_valid():
            raise RowInvalid(form_problems(form))
        event = form.save(commit=False)
        event.stamp(self.user)
        event.save()
        self.events[key] = (number, event, event_values)
        return event, instance is None

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        code = values.get("enterprise_code", "").strip()
        people = values.get("participants", "").strip()
        problems = []
        enterprise = None
        if code:
            enterprise = self.enterprises.get(code)
            if enterprise is None:
                problems.append(
                    ("enterprise_code", _("no enterprise with code “%(code)s”") % {"code": code})
                )
            if not people:
                problems.append(("participants", _("give the enterprise's participants")))
        elif people:
            problems.append(("enterprise_code", _("give the enterprise of these participants")))
        count = None
        if people:
            try:
                count = int(people)
            except ValueError:
                count = None
            if count is None or count < 1:
                problems.append(("participants", _("a whole number of at least 1")))
        if problems:
            raise RowInvalid(problems)
        event, created = self._event(number, values)
        if enterprise is None:
            return (CREATED if created else UPDATED), str(event)
        key = (event.pk, enterprise.pk)
        if key in self.seen:
            raise RowInvalid(
                [
                    (
                        "enterprise_code",
                        _("duplicate of row %(row)s in this file") % {"row": self.seen[key]},
                    )
                ]
            )
        self.seen[key] = number
        _row, made = TrainingParticipation.objects.update_or_create(
            event=event, enterprise=enterprise, defaults={"participants": count}
        )
        return (CREATED if made else UPDATED), f"{event} · {enterprise.code}: {count}"


def _is_date(text: str) -> bool:
    try:
        forms.DateField().clean(text)
    except forms.ValidationError:
        return False
    return True


class IncentiveImportForm(forms.ModelForm):
    """One row of docs/formats/incentives.md."""

    kind = CodedChoiceField(choices_class=IncentiveKind)

    class Meta:
        model = Incentive
        fields = ["kind", "amount_10k_yuan", "granted_on", "decision_number", "decision"]

    def clean_decision_number(self) -> str:
        number = self.cleaned_data["decision_number"].strip()
        if not number:
            raise forms.ValidationError(_("This field is required."))
        return number


class IncentiveImporter(Importer):
    """One row per incentive; an existing (decision number, enterprise, kind) updates it."""

    kind = "incentives"
    label = gettext_lazy("incentives")
    permissions = ("programme.add_incentive", "programme.change_incentive")
    columns = {
        "kind": True,
        "enterprise_code": True,
        "amount_10k_yuan": True,
        "granted_on": True,
        "decision_number": True,
        "audit_ref": False,
        "policy_number": False,
        "decision": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(IncentiveImportForm.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        codes, refs, numbers = set(), set(), set()
        for values in rows:
            codes.add(values.get("enterprise_code", "").strip())
            refs.add(values.get("audit_ref", "").strip())
            numbers.add(values.get("policy_number", "").strip())
        codes.discard("")
        refs.discard("")
        numbers.discard("")
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code") if codes else {}
        self.audits = Audit.objects.in_bulk(refs, field_name="ref") if refs else {}
        self.policies: dict[str, list[Policy]] = {}
        for policy in Policy.objects.filter(number__in=numbers):
            self.policies.setdefault(policy.number, []).append(policy)
        self.seen: dict[tuple, int] = {}

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        problems = []
        code = values.get("enterprise_code", "").strip()
        enterprise = self.enterprises.get(code)
        if enterprise is None:
            problems.append(
                ("enterprise_code", _("no enterprise with code “%(code)s”") % {"code": code})
            )
        audit = None
        ref = values.get("audit_ref", "").strip()
        if ref:
            audit = self.audits.get(ref)
            if audit is None:
                problems.append(
                    ("audit_ref", _("no audit with reference “%(ref)s”") % {"ref": ref})
                )
            elif enterprise is not None and audit.enterprise_id != enterprise.pk:
                problems.append(
                    ("audit_ref", _("The audit rewarded must be an audit of the same enterprise."))
                )
        policy = None
        policy_number = values.get("policy_number", "").strip()
        if policy_number:
            found = self.policies.get(policy_number, [])
            if len(found) != 1:
                problems.append(
                    (
                        "policy_number",
                        _("no policy with number “%(number)s”")
                        if not found
                        else _("several policies have number “%(number)s”"),
                    )
                )
                problems[-1] = (problems[-1][0], problems[-1][1] % {"number": policy_number})
            else:
                policy = found[0]
        key = (
            values.get("decision_number", "").strip(),
            code,
            values.get("kind", "").strip().lower(),
        )
        if key in self.seen:
            problems.append(
                (
                    "decision_number",
                    _("duplicate of row %(row)s in this file") % {"row": self.seen[key]},
                )
            )
        self.seen.setdefault(key, number)
        instance = None
        form = IncentiveImportForm(data=values)
        if form.is_valid() and enterprise is not None:
            instance = Incentive.objects.filter(
                decision_number=form.cleaned_data["decision_number"],
                enterprise=enterprise,
                kind=form.cleaned_data["kind"],
            ).first()
            if instance is not None:
                form = IncentiveImportForm(data=values, instance=instance)
        if enterprise is not None:
            form.instance.enterprise = enterprise
        form.instance.audit = audit
        form.instance.policy = policy
        if not form.is_valid():
            problems.extend(form_problems(form))
        if problems:
            raise RowInvalid(problems)
        incentive = form.save(commit=False)
        incentive.stamp(self.user)
        incentive.save()
        return (UPDATED if instance else CREATED), str(incentive)


# Environmental investment ----------------------------------------------------------------


def _row_data(values: dict[str, str], instance, header: list[str]) -> dict:
    """The row as form data; on update, columns the file leaves out keep their stored values."""
    if instance is None:
        return values
    stored = forms.model_to_dict(instance, fields=[f for f in FIELDS if f not in header])
    return {**{k: ("" if v is None else v) for k, v in stored.items()}, **values}


class EnvironmentalInvestmentImporter(Importer):
    """docs/formats/environmental-investment.md: one row per project of an enterprise and
    year; (enterprise_code, year, project) identifies it, an existing one is updated."""

    kind = "environmental-investment"
    label = gettext_lazy("environmental investment")
    permissions = (
        "programme.add_environmentalinvestment",
        "programme.change_environmentalinvestment",
    )
    columns = {
        "enterprise_code": True,
        "year": True,
        "project": True,
        "category": True,
        "amount_10k_yuan": True,
        "source": True,
        "status": False,
        "note": False,
    }

    def cell_fields(self) -> dict[str, forms.Field]:
        return dict(InvestmentRowForm.base_fields)

    def prepare(self, rows: Iterable[dict[str, str]]) -> None:
        codes = {values.get("enterprise_code", "").strip() for values in rows} - {""}
        self.enterprises = Enterprise.objects.in_bulk(codes, field_name="code") if codes else {}
        stored = EnvironmentalInvestment.objects.filter(enterprise__in=self.enterprises.values())
        if self.user is not None:
            stored = stored.for_user(self.user)
        self.existing = {
            (row.enterprise_id, row.year, row.project.casefold()): row
            for row in stored.select_related("enterprise")
        }
        self.seen: dict[tuple, int] = {}

    def import_row(self, number: int, values: dict[str, str]) -> tuple[str, str]:
        code = values.get("enterprise_code", "").strip()
        enterprise = self.enterprises.get(code)
        problems = []
        if enterprise is None:
            problems.append(
                ("enterprise_code", _("no enterprise with code “%(code)s”") % {"code": code})
            )
        year = values.get("year", "").strip()
        project = " ".join(values.get("project", "").split())
        key = (enterprise.pk if enterprise else code, year, project.casefold())
        if key in self.seen:
            problems.append(
                (
                    "project",
                    _("duplicate of row %(row)s in this file") % {"row": self.seen[key]},
                )
            )
        self.seen.setdefault(key, number)
        instance = None
        if enterprise is not None and year.isdigit():
            instance = self.existing.get((enterprise.pk, int(year), project.casefold()))
        if instance is None and not values.get("status", "").strip():
            values = {**values, "status": InvestmentStatus.COMPLETED}
        form = InvestmentRowForm(
            data=_row_data(values, instance, self.header),
            instance=instance or EnvironmentalInvestment(enterprise=enterprise),
        )
        if not form.is_valid():
            problems.extend(form_problems(form))
        if problems:
            raise RowInvalid(problems)
        investment = form.save(commit=False)
        investment.stamp(self.user)
        investment.save()
        return (UPDATED if instance else CREATED), str(investment)


# The columns of its formats, as a person knows them (registry.import_columns); the
# importers, registered by the app's ready() (registry.importers).
COLUMNS = (
    Column("id", gettext_lazy("number")),
    Column("kind", gettext_lazy("kind")),
    Column("held_on", gettext_lazy("held on")),
    Column("hours", gettext_lazy("hours")),
    Column("place", gettext_lazy("place")),
    Column("organiser", gettext_lazy("organiser")),
    Column("audience", gettext_lazy("audience")),
    Column("participants", gettext_lazy("participants")),
    Column("other_participants", gettext_lazy("other participants")),
    Column("policy_number", gettext_lazy("policy number")),
    Column("granted_on", gettext_lazy("granted on")),
    Column("amount_10k_yuan", gettext_lazy("amount (10k yuan)")),
    Column("body", gettext_lazy("body")),
    Column("person_name", gettext_lazy("person's name")),
    Column("username", gettext_lazy("user name")),
    Column("role", gettext_lazy("role")),
    Column("position", gettext_lazy("post")),
    Column("department", gettext_lazy("department")),
    Column("term_start", gettext_lazy("term start")),
    Column("term_end", gettext_lazy("term end")),
    Column("meeting_date", gettext_lazy("meeting date")),
    Column("decision", gettext_lazy("decision")),
    Column("decision_number", gettext_lazy("decision number")),
    Column("text", gettext_lazy("task")),
    Column("due_date", gettext_lazy("due date")),
    Column("done_date", gettext_lazy("done on")),
    Column("note", gettext_lazy("note")),
    Column("notes", gettext_lazy("notes")),
    Column("project", gettext_lazy("project")),
    Column("category", gettext_lazy("category")),
    Column("source", gettext_lazy("source of funds")),
)
IMPORTERS = (
    TrainingImporter,
    IncentiveImporter,
    EnvironmentalInvestmentImporter,
    importers_organisation.MemberImporter,
    importers_organisation.TaskImporter,
)
# Their documents (docs/formats/), served as pages (registry.format_documents).
DOCUMENTS = (
    Document("environmental-investment", 60),
    Document("training", 70),
    Document("incentives", 80),
    Document("members", 100),
    Document("tasks", 110),
)
