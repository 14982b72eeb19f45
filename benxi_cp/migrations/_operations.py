"""Operations of the squashed migrations (their name begins with "_": Django's migration loader
passes this module by)."""

from django.db import migrations
from django.db.migrations.state import ModelState


class CreateModels(migrations.operations.base.Operation):
    """Django's CreateModel, for each of `operations` in their order, with the migration state's
    models rendered again once for all of them.

    Adding one model to a rendered state renders again every model related to it, recursively:
    here every model (they all relate to the user and the enterprise, and simple-history doubles
    them). A squashed migration creating dozens of models paid that once a model: most of a
    fresh `migrate`'s time. The tables made, and the state reached, are CreateModel's."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, operations):
        if not all(type(operation) is migrations.CreateModel for operation in operations):
            raise TypeError("CreateModels takes CreateModel operations only")
        self.operations = list(operations)

    def deconstruct(self):
        return (self.__class__.__name__, [], {"operations": self.operations})

    def state_forwards(self, app_label, state):
        keys = []
        for operation in self.operations:
            key = (app_label, operation.name_lower)
            state.models[key] = ModelState(
                app_label,
                operation.name,
                list(operation.fields),
                dict(operation.options),
                tuple(operation.bases),
                list(operation.managers),
            )
            keys.append(key)
        if state._relations is not None:
            for key in keys:
                state.resolve_model_relations(key)
        # What ProjectState.add_model does for one model (delay=False: the related models
        # recursively), for all of them at once.
        state.reload_models(keys, delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return any(operation.references_model(name, app_label) for operation in self.operations)

    def describe(self):
        return "Create models " + ", ".join(operation.name for operation in self.operations)

    @property
    def migration_name_fragment(self):
        return "create_models"
