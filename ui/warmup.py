"""The server's warm-up: what every visitor's first page loads, loaded when the server starts.

A fresh server has imported Streamlit and nothing else. The first visitor's first script run then
imported numpy, pandas, pyarrow, altair and the pages' own modules (compiling our sources first where
``PYTHONDONTWRITEBYTECODE`` is set or the checkout is new), and Streamlit's first element walked every
loaded module's file once (``inspect.stack()`` in ``streamlit.env_util.is_repl``): ~0.9 s of a 1.3-1.4 s
first run of the losses page under cProfile here, against ~0.4 s for the same run on a warm server.

``streamlit run app.py`` finds the ``st.App`` in ``app.py`` and serves it; its lifespan is
:func:`lifespan`, which starts :func:`warm_up` in a thread (~0.5 s here) and lets the server answer at
once. A first visitor who comes later finds everything loaded. One who comes at once (a sleeping app woken
by its visit) finds it partly done: the browser spends its first ~0.7 s loading Streamlit's own code,
while the warm-up and the server serving that code share the interpreter. ``app.py`` calls
:func:`wait_for_warm_up` before anything else: a script that starts before the warm-up is done waits for
it rather than importing the same modules beside it. Without a server (AppTest, ``python -c``) nothing was
started and nothing waits.

What it loads: the modules ``app.py`` and every page script import at their top (read from their source,
so a page's new import is warmed with it), every page's "Reproduce" scripts, the two Streamlit modules an
element with an icon loads, and one small chart through altair and Arrow (the pandas paths every chart
takes). ``tests/test_warmup.py`` holds it free of torch, scikit-learn and scipy, and holds a first visit of
every page to import nothing of ours or of numpy, pandas, pyarrow and altair after it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from streamlit.logger import get_logger

from ui import reproduce, server
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = (ROOT / "app.py", *(ROOT / spec.path for spec in PAGES))
STREAMLIT_LAZY = ("streamlit.emojis", "streamlit.material_icon_names")
WAIT_LIMIT = 60.0  # s: a warm-up that hangs must not hold the first visitor longer than this

_LOGGER = get_logger(__name__)  # Streamlit's: shown on the server's console at its log level
_done = threading.Event()
_started = threading.Event()


def script_imports(path: Path) -> list[str]:
    """The modules a script imports at its top: ``import a.b`` gives ``a.b``; ``from a import b`` gives ``a``,
    and ``a.b`` too when ``b`` is a module (``from ui import losses``)."""
    names: list[str] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module not in (None, "__future__"):
            names.append(node.module)
            inner = (f"{node.module}.{alias.name}" for alias in node.names)
            names.extend(name for name in inner if _is_module(name))
    return names


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package: the name is a function or class
        return False


def warm_modules() -> list[str]:
    """Every module :func:`warm_up` imports: those ``app.py`` and the page scripts import at their top, in
    their order, then the two of Streamlit's it loads the first time an element takes an icon (compiling
    its emoji pattern alone is ~0.1 s)."""
    names = [name for path in SCRIPTS for name in script_imports(path)]
    return list(dict.fromkeys([*names, *STREAMLIT_LAZY]))


def _exercise_data_path() -> None:
    """One small chart through the path every chart takes: altair reading a pandas frame (narwhals' pandas
    backend) and validating the spec, and the frame as Arrow, which is how Streamlit sends it."""
    import altair as alt
    import pandas as pd
    import pyarrow as pa

    frame = pd.DataFrame({"x": [0.0, 1.0], "label": ["a", "b"]})
    alt.Chart(frame).mark_line().encode(alt.X("x:Q"), alt.Y("x:Q"), alt.Color("label:N")).to_dict()
    pa.Table.from_pandas(frame)


def warm_up() -> float:
    """Import :func:`warm_modules` and the "Reproduce" scripts, run one chart through the data path, fill
    ``inspect``'s module cache; returns the seconds it took.
    Never raises: a module that fails to import fails again, with its traceback, on the page that needs it."""
    start = time.perf_counter()
    try:
        for name in warm_modules():
            importlib.import_module(name)
        reproduce.registry()  # every page's "Reproduce" scripts, loaded the first time one is asked for
        _exercise_data_path()
        # Streamlit's first element of a process calls inspect.stack(), whose inspect.getmodule maps
        # every loaded module to its file once (~0.1 s here) and caches it: done now, after the imports.
        inspect.stack()
    except Exception:
        _LOGGER.exception("warm-up stopped; the first visit imports the rest")
    return time.perf_counter() - start


def start_warm_up() -> None:
    """Run :func:`warm_up` in a daemon thread (once per process); :func:`wait_for_warm_up` waits for it."""
    if _started.is_set():
        return
    _started.set()

    def run() -> None:
        try:
            _LOGGER.info("warm-up done in %.2f s", warm_up())
        finally:
            _done.set()

    threading.Thread(target=run, name="warm-up", daemon=True).start()


def wait_for_warm_up(limit: float = WAIT_LIMIT) -> bool:
    """Wait until a started warm-up is done (at most ``limit`` s); True when none is running any more."""
    return not _started.is_set() or _done.wait(limit)


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """``st.App``'s lifespan: the allocator settings (before the warm-up's thread allocates: glibc gives a
    thread its heap on first use, and ``ui.server``'s limit on heaps applies to heaps made after it),
    Nagle's algorithm off for the connections the server will accept (its socket is listening, nothing
    accepted yet), then the warm-up started; the server serves at once."""
    server.tune_once()
    server.send_small_writes_at_once()
    start_warm_up()
    yield
