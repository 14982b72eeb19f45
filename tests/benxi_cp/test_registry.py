"""The registry's stores: keyed, ordered, refusing a second entry under a taken key."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from benxi_cp.registry import AlreadyRegistered, Registry, Store, registry


@dataclass(frozen=True)
class Entry:
    key: str
    order: int = 100


def store() -> Store:
    return Store("things", "for the tests", key=lambda e: e.key, sort=lambda e: e.order)


def test_entries_come_by_their_order_then_as_registered():
    things = store()
    late, first, second = Entry("late", 200), Entry("first"), Entry("second")
    assert things.register(late, first) is first
    things.register(second)
    assert list(things) == [first, second, late]
    assert things.keys() == ["first", "second", "late"]
    assert len(things) == 3 and "late" in things and "other" not in things
    assert things["second"] is second and things.get("other") is None


def test_registering_the_same_entry_again_changes_nothing():
    things = store()
    entry = Entry("a")
    things.register(entry)
    things.register(entry)
    assert list(things) == [entry]


def test_another_entry_under_a_taken_key_is_refused():
    things = store()
    things.register(Entry("a"))
    with pytest.raises(AlreadyRegistered, match="things: 'a' is registered already"):
        things.register(Entry("a", order=5))
    assert isinstance(AlreadyRegistered("x"), ValueError)


def test_without_a_key_an_entry_is_its_own_key():
    names = Store("names", "for the tests")
    names.register("b", "a", "b")
    assert list(names) == ["b", "a"]


def test_override_adds_for_a_while_then_restores():
    things = store()
    kept = Entry("kept")
    things.register(kept)
    extra = Entry("extra", order=1)
    with things.override(extra) as overridden:
        assert list(overridden) == [extra, kept]
    assert list(things) == [kept]
    with things.override(extra, empty=True):
        assert list(things) == [extra]
        things.register(Entry("more"))
    assert list(things) == [kept]


def test_every_store_is_named_and_says_what_it_is_for():
    stores = Registry().stores()
    assert len({s.name for s in stores}) == len(stores) >= 10
    assert all(s.purpose for s in stores)
    assert registry.navigation in registry.stores()


def test_every_store_is_described_on_the_extension_points_page():
    page = (Path(__file__).resolve().parents[2] / "docs/development/extension-points.md").read_text(
        encoding="utf-8"
    )
    undescribed = [s.name for s in registry.stores() if f"| `{s.name}` |" not in page]
    assert undescribed == []


def test_the_apps_fill_every_store_at_start_up():
    assert [s.name for s in registry.stores() if len(s) == 0] == []


def module_level_registrations() -> list[str]:
    """Calls of `registry.<store>.register(...)` outside any function: a registry filled
    on import, not from `ready()`."""
    import ast

    root = Path(__file__).resolve().parents[2]
    found = []
    for package in (
        "benxi_cp",
        "enterprises",
        "audits",
        "targets",
        "reports",
        "programme",
        "permits",
        "api",
        "portal",
    ):
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for statement in tree.body:
                for node in ast.walk(statement):
                    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                        break
                    if (
                        isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "register"
                        and "registry." in ast.unparse(node.func)
                    ):
                        found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_the_apps_fill_the_registry_from_ready_only():
    assert module_level_registrations() == []
