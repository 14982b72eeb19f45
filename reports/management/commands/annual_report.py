from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from benxi_cp.validators import FIRST_YEAR, LAST_YEAR, in_range
from reports import annual, output


class Command(BaseCommand):
    help = (
        "Produce an annual report form for a year, as of 31 December, from the records: "
        "programme (the programme summary; its CSV has the keys of "
        "docs/formats/programme-summary.md), audits, discharge, options, targets, training, "
        "compliance or fees (their CSV as docs/formats/compliance-summary.md states it). "
        "CSV goes to standard output unless --output is given; PDF and XLSX are written to "
        "--output, or to FORM-YEAR.pdf|xlsx in the current folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--form", required=True, choices=list(annual.FORMS))
        parser.add_argument("--format", dest="fmt", required=True, choices=output.FORMATS)
        parser.add_argument("--output", dest="output_path", type=Path, help="file to write")
        parser.add_argument(
            "--district",
            default="",
            help=(
                "a volume: only the enterprises of this district, as the register records it "
                f"({annual.NO_DISTRICT}: those without one); audits and discharge only"
            ),
        )
        parser.add_argument(
            "--sector", default="", help="a volume: only the enterprises of this sector (code)"
        )
        parser.add_argument(
            "--whole",
            action="store_true",
            help="a PDF of the whole form even when it is too long for one (BENXI_PDF_WHOLE_ROWS)",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the labels (PDF, XLSX); CSV keys are always the same",
        )

    def handle(
        self,
        *args,
        year: int,
        form: str,
        fmt: str,
        output_path: Path | None,
        language: str,
        district: str = "",
        sector: str = "",
        whole: bool = False,
        **options,
    ):
        if not in_range(year):
            raise CommandError(f"year {year} is out of range ({FIRST_YEAR}–{LAST_YEAR})")
        volume = annual.Volume(district.strip(), sector.strip())
        with translation.override(language):
            problems = annual.volume_problems(volume, form) if volume else []
            if problems:
                # Not the whole form under a volume's name.
                raise CommandError(" ".join(problems))
            document = annual.build(form, year, volume)
            # The CSV is for machines: no byte-order mark, unlike the web download for Excel.
            content = (
                output.render_csv(document, bom=False)
                if fmt == "csv"
                else output.render(document, fmt, whole=whole)
            )
        if output_path is None and fmt == "csv":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        path = output_path or Path(output.filename(document.name, document.year, fmt, volume))
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}") from None
        self.stderr.write(f"{path}: {document.number} {year}, {len(content)} bytes")
