"""The build of the package, beyond what pyproject.toml declares: the project's shared folders
go into the wheel, and every catalogue is compiled.

In a checkout, templates/, static/, locale/ and docs/formats/ lie beside the apps, where
benxi_cp/settings.py finds them. An installed package has no checkout: the build copies them
into benxi_cp/site/ under the same names (the settings look there when it exists) and
compiles each catalogue (.po) into its .mo with gettext's msgfmt, as `manage.py
compilemessages` does in a checkout. An editable install reads the checkout itself.
"""

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHARED = ("templates", "static", "locale", "docs/formats")


class BuildWithSharedFolders(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        site = Path(self.build_lib) / "benxi_cp" / "site"
        for folder in SHARED:
            shutil.copytree(
                ROOT / folder,
                site / folder,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("*.mo", "__pycache__"),
            )
        if shutil.which("msgfmt") is None:
            raise SystemExit("msgfmt not found: install gettext (apt-get install gettext).")
        for catalogue in Path(self.build_lib).rglob("*.po"):
            subprocess.run(
                ["msgfmt", "--check-format", "-o", str(catalogue.with_suffix(".mo")), catalogue],
                check=True,
            )


setup(cmdclass={"build_py": BuildWithSharedFolders})
