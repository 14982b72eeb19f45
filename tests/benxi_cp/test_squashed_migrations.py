"""Each app's squashed migration (a fresh database's) against the chain it replaces (a deployed
database's): the same models in the end, and every data or SQL step of the chain run by the
squash, in the chain's order. The database each makes was compared once, by hand (schema and
rows, SQLite and PostgreSQL): migrating the old chain in a test would cost what the squash
saves."""

from importlib import import_module

from django.db import migrations
from django.db.migrations.loader import MigrationLoader

# The steps a squash leaves out, and why: benxi_cp 0008 copies the rows of the two old job
# tables into the new one; a fresh database never has the old tables.
LEFT_OUT = {("benxi_cp", "0008_jobs_in_one_table", 1)}


def squashes(loader):
    return {
        key: migration for key, migration in loader.disk_migrations.items() if migration.replaces
    }


def test_each_squash_replaces_its_chain_from_the_first_migration():
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    squashed = squashes(loader)
    assert {key[0] for key in squashed} == {
        "benxi_cp", "enterprises", "targets", "audits", "reports", "programme", "permits", "portal"
    }  # fmt: skip
    for key, migration in squashed.items():
        chain = [
            node for node in loader.graph.forwards_plan(migration.replaces[-1]) if node[0] == key[0]
        ]
        assert migration.replaces == chain, key


def test_the_squashes_end_in_the_state_of_the_chains_they_replace():
    old = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    squashed = squashes(old)
    chains_ends = [migration.replaces[-1] for migration in squashed.values()]
    before = old.project_state(chains_ends, at_end=True)
    new = MigrationLoader(None, ignore_no_migrations=True)
    assert not set(chains_ends) & set(new.graph.nodes)  # the squashes are used
    after = new.project_state(list(squashed), at_end=True)  # not the migrations after them
    apps = {app for app, _ in chains_ends}
    models = {key for key in before.models if key[0] in apps}
    assert len(models) > 80
    assert models == {key for key in after.models if key[0] in apps}
    for key in sorted(models):
        assert before.models[key] == after.models[key], key
        assert before.models[key].options == after.models[key].options, key


def test_each_squash_runs_the_data_and_sql_steps_of_its_chain_in_order():
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    for key, migration in squashes(loader).items():
        app = key[0]
        chain_steps = [
            (name, index)
            for _, name in migration.replaces
            for index, operation in enumerate(loader.disk_migrations[app, name].operations)
            if isinstance(operation, migrations.RunPython) and (app, name, index) not in LEFT_OUT
        ]
        module = import_module(migration.__module__)
        assert chain_steps == module.REPLACED_STEPS, key
        run_python = [op for op in migration.operations if isinstance(op, migrations.RunPython)]
        assert run_python[-1] is migration.operations[-1]
        assert (run_python[0].code, run_python[0].reverse_code) == (
            module.replaced_steps,
            module.replaced_steps_reversed,
        )
        assert [op.code for op in module._steps()] == [
            loader.disk_migrations[app, name].operations[index].code for name, index in chain_steps
        ]
