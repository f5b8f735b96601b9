"""The code's layout: core/ has no import cycle and no UI import, the documented import paths work, and
README's topic map names files that exist."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui.navigation import TOPICS

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _core_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in CORE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every module named by an import statement in ``path`` (``from a import b`` names ``a`` and, when
    ``a.b`` is a module, ``a.b``), at any depth (also imports inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _core_import_graph() -> dict[str, set[str]]:
    modules = _core_modules()
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of explicit imports, as a path that returns to its start, or None (depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_cycle_finder_finds_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_core_has_no_import_cycle():
    graph = _core_import_graph()
    assert "core.metrics._ranking" in graph["core.metrics"]  # the graph sees package-internal imports
    assert _find_cycle(graph) is None


def test_core_never_imports_the_ui():
    for name, path in _core_modules().items():
        roots = {m.split(".")[0] for m in _imports(path)}
        assert not roots & {"streamlit", "altair", "ui", "app_pages"}, name


def test_private_modules_are_not_imported_by_pages_or_ui():
    # pages and ui go through a topic's public API (its __init__); tests may look behind it
    for path in [*(ROOT / "app_pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        private = [m for m in _imports(path) if m.startswith("core.") and "._" in m]
        assert not private, (path.relative_to(ROOT), private)


def test_documented_import_paths_still_work():
    import core.attention
    import core.metrics
    import core.optimizers
    import core.scores

    assert core.scores.load_scores is core.metrics.load_scores
    assert core.scores.ScoreFileError is core.metrics.ScoreFileError
    assert issubclass(core.scores.ScoreFileError, ValueError)
    for name in ("SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "NAdam", "AdamW"):
        assert getattr(core.optimizers, name).__name__ == name
    for name in ("AdditiveAttention", "LuongAttention", "LocalAttention", "hard_attention"):
        assert callable(getattr(core.attention, name))
    for package in (core.attention, core.metrics, core.optimizers):
        assert sorted(package.__all__) == sorted(set(package.__all__))
        assert all(hasattr(package, name) for name in package.__all__)


def test_python_dash_m_core_metrics_runs_the_command_line():
    command = [sys.executable, "-m", "core.metrics", "--help"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "python -m core.metrics" in done.stdout


def _readme_map() -> dict[str, list[str]]:
    """README's topic map: the table under '## Layout' with one row per topic, page -> ui -> core ->
    tests -> locale."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows: dict[str, list[str]] = {}
    for line in text.split("## Layout", 1)[1].split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 6 and cells[1].startswith("`app_pages/"):
            rows[cells[1].strip("`")] = [p for cell in cells[2:] for p in re.findall(r"`([^`]+)`", cell)]
    return rows


@pytest.mark.parametrize("spec", TOPICS, ids=lambda s: s.slug)
def test_readme_maps_every_topic_to_files_that_exist(spec):
    rows = _readme_map()
    assert spec.path in rows, f"README's layout map has no row for {spec.path}"
    for relative in rows[spec.path]:
        assert (ROOT / relative).exists(), f"README's layout map names {relative}, which does not exist"
    assert f"locales/en/{spec.slug}.json" in rows[spec.path]


# --- pages only draw; one way to compute (issue 19) -------------------------------------------------------

PAGES_DIR = ROOT / "app_pages"
UI = ROOT / "ui"
MAX_PAGE_LINES = 350
MAX_PAGE_FUNCTION_LINES = 60
#: what a page never imports: the numerics and the engine (a page asks its ui module for views)
NOT_IN_PAGES = {"numpy", "pandas", "torch", "sklearn", "scipy", "core"}
#: the small helpers every page shares, each defined once, where it is defined
SHARED_HELPERS = {
    "error_box": "ui/layout.py",
    "reference_check": "ui/layout.py",
    "page_header": "ui/layout.py",
    "translator": "ui/i18n.py",
    "fmt": "ui/format.py",
    "fmt_fixed": "ui/format.py",
    "fmt_pct": "ui/format.py",
    "round_up": "ui/format.py",
    "shared": "ui/compute.py",
}


def _page_scripts() -> list[Path]:
    return sorted(PAGES_DIR.glob("*.py"))


def _defined_functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", _page_scripts(), ids=lambda p: p.stem)
def test_a_page_imports_no_numerics_and_no_core(path):
    roots = {m.split(".")[0] for m in _imports(path)}
    assert not roots & NOT_IN_PAGES, f"{path.name} imports {sorted(roots & NOT_IN_PAGES)}: ask ui for a view"


@pytest.mark.parametrize("path", _page_scripts(), ids=lambda p: p.stem)
def test_a_page_is_short_and_its_functions_shorter(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name} has {lines} lines (at most {MAX_PAGE_LINES})"
    for function in _defined_functions(path):
        length = function.end_lineno - function.lineno + 1
        assert length <= MAX_PAGE_FUNCTION_LINES, (
            f"{path.name}: {function.name}() has {length} lines (at most {MAX_PAGE_FUNCTION_LINES})"
        )


