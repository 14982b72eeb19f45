"""Lists of names in the order a reader expects: Chinese names by their pinyin (汉语拼音, as
dictionaries and telephone books order them), Latin names alphabetically, case aside; one key
for either language, so that a list reads in order on Chinese and English pages alike.

Choice lists of records (departments, users, bodies) are ordered by the labels they show,
not by the codes behind them (`by_label`)."""

from django import forms
from django.forms.models import ModelChoiceIterator


def collation_key(text) -> tuple:
    """The key that sorts `text` among names: its syllables' pinyin (Latin text as it is),
    case-folded; the text itself breaks ties."""
    # Imported on first use: its phrase dictionary takes a second to load, which every
    # management command (an import, a reminder) paid at start for lists it never sorts. The
    # web application loads it at start (benxi_cp/wsgi.py), before its first request.
    from pypinyin import lazy_pinyin

    text = str(text)
    return (tuple(part.casefold() for part in lazy_pinyin(text)), text)


class LabelOrderIterator(ModelChoiceIterator):
    """A record field's choices in the order of their labels (the empty choice first), read
    once however often the widget goes over them (one query, as unsorted)."""

    def __iter__(self):
        if not hasattr(self, "_ordered"):
            choices = list(super().__iter__())
            empty = [choice for choice in choices if choice[0] == ""]
            rest = [choice for choice in choices if choice[0] != ""]
            self._ordered = empty + sorted(rest, key=lambda choice: collation_key(choice[1]))
        yield from self._ordered

    def __len__(self) -> int:
        return len(list(self))

    def __bool__(self) -> bool:
        return bool(list(self))


def by_label(field: forms.ModelChoiceField) -> forms.ModelChoiceField:
    """Make `field` (a record choice, single or multiple) offer its records by their labels."""
    field.iterator = LabelOrderIterator
    field.widget.choices = field.choices
    return field
