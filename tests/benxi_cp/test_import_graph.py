"""The import graph of the project's packages: no circles, and benxi_cp never reaches up.

Every .py file of the project packages is parsed (not imported); each `import x` and
`from x import y`, at module level or inside a function, becomes an edge to the project
module it names. STYLE.md: data flows one way; `benxi_cp` is what every app shares, so it
imports no app (it finds the apps' importers and navigation entries by autodiscovery).
"""

import ast
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
    "api",
    "bench",
)
APPS = ("enterprises", "audits", "targets", "reports", "programme", "permits")
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
