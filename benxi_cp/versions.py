"""No lost updates: edit forms carry the version of the record they were read at.

A form of a `VersionedModel` holds the record's version in a hidden field. Saving it asks
the database to move the row from that version to the next (`VersionedModel.save`: a
compare-and-swap in the save's transaction); when someone else saved the record in the
meantime, nothing is written and the form comes back with the user's entries, the values
now stored beside them, field by field, who stored them and when (from the record's
history), and the hidden version moved to the stored one, so that saving again, after a
look at the differences, replaces the stored values on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benxi_cp.models import EditConflict

VERSION_FIELD = "version"
UNKNOWN = object()  # a value at the version read that the history does not give


class VersionedFormMixin:
    """A model form that carries, hidden, the version of the record it shows (0 for a new
    one), and makes its save refuse a record that moved on since (EditConflict).

    A post without the field (an older client) saves unchecked, as before."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=0
        )
        self.initial[VERSION_FIELD] = self.instance.version if self.instance.pk else 0

    # Crispy forms render only the layout's fields: the hidden version goes along with any
    # helper the form sets up.
    @property
    def helper(self):
        return self.__dict__.get("_crispy_helper")

    @helper.setter
    def helper(self, value) -> None:
        if value is not None:
            value.render_hidden_fields = True
        self.__dict__["_crispy_helper"] = value

    @property
    def read_version(self) -> int | None:
        if not self.is_bound:
            return None
        return getattr(self, "cleaned_data", {}).get(VERSION_FIELD)

    def save(self, commit: bool = True):
        self.instance.expect_version(self.read_version)
        return super().save(commit)


@dataclass
class Difference:
    label: str
    yours: str
    stored: str
    changed_by: object = None
    changed_on: datetime | None = None
    changed_since_read: bool | None = None
    # The user left this field as read and someone else changed it: the re-shown form now
    # holds the stored value, so that saving again does not undo the other's change.
    taken: bool = False


@dataclass
class Conflict:
    """How the stored record differs from a refused form."""

    title: str
    version: int
    changed_by: object = None
    changed_on: datetime | None = None
    rows: list[Difference] = field(default_factory=list)
    deleted: bool = False
    taken: list[str] = field(default_factory=list)  # names of the fields taken as stored


def refuse(form, conflict: EditConflict, *, row: bool = False) -> Conflict:
    """Turn `conflict` into the form's error and its list of differences (`form.conflicts`),
    keep the user's entries, and move the hidden version to the stored one. A `row` of a
    grid gets a short error: the page says the rest once (refused_rows_message)."""
    instance = conflict.instance
    stored = type(instance)._base_manager.filter(pk=instance.pk).first() if instance.pk else None
    if stored is None:
        result = Conflict(title=str(instance), version=0, deleted=True)
        form.add_error(
            None,
            _("Deleted by someone else meanwhile.")
            if row
            else _(
                "Someone else deleted this record after you opened it; nothing was saved. "
                "Your entries are still in the form."
            ),
        )
    else:
        result = describe(form, stored, conflict.read_version)
        form.add_error(
            None,
            _("Saved by someone else meanwhile: see the differences above.")
            if row
            else _(
                "Someone else saved this record after you opened it; nothing of yours was "
                "saved. Your entries are still in the form, and what you left alone now shows "
                "the stored value: compare them, then save again to store your entries."
            ),
        )
        move_version(form, stored.version, take_from=stored, fields=result.taken)
    form.conflicts = [result]
    return result


