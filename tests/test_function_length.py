"""No function of the project over about 80 lines without a reason in its docstring.

A long function is usually several purposes in one; where it is one purpose that reads best
whole (a form's layout, one SQL text, a demo's story in order), its docstring says so in a
sentence starting "Long:". Tests and migrations aside."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("benxi_cp", "enterprises", "audits", "targets", "reports", "programme", "api", "bench")
LIMIT = 80


def long_functions_without_a_reason() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                length = node.end_lineno - node.lineno + 1
                if length > LIMIT and "Long:" not in (ast.get_docstring(node) or ""):
                    where = path.relative_to(ROOT).as_posix()
                    found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_a_long_function_says_why_it_is_long():
    assert long_functions_without_a_reason() == []


def test_the_check_sees_a_long_function(tmp_path):
    package = tmp_path / "benxi_cp"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    (package / "long.py").write_text(f"def f():\n{body}\n\n\ndef g():\n    pass\n")
    saved, globals()["ROOT"] = ROOT, tmp_path
    try:
        assert [line.split()[1] for line in long_functions_without_a_reason()] == ["f"]
    finally:
        globals()["ROOT"] = saved
