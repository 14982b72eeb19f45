import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Fail when any zh_Hans catalogue has an untranslated or fuzzy entry. Run "
        "`make messages` first so that the catalogues hold every string of the code."
    )

    def handle(self, *args, **options):
        problems = []
        catalogues = [
            Path(path) / "zh_Hans" / "LC_MESSAGES" / "django.po" for path in settings.LOCALE_PATHS
        ]
        for po in catalogues:
            if not po.exists():
                continue
            for flag in ("--untranslated", "--only-fuzzy"):
                found = subprocess.run(
                    ["msgattrib", flag, "--no-obsolete", str(po)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                if found:
                    problems.append(f"{po} ({flag.strip('-')}):\n{found}")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError("the zh_Hans catalogue is incomplete")
        self.stdout.write(f"{len(catalogues)} catalogues complete.")
