"""The registry: every extension point of the house, as the named stores of one object.

`benxi_cp` is the ground floor: it knows no app. Each app says what it brings (its
importers, navigation entries, work queues, guards, ...) by registering entries in these
stores, and in one way only: from its `AppConfig.ready()`, which Django calls once per app,
in the order of INSTALLED_APPS, after every model is loaded. The house reads the stores when
it serves a page or runs a command. `docs/development/extension-points.md` says what each
store is for, what its entries are, and shows an example.

    from benxi_cp.registry import registry

    class MyAppConfig(AppConfig):
        def ready(self) -> None:
            from myapp import navigation

            registry.navigation.register(*navigation.ITEMS)

A store keeps its entries by key (an importer by its kind, a navigation entry by its URL
name, ...). Registering the same entry again does nothing; another entry under a key already
taken is refused (`AlreadyRegistered`), so two apps cannot silently replace each other's.
Tests change a store for a while with `store.override(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class AlreadyRegistered(ImproperlyConfigured, ValueError):
    """Another entry holds this key in the store already."""


def _itself(entry: Any) -> Hashable:
    return entry


class Store(Generic[T]):
    """The entries of one extension point, by key, in the order they were registered (or,
    with `sort`, ordered by it; entries of equal rank keep the order of registration)."""

    def __init__(
        self,
        name: str,
        purpose: str,
        *,
        key: Callable[[T], Hashable] = _itself,
        sort: Callable[[T], Any] | None = None,
    ) -> None:
        self.name = name
        self.purpose = purpose
        self._key = key
        self._sort = sort
        self._entries: dict[Hashable, T] = {}

    def __repr__(self) -> str:
        return f"<Store {self.name}: {len(self._entries)} entries>"

    def register(self, *entries: T) -> T | None:
        """Add entries; returns the last one, so that a function or class may be registered
        where it is passed along."""
        for entry in entries:
            key = self._key(entry)
            held = self._entries.get(key, entry)
            if held is not entry:
                raise AlreadyRegistered(
                    f"{self.name}: {key!r} is registered already ({held!r}); not {entry!r}"
                )
            self._entries[key] = entry
        return entries[-1] if entries else None

    def __iter__(self) -> Iterator[T]:
        entries = list(self._entries.values())
        if self._sort is not None:
            entries.sort(key=self._sort)
        return iter(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __getitem__(self, key: Hashable) -> T:
        return self._entries[key]

    def get(self, key: Hashable, default: T | None = None) -> T | None:
        return self._entries.get(key, default)

    def keys(self) -> list[Hashable]:
        return [self._key(entry) for entry in self]

    @contextmanager
    def override(self, *entries: T, empty: bool = False) -> Iterator[Store[T]]:
        """For tests: the store with `entries` added (to nothing, when `empty`), until the
        block ends; then as it was."""
        saved = self._entries
        self._entries = {} if empty else dict(saved)
        try:
            self.register(*entries)
            yield self
        finally:
            self._entries = saved


def _attribute(name: str) -> Callable[[Any], Any]:
    return lambda entry: getattr(entry, name)


class Registry:
    """The stores, each named for the extension point it serves; one object, `registry`.

    The type of each store's entries lives beside the code that reads them (named below);
    this class only holds them."""

    def __init__(self) -> None:
        """Long: one declaration per store, each with what it is for; read best as one list."""
        self.navigation: Store = Store(
            "navigation",
            "Entries of the top navigation and the user menu (benxi_cp.navigation.NavItem).",
            key=_attribute("url_name"),
            sort=_attribute("order"),
        )
        self.landing_pages: Store = Store(
            "landing_pages",
            "The page a role sees at '/' instead of its work queues "
            "(benxi_cp.navigation.LandingPage).",
            key=_attribute("role"),
        )
        self.home_links: Store = Store(
            "home_links",
            "Links offered above the work queues of the home page (benxi_cp.navigation.HomeLink).",
            key=_attribute("url_name"),
            sort=_attribute("order"),
        )
        self.worklist: Store = Store(
            "worklist",
            "Work queues of the home page and the reminder e-mails (benxi_cp.worklist.Queue).",
            key=_attribute("key"),
            sort=_attribute("order"),
        )
        self.search: Store = Store(
            "search",
            "Kinds of record the search box finds (benxi_cp.search.Source).",
            key=_attribute("key"),
            sort=_attribute("order"),
        )
        self.glossary: Store = Store(
            "glossary",
            "Sections of the help page (benxi_cp.glossary.Section).",
            key=_attribute("anchor"),
            sort=_attribute("order"),
        )
        self.panels: Store = Store(
            "panels",
            "Panels an app adds to another app's page, by the page's name (benxi_cp.panels.Panel).",
            key=lambda panel: (panel.page, panel.function),
            sort=_attribute("order"),
        )
        self.importers: Store = Store(
            "importers",
            "File importers, on the web and in `manage.py import_data` "
            "(subclasses of benxi_cp.importers.Importer).",
            key=_attribute("kind"),
        )
        self.import_columns: Store = Store(
            "import_columns",
            "What a column of an import file means, by its header, for error messages "
            "(benxi_cp.importers.Column): the header, or `kind:header` for one importer's own.",
            key=_attribute("key"),
        )
        self.format_documents: Store = Store(
            "format_documents",
            "Documents of docs/formats/ served as pages, by file name without '.md' "
            "(benxi_cp.formats.Document).",
            key=_attribute("name"),
            sort=_attribute("order"),
        )
        self.data_scopes: Store = Store(
            "data_scopes",
            "The scopes of cached figures an app's tables change (benxi_cp.datacache.DataScopes).",
            key=_attribute("app_label"),
        )
        self.guards: Store = Store(
            "guards",
            "Database triggers that lock records below every write path (benxi_cp.guards.Guard).",
            key=_attribute("name"),
        )
        self.refusals: Store = Store(
            "refusals",
            "Recognisers of a guard's refusal, turning the database's error into the message "
            "users read (benxi_cp.refusals.Recogniser).",
        )
        self.computations: Store = Store(
            "computations",
            "Named yearly values computed from the records, which a record may name (an "
            "indicator's actual values); each entry has `name`, `label`, `unit` and is called "
            "with a year.",
            key=_attribute("name"),
        )
        self.reliability_sources: Store = Store(
            "reliability_sources",
            "Figures from other records that the discharge reports' reliability checks compare "
            "an annual report with, such as what its enterprise may discharge (a Source, "
            "defined beside the checks).",
            key=_attribute("name"),
        )
        self.job_kinds: Store = Store(
            "job_kinds",
            "Kinds of background job: their work, stages, rights and pages "
            "(benxi_cp.jobs.JobKind).",
            key=_attribute("name"),
        )
        self.enterprise_scopes: Store = Store(
            "enterprise_scopes",
            "How each model's rows belong to an enterprise, for what enterprise users see "
            "(benxi_cp.scoping.EnterpriseScope).",
            key=_attribute("model"),
        )
        self.enterprise_access: Store = Store(
            "enterprise_access",
            "Who is an enterprise user and for which enterprises (benxi_cp.scoping."
            "EnterpriseAccess); one entry.",
            key=_attribute("name"),
        )
        self.demo: Store = Store(
            "demo",
            "Loaders of the demonstration city, run by `manage.py load_demo` in the order "
            "of INSTALLED_APPS (benxi_cp.demo.Demo).",
            key=_attribute("app_label"),
        )

    def stores(self) -> list[Store]:
        return [value for value in vars(self).values() if isinstance(value, Store)]


registry = Registry()
