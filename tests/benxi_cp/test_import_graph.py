"""The import graph of the project's packages: no circles, and benxi_cp never reaches up.

Every .py file of the project packages is parsed (not imported); each `import x` and
`from x import y`, at module level or inside a function, becomes an edge to the project
module it names. STYLE.md: data flows one way; `benxi_cp` is what every app shares, so it
imports no app, and names none: each app registers what it brings in the registry
(benxi_cp/registry.py) from its AppConfig.ready().
"""

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = (
    "benxi_cp",
    "enterprises",
    "audits",
    "targets",
    "reports",
    "programme",
    "permits",
    "portal",
    "api",
    "bench",
)
APPS = ("enterprises", "audits", "targets", "reports", "programme", "permits", "portal")
ABOVE_THE_CORE = (*APPS, "api", "bench")  # the API and the benchmark tooling sit above the apps


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # migrations are loaded by Django, never imported by the code
            modules[module_name(path)] = path
    return modules


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an imported name lives in (its longest known prefix)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> dict[str, set[str]]:
    """module → {"module-level" or "function-level"} for every project module imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, set[str]] = {}

    def add(name: str, level: str) -> None:
        target = resolve(name, modules)
        if target is not None and target != module:
            found.setdefault(target, set()).add(level)

    def visit(node: ast.AST, level: str) -> None:
        for child in ast.iter_child_nodes(node):
            child_level = level
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                child_level = "function-level"
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, level)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    prefix = ".".join([*base, child.module] if child.module else base)
                else:
                    prefix = child.module or ""
                for alias in child.names:
                    # `from pkg import module` names a module; `from module import name` not.
                    add(f"{prefix}.{alias.name}", level)
            visit(child, child_level)

    visit(tree, "module-level")
    return found


def import_graph() -> dict[str, dict[str, set[str]]]:
    modules = project_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(components)


def test_the_graph_sees_module_and_function_level_imports():
    graph = import_graph()
    assert "enterprises.choices" in graph["enterprises.models"]
    assert graph["enterprises.models"]["enterprises.choices"] == {"module-level"}
    # benxi_cp.apps finds the datacache's triggers inside ready(): a function-level edge.
    assert "function-level" in graph["benxi_cp.apps"]["benxi_cp.datacache"]


def test_the_cycle_finder_finds_a_circle():
    graph = {"a": {"b": {"module-level"}}, "b": {"c": {"function-level"}}, "c": {"a": set()}}
    assert find_cycles(graph) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b": set()}, "b": {}}) == []


def test_no_import_cycle_between_project_modules():
    cycles = find_cycles(import_graph())
    assert cycles == [], "modules that import each other, directly or round a circle: " + str(
        cycles
    )


def upward_imports() -> list[str]:
    graph = import_graph()
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.split(".")[0] == "benxi_cp"
        for target in targets
        if target.split(".")[0] in ABOVE_THE_CORE
    )


def test_benxi_cp_imports_no_app():
    assert upward_imports() == []


def test_nothing_imports_the_benchmark_tooling():
    graph = import_graph()
    assert "bench.scale" in graph["bench.benchmark"]  # the tooling itself is in the graph
    assert (
        sorted(
            f"{module} imports {target}"
            for module, targets in graph.items()
            if module.split(".")[0] != "bench"
            for target in targets
            if target.split(".")[0] == "bench"
        )
        == []
    )


# -- benxi_cp names no app: no app's module, table, URL name or permission ----------------

# The project's configuration installs the apps and mounts their URLs: it names them by design.
CONFIGURATION = ("benxi_cp/settings.py", "benxi_cp/settings_test.py", "benxi_cp/urls.py")
# An app's module or package path (enterprises.models, audits/steps.py), table (reports_…),
# URL name (programme:members) or permission (targets.add_target).
APP_NAME = re.compile(r"\b(" + "|".join(ABOVE_THE_CORE) + r")(?=[._:/][a-zA-Z_])")


def texts_of(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string and comment of a module: where a name can hide."""
    source = path.read_text(encoding="utf-8")
    found = [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source, filename=str(path)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    found += [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    return found


def app_names_in_benxi_cp() -> list[str]:
    hits = []
    for path in sorted((ROOT / "benxi_cp").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" in path.parts or relative in CONFIGURATION:
            continue
        for line, text in texts_of(path):
            hits += [f"{relative}:{line}: {m.group(0)}…" for m in APP_NAME.finditer(text)]
    return hits


def test_the_name_finder_finds_modules_tables_urls_and_permissions():
    found = [
        m.group(1)
        for text in ("enterprises.models", "audits_audit", "reports:dashboard", "targets/x.py")
        for m in APP_NAME.finditer(text)
    ]
    assert found == ["enterprises", "audits", "reports", "targets"]
    # Words of the domain are no names: "the reports' workflow", "the programme office".
    assert not APP_NAME.search("verified reports, the programme office's audits")


def test_benxi_cp_names_no_app_module_table_url_or_permission():
    assert app_names_in_benxi_cp() == []
