"""The import graph of `src/xlit` has no circles (issue 21), read with the standard library's `ast` only.

Every import of an xlit module counts: `import xlit.x`, `from xlit.x import y`, `from .x import y`,
`from . import x`, at the top of a module, inside a function (a lazy import is still a circle in the design)
or under `if TYPE_CHECKING:`. `from pkg import name` is an edge to `pkg.name` where that is a module, else to
`pkg`. Importing `pkg.sub` from outside `pkg` also runs `pkg/__init__.py`, so it is an edge to `pkg` as well;
a package's `__init__` importing its submodules is an edge from the package.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "xlit"


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module and package of xlit."""
    out = {}
    for path in sorted((SRC / ROOT).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve_relative(importer: str, is_package: bool, level: int, module: str | None) -> str:
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _targets(node: ast.AST, importer: str, is_package: bool, modules: dict) -> list[str]:
    """The xlit modules one import statement names (the most specific existing module per name)."""
    names = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = _resolve_relative(importer, is_package, node.level, node.module) if node.level else (node.module or "")
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            names.append(sub if sub in modules else base)
    out = []
    for name in names:
        if name != ROOT and not name.startswith(ROOT + "."):
            continue
        while name not in modules and "." in name:  # `import xlit.x.attr` cannot happen; stay safe
            name = name.rsplit(".", 1)[0]
        out.append(name)
    return out


def import_graph() -> dict[str, dict[str, int]]:
    """importer -> {imported module: first line}, over every xlit module."""
    modules = module_files()
    graph: dict[str, dict[str, int]] = {m: {} for m in modules}
    for importer, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(node, importer, is_package, modules):
                # importing pkg.sub from outside pkg runs pkg/__init__ first
                parts = target.split(".")
                chain = [".".join(parts[:i]) for i in range(2, len(parts) + 1)]
                for mod in chain:
                    inside = importer == mod or importer.startswith(mod + ".")
                    if mod != target and inside:
                        continue
                    if mod != importer and mod in modules:
                        graph[importer].setdefault(mod, node.lineno)
    return graph


def circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, on, stack, comps = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(comps)


def one_cycle(graph, comp: list[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first inside the component)."""
    start, members = comp[0], set(comp)
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if w in members and w not in prev:
                prev[w] = v
                queue.append(w)
    return comp


def describe(graph, comp: list[str]) -> str:
    """The component: one cycle through it, then every import inside it with its file and line."""
    files = module_files()
    lines = [f"  circle {' -> '.join(one_cycle(graph, comp))}; all imports inside it:"]
    for a in comp:
        for b in sorted(graph[a]):
            if b in comp:
                lines.append(f"    {a} -> {b} ({files[a].relative_to(SRC.parent)}:{graph[a][b]})")
    return "\n".join(lines)


def test_graph_sees_every_kind_of_import(tmp_path):
    """The resolver itself: absolute, relative, `from . import x` and package edges."""
    modules = {"xlit", "xlit.a", "xlit.p", "xlit.p.b", "xlit.p.c"}
    src = "import xlit.a\nfrom xlit.p.b import f\nfrom .p import c\nfrom . import a\nfrom .. import nothing\n"
    tree = ast.parse(src)
    got = [t for node in ast.walk(tree) if isinstance(node, ast.ImportFrom | ast.Import)
           for t in _targets(node, "xlit.q", False, modules)]  # fmt: skip
    assert got == ["xlit.a", "xlit.p.b", "xlit.p.c", "xlit.a"]
    assert _targets(ast.parse("from .b import f").body[0], "xlit.p", True, modules) == ["xlit.p.b"]
    assert _targets(ast.parse("from . import c").body[0], "xlit.p.b", False, modules) == ["xlit.p.c"]
    assert _targets(ast.parse("from ..a import f").body[0], "xlit.p.b", False, modules) == ["xlit.a"]


def test_cycle_finder():
    g = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3, "d": 4}, "d": {}, "e": {"e": 1}}
    assert circles(g) == [["a", "b", "c"]]
    assert one_cycle(g, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_no_import_circles():
    graph = import_graph()
    assert len(graph) > 50 and graph["xlit.mt"], "the graph should cover the package"
    found = circles(graph)
    message = "\n".join(describe(graph, comp) for comp in found)
    assert not found, f"{len(found)} import circle(s) in src/xlit:\n{message}"