def test_the_shared_helpers_are_defined_once():
    places: dict[str, list[str]] = {name: [] for name in SHARED_HELPERS}
    for path in [*PAGES_DIR.rglob("*.py"), *UI.rglob("*.py")]:
        for function in _defined_functions(path):
            if function.name in places:
                places[function.name].append(str(path.relative_to(ROOT)))
    assert places == {name: [where] for name, where in SHARED_HELPERS.items()}


def _calls_named(path: Path, names: set[str]) -> list[str]:
    """Every name or attribute in ``path`` whose last part is one of ``names`` (``st.cache_data`` as a
    decorator with or without parentheses, ``OrderedDict()``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        name = (
            node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        )
        if name in names:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_one_way_to_cache_a_computed_result():
    # ui.compute.shared is the one cache; a visitor's own upload stays in its session (ui.state)
    kinds = {"cache_data", "cache_resource", "OrderedDict", "lru_cache"}
    found = [
        hit
        for path in [*PAGES_DIR.rglob("*.py"), *UI.rglob("*.py")]
        if path.relative_to(ROOT).as_posix() != "ui/compute.py"
        for hit in _calls_named(path, kinds)
    ]
    assert not found, found


def _dotted(node: ast.expr) -> str:
    """``torch.random.manual_seed`` for the expression ``torch.random.manual_seed`` ('' if not a name)."""
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return node.id if isinstance(node, ast.Name) else ""


#: calls that change the process for every visitor: its global RNGs, its thread and BLAS limits
GLOBAL_STATE_CALLS = {
    "torch.manual_seed",
    "torch.random.manual_seed",
    "torch.seed",
    "torch.random.fork_rng",
    "torch.set_rng_state",
    "torch.set_num_threads",
    "torch.set_num_interop_threads",
    "np.random.seed",
    "numpy.random.seed",
    "random.seed",
    "threadpool_limits",
    "threadpoolctl.threadpool_limits",
}


def test_core_holds_no_global_state():
    # randomness from generators passed in; thread and BLAS limits are the server's (ui.compute)
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno} {_dotted(node.func)}"
        for path in CORE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and _dotted(node.func) in GLOBAL_STATE_CALLS
    ]
    assert not found, found


def test_the_global_state_finder_finds_a_global_seed():
    tree = ast.parse("import torch\ntorch.manual_seed(0)\ng = torch.Generator().manual_seed(0)\n")
    calls = [_dotted(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert "torch.manual_seed" in calls and "torch.Generator.manual_seed" not in calls


# Altair turns a channel given as a string ("x:Q", a tooltip list of strings) into its class through
# ``from_dict``, which rebuilds a hash table of the whole Vega-Lite schema on every call (~5 ms each; 0.2 s
# of a page's run with 40 of them). The ui builds every channel from its class (alt.X, alt.Tooltip, ...).
CHANNELS = {
    *("x", "y", "x2", "y2", "color", "order", "detail", "text", "size", "shape", "opacity", "strokeDash"),
    *("tooltip", "theta", "fill", "stroke", "strokeWidth", "row", "column", "href"),
}


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def string_channels(source: str) -> list[str]:
    """Every chart channel given as a string, listed or not: a keyword of an ``.encode(...)`` call, an entry
    of a dict literal, or a variable, named after a channel (``tooltip = [...]`` passed on later)."""
    found = []

    def check(name: str | None, value: ast.expr, line: int) -> None:
        values = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
        if name in CHANNELS and any(_is_text(v) for v in values):
            found.append(f"line {line}: {name}={ast.unparse(value)}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode":
            for keyword in node.keywords:
                check(keyword.arg, keyword.value, node.lineno)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    check(key.value, value, node.lineno)
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            check(node.targets[0].id, node.value, node.lineno)
    return found


def test_the_string_channel_finder_finds_one():
    source = 'alt.Chart(d).encode(x=alt.X("a:Q"), tooltip=["a:Q", alt.Tooltip("b:Q")], y2=f"{c}:Q", size=3)'
    assert string_channels(source) == [
        "line 1: tooltip=['a:Q', alt.Tooltip('b:Q')]",
        "line 1: y2=f'{c}:Q'",
    ]
    passed_on = 'tooltip = ["a:N", alt.Tooltip("b:Q")]\nencoding = {"x": alt.X("a:Q"), "text": "t:N"}'
    assert string_channels(passed_on) == ["line 1: tooltip=['a:N', alt.Tooltip('b:Q')]", "line 2: text='t:N'"]


def test_every_chart_channel_is_built_from_its_class():
    found = {
        str(path.relative_to(ROOT)): hits
        for path in sorted((ROOT / "ui").rglob("*.py"))
        if (hits := string_channels(path.read_text(encoding="utf-8")))
    }
    assert not found, found
