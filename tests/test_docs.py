"""The README and docs/ as a newcomer reads them: every relative link leads somewhere (a file
of the checkout, and a heading of it where the link names one), the README stays short, and
nothing in the checkout names an issue by its number."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
CODE_BLOCK = re.compile(r"^(    |\t)|^```", re.MULTILINE)


def headings(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    anchors = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            text = line.lstrip("#").strip().lower()
            text = re.sub(r"[^\w\- ]", "", text)
            anchors.add(text.replace(" ", "-"))
    return anchors


def links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans are not links
    return [
        target
        for line in text.splitlines()
        if not line.startswith("    ")
        for target in LINK.findall(line)
    ]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(document):
    broken = []
    for target in links(document):
        if re.match(r"^[a-z]+:", target):
            continue  # http:, https:, mailto: lead outside the checkout
        path, _hash, anchor = target.partition("#")
        found = (document.parent / path).resolve() if path else document
        missing = not found.exists()
        if missing or (anchor and found.is_file() and anchor not in headings(found)):
            broken.append(target)
    assert not broken, f"{document.relative_to(ROOT)}: {broken}"


def test_the_docs_are_linked_from_the_readme():
    readme = links(ROOT / "README.md")
    for name in ("domain.md", "architecture.md", "operations.md", "development.md"):
        assert f"docs/{name}" in readme, name


def test_the_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    return [ROOT / name.decode() for name in listed if name]


# The word "issue" followed by its number (with or without a hash), and a hash followed by a
# number standing alone in prose (not a colour in CSS or in a string).
ISSUE = re.compile(r"\bissues? ?#?\d+\b", re.IGNORECASE)
HASH_NUMBER = re.compile(r"(?<![\w&/#'\"-])#\d{1,4}\b(?![\w-])")
TEXT = {".py", ".md", ".html", ".css", ".js", ".txt", ".toml", ".cfg", ".in", ".conf", ""}


def test_nothing_names_an_issue_by_its_number():
    found = []
    for path in tracked_files():
        if path.suffix not in TEXT or "migrations" in path.parts or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ISSUE.search(line) or (path.suffix != ".css" and HASH_NUMBER.search(line)):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
