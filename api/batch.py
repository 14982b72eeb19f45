"""A batch of discharge reports sent as JSON, through the discharge importer.

The batch is flattened into the importer's rows (docs/formats/discharge.md: one row per
enterprise, period and pollutant) and goes through the same checks, the same locking and
the same all-or-nothing transaction as a file (enterprises/importers.py); the ledger and the
reliability flags follow in that transaction. An existing draft, submitted or returned report
of the same enterprise and period gets the batch's values (sending a batch twice changes
nothing the second time); a verified one is refused. Errors come back as
`item N, field: message`, N the report's place in the batch, from 1.
"""

from dataclasses import dataclass

from rest_framework.settings import api_settings

from enterprises.importers import DischargeImporter
from enterprises.models import period_code

REPORT_COLUMNS = ("enterprise_code", "year", "period", "output_10k_yuan")
VALUE_COLUMNS = ("pollutant", "amount", "unit", "basis")


@dataclass(frozen=True)
class BatchError:
    item: int | None
    field: str
    message: str

    @property
    def text(self) -> str:
        if self.item is None:
            return f"{self.field}: {self.message}" if self.field else self.message
        if self.field:
            return f"item {self.item}, {self.field}: {self.message}"
        return f"item {self.item}: {self.message}"

    def as_dict(self) -> dict:
        return {"item": self.item, "field": self.field, "message": self.message, "text": self.text}


def _cell(value) -> str:
    return "" if value is None else str(value)


def rows_of(reports: list[dict]) -> tuple[list[tuple[int, dict[str, str]]], dict[int, tuple]]:
    """The importer's rows, numbered from 1, and for each number (item, value) from 1."""
    rows, places = [], {}
    for item, report in enumerate(reports, start=1):
        header = {column: _cell(report.get(column)) for column in REPORT_COLUMNS}
        for place, value in enumerate(report["values"], start=1):
            number = len(rows) + 1
            row = dict(header)
            row.update((column, _cell(value.get(column))) for column in VALUE_COLUMNS)
            rows.append((number, row))
            places[number] = (item, place)
    return rows, places


def submit_batch(reports: list[dict], user, dry_run: bool = False) -> tuple[bool, dict]:
    """(accepted, body): the batch written in one transaction, or every error and nothing
    written."""
    rows, places = rows_of(reports)
    importer = DischargeImporter(user=user)
    result = importer.run_rows(rows, dry_run=dry_run)
    if result.errors:
        errors: list[BatchError] = []
        for issue in result.errors:
            item, place = places.get(issue.row, (None, None))
            field = issue.column
            if item is not None and field and field not in REPORT_COLUMNS:
                field = f"values[{place}].{field}"
            error = BatchError(item, field, issue.message)
            if error not in errors:  # a report's header is checked once per value
                errors.append(error)
        return False, {"errors": [error.as_dict() for error in errors]}
    # The reports in the batch's order: by the first row (value) of each.
    first_row: dict[tuple, int] = {}
    for (key, _pollutant), number in importer.seen.items():
        first_row[key] = min(number, first_row.get(key, number))
    written = [importer.reports[key] for key in sorted(importer.touched, key=first_row.get)]
    return True, {
        "dry_run": dry_run,
        "created": result.created,
        "updated": result.updated,
        "reports": [
            {
                "id": None if dry_run else report.pk,
                "enterprise_code": report.enterprise.code,
                "year": report.year,
                "period": period_code(report.period_kind, report.period_number),
                "status": report.status,
            }
            for report in written
        ],
    }


def serializer_errors(detail) -> list[dict]:
    """DRF's nested errors of the batch's shape as the same `item N, field: message` list.
    DRF keys the errors of a list's members by their index (from 0), or lists them."""
    errors: list[BatchError] = []

    def members(node) -> list[tuple[int, object]] | None:
        if isinstance(node, dict) and node and all(isinstance(k, int) for k in node):
            return sorted(node.items())
        if isinstance(node, list) and not all(isinstance(child, str) for child in node):
            return list(enumerate(node))
        return None

    def walk(node, item, path):
        indexed = members(node)
        if indexed is not None:
            for index, child in indexed:
                walk(child, item, f"{path}[{index + 1}]")
        elif isinstance(node, dict):
            for key, child in node.items():
                if key == api_settings.NON_FIELD_ERRORS_KEY:
                    walk(child, item, path)
                else:
                    walk(child, item, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            errors.extend(BatchError(item, path, str(message)) for message in node)
        else:
            errors.append(BatchError(item, path, str(node)))

    for key, child in detail.items():
        reports = members(child) if key == "reports" else None
        if reports is not None:
            for index, report_errors in reports:
                walk(report_errors, index + 1, "")
        else:
            walk(child, None, key)
    return [error.as_dict() for error in errors]
