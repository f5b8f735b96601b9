"""The server's warm-up (``ui/warmup.py``): ``streamlit run app.py`` serves the st.App whose lifespan
starts it; it loads what a first visit of every page loads, nothing heavier, and leaves that visit
nothing of ours or of numpy / pandas / pyarrow / altair to import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ui import warmup

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "sklearn", "scipy")


def _python(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter at the project root; its last printed line, split on spaces."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1].split()


def test_script_imports_reads_a_scripts_top_imports(tmp_path):
    script = tmp_path / "page.py"
    script.write_text(
        "from __future__ import annotations\n"
        "import datetime as dt\n"
        "from ui import losses as w\n"
        "from ui.state import seed_from_url, translated_choice\n"
        "def draw():\n"
        "    import torch  # inside a function: not the script's own top\n",
        encoding="utf-8",
    )
    assert warmup.script_imports(script) == ["datetime", "ui", "ui.losses", "ui.state"]


def test_streamlit_run_app_py_serves_the_st_app_whose_lifespan_sets_nodelay_and_warms_up():
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.app_name == "app"
    code = (
        "import asyncio, socket, sys\n"
        "import streamlit as st\n"
        "import app\n"
        "from ui import warmup\n"
        "assert isinstance(app.app, st.App)\n"
        "listener = socket.socket(socket.AF_INET)\n"  # as Streamlit binds it, before the lifespan
        "listener.bind(('127.0.0.1', 0))\n"
        "listener.listen(1)\n"
        "async def serve():\n"
        "    async with warmup.lifespan(app.app):\n"
        "        pass\n"
        "asyncio.run(serve())\n"
        "client = socket.create_connection(listener.getsockname())\n"
        "accepted, _ = listener.accept()\n"
        "nodelay = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)\n"
        "assert warmup.wait_for_warm_up(240)\n"
        "print('nodelay', nodelay, 'missing', *[m for m in warmup.warm_modules() if m not in sys.modules])\n"
    )
    # the server's connections send small responses at once, and every listed module is loaded
    assert _python(code) == ["nodelay", "1", "missing"]


def test_a_script_without_a_started_warm_up_does_not_wait():
    assert warmup.wait_for_warm_up(limit=0.0)


def test_the_warm_up_loads_nothing_heavy_and_leaves_a_first_visit_nothing_to_import():
    code = (
        "import sys\n"
        "from ui import warmup\n"
        "warmup.warm_up()\n"
        f"heavy = [name for name in {HEAVY!r} if name in sys.modules]\n"
        "from tests.apptest import open_link\n"
        "from ui.navigation import PAGES\n"
        "before = set(sys.modules)\n"
        "for spec in PAGES:\n"
        "    for lang in ('en', 'zh'):\n"
        "        at = open_link(spec.path, lang, section=None)\n"
        "        assert not at.exception, (spec.slug, lang, [e.value for e in at.exception])\n"
        "tops = ('numpy', 'pandas', 'pyarrow', 'altair', 'streamlit.emojis', *" + repr(HEAVY) + ")\n"
        "late = sorted(name for name in set(sys.modules) - before\n"
        "              if name.split('.')[0] in ('ui', 'core') or name in tops)\n"
        "print('heavy', *heavy, 'late', *late)\n"
    )
    assert _python(code) == ["heavy", "late"]
