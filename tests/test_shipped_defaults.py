"""Every page's default view is drawn from results computed ahead (``data/defaults/``, ``ui/shipped.py``),
and each of those results equals what the live code computes now.

- each shipped entry is recomputed live (its function called with its arguments) and compared with
  ``scripts/precompute_defaults.differences``: floats within rtol 1e-5 / atol 1e-7, everything else
  exactly, the seconds a run took left out (a stale file fails here: rerun
  ``python scripts/precompute_defaults.py``);
- each topic page opened at its default view, in English and in Chinese, computes nothing live but
  what is not a computation (the notes' catalog, read from its file);
- and, in a fresh process, draws it without importing torch, scikit-learn or scipy.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.precompute_defaults import NOT_SHIPPED, differences
from tests.apptest import open_page
from ui import compute, shipped
from ui.navigation import TOPICS
from ui.sections import ALL, PAGE_SECTIONS

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(shipped.DIRECTORY.glob("*.pkl"))
HEAVY = ("torch", "sklearn", "scipy")
_WORKER = compute.SharedResults(workers=1)  # the live recomputations, each on a worker as on the server


def _function(module: str, qualname: str):
    value = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part)
    return value


def _absolute(value):
    """A portable key's argument as the page passes it (paths under the project made absolute again)."""
    if isinstance(value, Path) and value.parts[:1] == (shipped._ROOT_MARK,):
        return ROOT.joinpath(*value.parts[1:])
    if isinstance(value, tuple):
        return tuple(_absolute(item) for item in value)
    return value


def test_every_page_ships_its_default_view():
    modules = {path.stem for path in FILES}
    for prefix in ("ui.attention", "ui.pytorch_basics", "core.normalization", "ui.finetune", "ui.losses"):
        assert any(m.startswith(prefix) for m in modules), f"nothing shipped for {prefix}"
    assert "ui.optimizers.live" in modules and "ui.metrics.views" in modules


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_results_equal_the_live_computation(path):
    entries = pickle.loads(path.read_bytes())
    assert entries, f"{path.name} is empty"
    for (module, qualname, args, kwargs), value in entries:
        assert module == path.stem
        function = _function(module, qualname)
        more = {}
        if "progress" in inspect.signature(function).parameters:  # asked with describe=: a progress bar
            more["progress"] = lambda *_args, **_info: None
        # on a worker as the server computes it (torch and BLAS on one thread: a float32 training's
        # sums in another order drift by ~1e-4 over 200 steps)
        live = _WORKER.get(
            (module, qualname, args, kwargs),
            lambda _progress, f=function, a=args, k=kwargs, m=more: f(*_absolute(a), **dict(k), **m),
        )
        found = differences(value, live)
        assert not found, f"{module}.{qualname}{args!r}: " + "; ".join(found[:5])


@pytest.mark.parametrize("spec", TOPICS, ids=[s.slug for s in TOPICS])
def test_default_view_computes_nothing_live(spec, monkeypatch):
    computed: list[tuple] = []
    job = compute.SharedResults.job

    def recording(self, key, work):
        computed.append(key)
        return job(self, key, work)

    monkeypatch.setattr(compute.SharedResults, "job", recording)
    compute._results().clear()
    for lang in ("en", "zh"):
        open_page(spec.path, lang)
    live = [f"{k[0]}.{k[1]}{k[2]!r}"[:120] for k in computed if not k[0].startswith(NOT_SHIPPED)]
    assert not live, f"{spec.slug}'s default view computed live: {live}"


_PROBE = """
import sys
sys.path.insert(0, {root!r})
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=120)
for key, value in {query!r}.items():
    at.query_params[key] = value
at.run()
at.switch_page({page!r})
at.run()
assert not at.exception, [e.value for e in at.exception]
print(sorted(name for name in {heavy!r} if name in sys.modules))
"""


@pytest.mark.parametrize("spec", TOPICS, ids=[s.slug for s in TOPICS])
def test_default_view_imports_no_heavy_library(spec):
    query = {"lang": "en"}
    if spec.slug in PAGE_SECTIONS:  # every section of the page at its default
        query[PAGE_SECTIONS[spec.slug].key] = ALL
    code = _PROBE.format(root=str(ROOT), app=str(ROOT / "app.py"), query=query, page=spec.path, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", f"{spec.slug} imported {done.stdout.strip()}"