def move_version(form, version: int, take_from=None, fields: list[str] = ()) -> None:
    """Let the re-shown form carry the stored version (the user has now seen it), and the
    stored values of `fields`, which the user had left as read."""
    data = form.data.copy()
    data[form.add_prefix(VERSION_FIELD)] = str(version)
    for name in fields:
        key = form.add_prefix(name)
        model_field = take_from._meta.get_field(name)
        value = form.fields[name].prepare_value(model_field.value_from_object(take_from))
        if isinstance(form.fields[name].widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        else:
            data[key] = "" if value is None else str(value)
    form.data = data


def describe(form, stored: models.Model, read_version: int) -> Conflict:
    """The fields of `form` whose entry differs from the stored value, or whose stored value
    changed since `read_version`, with who changed each and when where the history says."""
    snapshot, later = _history(stored, read_version)
    last_by, last_on = _last_change(stored, later)
    result = Conflict(
        title=str(stored), version=stored.version, changed_by=last_by, changed_on=last_on
    )
    cleaned = getattr(form, "cleaned_data", {})
    for name, form_field in form.fields.items():
        if name == VERSION_FIELD or name not in cleaned:
            continue
        try:
            model_field = stored._meta.get_field(name)
        except FieldDoesNotExist:
            extra = _form_only(form, name, form_field, cleaned[name], result)
            if extra is not None:
                result.rows.append(extra)
            continue
        if isinstance(model_field, ForeignObjectRel):  # a form field named as a reverse relation
            continue
        if model_field.many_to_many:
            yours_key = {obj.pk for obj in cleaned[name] or []}
            stored_objects = list(getattr(stored, name).all())
            stored_key = {obj.pk for obj in stored_objects}
            yours_text = ", ".join(sorted(str(obj) for obj in cleaned[name] or [])) or "—"
            stored_text = ", ".join(sorted(str(obj) for obj in stored_objects)) or "—"
            then_key = UNKNOWN  # the history keeps no many-to-many fields
        else:
            yours = cleaned[name]
            yours_key = _key(yours.pk if isinstance(yours, models.Model) else yours)
            stored_key = _key(getattr(stored, model_field.attname))
            yours_text = _shown(model_field, yours)
            stored_text = _shown(model_field, getattr(stored, name))
            then_key = _key(getattr(snapshot, model_field.attname, None)) if snapshot else UNKNOWN
        # None: unknown (no history of the version read, or a many-to-many field).
        since_read = None if then_key is UNKNOWN else then_key != stored_key
        if yours_key == stored_key and not since_read:
            continue
        taken = bool(since_read) and then_key == yours_key and not model_field.many_to_many
        if taken:
            result.taken.append(name)
        if since_read:
            by, on = _field_change(model_field, snapshot, later)
        elif since_read is None:  # unknown: the record's last save says who, at least
            by, on = last_by, last_on
        else:
            by, on = None, None
        result.rows.append(
            Difference(
                label=str(form_field.label or model_field.verbose_name),
                yours=yours_text,
                stored=stored_text,
                changed_by=by,
                changed_on=on,
                changed_since_read=since_read,
                taken=taken,
            )
        )
    return result


def _form_only(form, name: str, form_field, yours, result: Conflict) -> Difference | None:
    """A field of the form that is not the model's (an option's reductions): its value as
    the form gives it for the record as loaded for this save, beside the user's."""
    if isinstance(form_field, forms.FileField):
        return None
    stored = form.get_initial_for_field(form_field, name)
    if not isinstance(stored, (str, int, Decimal, type(None))) or _key(yours) == _key(stored):
        return None
    return Difference(
        label=str(form_field.label or name),
        yours=_shown(None, yours),
        stored=_shown(None, stored),
        changed_by=result.changed_by,
        changed_on=result.changed_on,
    )


def _history(stored: models.Model, read_version: int):
    """The history record of the version the form read, and the records after it."""
    history = getattr(stored, "history", None)
    if history is None or not read_version:
        return None, []
    records = list(
        history.filter(version__gte=read_version)
        .select_related("history_user")
        .order_by("version", "history_date", "history_id")
    )
    snapshot = None
    later = []
    for record in records:
        if record.version == read_version:
            snapshot = record
        else:
            later.append(record)
    return snapshot, later


def _last_change(stored: models.Model, later: list):
    if later:
        return later[-1].history_user, later[-1].history_date
    return getattr(stored, "updated_by", None), getattr(stored, "updated", None)


def _field_change(model_field, snapshot, later: list):
    """Who last changed this field after the snapshot, and when."""
    previous, by, on = snapshot, None, None
    for record in later:
        if _key(getattr(record, model_field.attname)) != _key(
            getattr(previous, model_field.attname)
        ):
            by, on = record.history_user, record.history_date
        previous = record
    return by, on


def _key(value):
    """A comparable form of a value: empty text is no value, 1.50 is 1.5."""
    if value == "" or value is None:
        return None
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return Decimal(str(value)).normalize()
    return value


def _shown(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "Y-m-d H:i")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def refused_rows_message() -> str:
    return _(
        "Someone else saved rows of this table after you opened it; nothing of yours was "
        "saved. Your entries are still in the table, and what you left alone in those rows "
        "now shows the stored value: compare them, then save again to store your entries."
    )


def refuse_stale_rows(formset) -> list[Conflict]:
    """In the saving transaction, before a model formset saves: refuse every row the user
    changed or deletes whose record moved on since it was read (with its differences on
    `formset.conflicts`). The rows' own saves check again, atomically."""
    rows = [
        form
        for form in formset.initial_forms
        if form.instance.pk is not None
        and form.read_version is not None
        and (form.has_changed() or (formset.can_delete and formset._should_delete_form(form)))
    ]
    if not rows:
        formset.conflicts = []
        return []
    current = dict(
        formset.model._base_manager.select_for_update()
        .filter(pk__in=[form.instance.pk for form in rows])
        .values_list("pk", VERSION_FIELD)
    )
    conflicts = [
        refuse(form, EditConflict(form.instance, form.read_version), row=True)
        for form in rows
        if current.get(form.instance.pk) != form.read_version
    ]
    formset.conflicts = conflicts
    return conflicts


def refuse_in_formset(formset, conflict: EditConflict) -> None:
    """A row's own save found its record moved on (after refuse_stale_rows' look)."""
    for form in formset.forms:
        if form.instance is conflict.instance:
            formset.conflicts = [
                *getattr(formset, "conflicts", []),
                refuse(form, conflict, row=True),
            ]
            return
    formset.conflicts = [*getattr(formset, "conflicts", [])]
