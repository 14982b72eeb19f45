"""Multi-row INSERTs of plain tuples, with their simple-history rows, for bulk writers.

`QuerySet.bulk_create` builds a model instance per row and prepares every field of every
instance for the database: about 30 µs a row, which is most of an import's time once the
rows are checked (docs/benchmarks.md). The importers already hold each row's values as
plain Python (int, str, Decimal, None, datetimes): these helpers write them as they are, in
statements of a few thousand rows, converting only the column types the drivers do not take
natively (datetimes, JSON). Model `save()`, signals and `auto_now` do not run: the caller
fills every column (`created`, `updated`…) itself, as for `bulk_create`.
"""

import datetime
import io
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from operator import itemgetter

from django.conf import settings
from django.db import connections, models, router

ROWS_PER_STATEMENT = 2000  # SQLite is held to its limit on parameters


def _adapters(model, columns: Sequence[str], connection) -> list:
    """For each column, a function making a value fit for the driver, or None."""
    adapters = []
    for name in columns:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(field, models.JSONField):
            adapters.append(lambda value, field=field: field.get_db_prep_save(value, connection))
        else:
            adapters.append(None)
    return adapters


def insert_rows(
    model,
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    constants: Mapping[str, object] | None = None,
    returning: bool = False,
) -> list:
    """INSERT `rows` (tuples in the order of `columns`, field attnames) into `model`'s table.

    `constants` gives columns that hold the same value on every row. With `returning`,
    gives the new primary keys in the order of `rows`. On PostgreSQL the rows go in by
    COPY (the keys drawn from the table's sequence first); elsewhere as multi-row INSERTs.
    """
    if not rows:
        return []
    connection = connections[router.db_for_write(model)]
    constants = dict(constants or {})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy_expert"):
            return _copy(connection, cursor, model, columns, rows, constants, returning)
        return _insert(connection, cursor, model, columns, rows, constants, returning)


def _insert(connection, cursor, model, columns, rows, constants, returning) -> list:
    adapters = _adapters(model, [*columns, *constants], connection)
    fixed = tuple(constants.values())
    width = len(columns) + len(fixed)
    if any(adapters):
        rows = [
            tuple(
                value if adapt is None or value is None else adapt(value)
                for value, adapt in zip((*row, *fixed), adapters, strict=True)
            )
            for row in rows
        ]
    else:
        rows = [(*row, *fixed) for row in rows]
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(
        ops.quote_name(model._meta.get_field(name).column) for name in [*columns, *constants]
    )
    suffix = f" RETURNING {ops.quote_name(model._meta.pk.column)}" if returning else ""
    size = ROWS_PER_STATEMENT
    if connection.features.max_query_params:
        size = max(1, min(size, connection.features.max_query_params // width))
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    keys = []
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        values = ", ".join([placeholder] * len(batch))
        cursor.execute(
            f"INSERT INTO {table} ({names}) VALUES {values}{suffix}",
            [value for row in batch for value in row],
        )
        if returning:
            keys.extend(key for (key,) in cursor.fetchall())
    return keys


# COPY's text format: a tab between columns, \N for NULL, backslash escapes in text.
NULL = "\\N"
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return NULL
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)  # int, Decimal


def _copy_column(field, values: Sequence) -> list[str]:
    """One column's values as COPY text, converted a column at a time (the common types in
    one pass of `str` or `str.translate`, the rest value by value)."""
    if isinstance(field, models.JSONField):
        # One encoder for the column, as JSONField's json.dumps(value, cls=encoder) encodes
        # (json.dumps with any argument builds a new encoder at every call).
        encode = (field.encoder or json.JSONEncoder)().encode
        return [
            NULL if value is None else encode(value).translate(_COPY_ESCAPES) for value in values
        ]
    types = set(map(type, values))
    if types <= {int, Decimal}:
        return list(map(str, values))
    if types <= {int, Decimal, type(None)}:
        return [NULL if value is None else str(value) for value in values]
    if types <= {str}:
        if _NEEDS_ESCAPE.search("".join(values)) is None:  # codes, labels: most text
            return list(values)
        return [value.translate(_COPY_ESCAPES) for value in values]
    return list(map(_copy_text, values))


def _copy(connection, cursor, model, columns, rows, constants, returning) -> list:
    ops = connection.ops
    pk = model._meta.pk
    keys = []
    if returning:
        # The new rows' keys from the table's own sequence, so that COPY can write them.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [ops.quote_name(model._meta.db_table), pk.column, len(rows)],
        )
        keys = [key for (key,) in cursor.fetchall()]
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"every row must have the {len(columns)} columns {list(columns)}")
    fields = [model._meta.get_field(name) for name in [*columns, *constants]]
    texts = [
        _copy_column(fields[index], column) for index, column in enumerate(zip(*rows, strict=True))
    ]
    for field, value in zip(fields[len(columns) :], constants.values(), strict=True):
        texts.append([_copy_column(field, [value])[0]] * len(rows))
    if returning:
        fields.insert(0, pk)
        texts.insert(0, list(map(str, keys)))
    buffer = io.StringIO()
    buffer.writelines(line + "\n" for line in map("\t".join, zip(*texts, strict=True)))
    buffer.seek(0)
    table = ops.quote_name(model._meta.db_table)
    quoted = ", ".join(ops.quote_name(field.column) for field in fields)
    with connection.wrap_database_errors:  # Django's exceptions, as for any other query
        cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
    return keys


def history_enabled() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def tracked_columns(model) -> list[str]:
    """The columns of `model` its simple-history table copies (attnames, primary key first)."""
    history = model.history.model
    return [field.attname for field in history.tracked_fields]


def insert_history(
    model, columns: Sequence[str], rows: Sequence[tuple], *, history_type: str, user, date
) -> None:
    """One simple-history row per row of `model` (as `bulk_history_create` writes them).

    `columns` must hold every tracked column of `model` (see `tracked_columns`), the primary
    key included; `user` is the author (or None), `date` the history date.
    """
    if not rows or not history_enabled():
        return
    wanted = tracked_columns(model)
    position = {name: index for index, name in enumerate(columns)}
    missing = [name for name in wanted if name not in position]
    if missing:
        raise ValueError(f"history of {model.__name__} needs {missing}")
    pick = itemgetter(*[position[name] for name in wanted])  # ≥ 2 columns: gives tuples
    insert_rows(
        model.history.model,
        wanted,
        list(map(pick, rows)),
        constants={
            "history_date": date,
            "history_change_reason": None,
            "history_type": history_type,
            "history_user_id": user.pk if user is not None else None,
        },
    )
