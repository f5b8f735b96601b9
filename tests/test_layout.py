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
