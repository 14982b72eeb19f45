"""The history of a record (django-simple-history), one page for every model that keeps one:
when, who, what was done, and each changed field's old and new value, labelled as the user
knows it (a choice by its label, a related record by its name).

An app mounts `HistoryView` for its models with `kinds` (the URL's kind → model) and, where
a record is found by another field than its pk, `lookup` (model → field). The view asks for
the model's `view` permission and finds the record through its manager's `for_user(user)`
where it has one, so a history shows no more than the record's own page. A page with more
to say (a discharge report's steps and reasons) builds its own entries and uses the same
template, `generic/history.html`.
"""

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from benxi_cp.views import ObjectDetailView

ACTIONS = {
    "+": pgettext_lazy("history", "created"),
    "~": pgettext_lazy("history", "changed"),
    "-": pgettext_lazy("history", "deleted"),
}
# Bookkeeping, not the record's data: never listed as a change.
HIDDEN_FIELDS = frozenset({"id", "version", "created", "updated", "created_by", "updated_by"})


def shown(record, field):
    """A field's value in a historical record, as a person reads it: a choice's label, a
    related record's name (its id, when it was deleted since); other values as they are
    (numbers and dates keep their type; the template formats them); "" for none."""
    if field.is_relation:
        related_id = getattr(record, field.attname)
        if related_id is None:
            return ""
        try:
            return str(getattr(record, field.name))
        except Exception:  # a related row deleted since: its id is what is left
            return str(related_id)
    value = getattr(record, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return "" if value is None else value


def entries(obj, hidden=HIDDEN_FIELDS) -> list[dict]:
    """The record's history, newest first: when, who, the action and what changed from what
    to what (an edit that changed only bookkeeping is left out)."""
    records = list(obj.history.select_related("history_user").order_by("history_id"))
    found, before = [], None
    for record in records:
        changes = []
        if before is not None:
            for change in record.diff_against(before).changes:
                if change.field in hidden:
                    continue
                field = obj._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": shown(before, field),
                        "new": shown(record, field),
                    }
                )
        if before is None or changes or record.history_type != "~":
            found.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "action": ACTIONS.get(record.history_type, record.history_type),
                    "changes": changes,
                }
            )
        before = record
    return list(reversed(found))


class HistoryView(ObjectDetailView):
    """The history page of a record of one of `kinds` (URL kwargs `kind` and `key`)."""

    template_name = "generic/history.html"
    kinds: dict[str, type[models.Model]] = {}
    lookup: dict[type[models.Model], str] = {}

    def dispatch(self, request, *args, **kwargs):
        self.model = self.kinds.get(kwargs["kind"])
        if self.model is None:
            raise Http404(kwargs["kind"])
        meta = self.model._meta
        self.permission_required = f"{meta.app_label}.view_{meta.model_name}"
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        manager = self.model._default_manager
        if hasattr(manager, "for_user"):
            return manager.for_user(self.request.user)
        return manager.all()

    def get_object(self, queryset=None):
        key = str(self.kwargs["key"])
        field = self.lookup.get(self.model)
        if field is None:
            if not key.isdigit():
                raise Http404(key)
            return get_object_or_404(self.get_queryset(), pk=int(key))
        return get_object_or_404(self.get_queryset(), **{field: key})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("History of %(object)s") % {"object": self.object},
            entries=entries(self.object),
            back_url=self.object.get_absolute_url(),
            **kwargs,
        )
