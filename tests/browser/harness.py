"""Drive the real app in Debian's chromium: start the server, open a page, wait, check, screenshot.

The one place for browser code. The browser tests (``tests/browser/``) and ``scripts/screenshots.py``
both import it, so what the tests check and what a reviewer looks at come from the same pages,
loaded the same way.

The server is ``python -m streamlit run app.py`` on a free loopback port; the browser is Debian's
``/usr/bin/chromium`` driven by Playwright (never a browser downloaded by Playwright), headless, with
a fresh profile each launch. A page is "idle" when Streamlit reports the script finished
(``data-test-script-state="notRunning"``), the websocket is connected, no skeleton or running
indicator is shown, every Altair chart has drawn its SVG/canvas, and all of that has held for a
short settle time.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit
from weakref import WeakKeyDictionary

from ui.navigation import HOME, PageSpec
from ui.sections import ALL, PAGE_SECTIONS

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Playwright

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
# Debian's chromium; CHROMIUM_PATH may point elsewhere (tests of the "no browser" path use a missing one).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LANGS = ("en", "zh")
SCREENSHOT_DIR = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}
# Full-page screenshots grow the viewport to the page's height, up to this many pixels.
MAX_SCREENSHOT_HEIGHT = 20_000
SERVER_START_TIMEOUT_S = 90.0
IDLE_TIMEOUT_MS = 90_000
SETTLE_MS = 300
# A chart that has not drawn this long after its script finished has failed.
CHART_TIMEOUT_MS = 15_000

# What still keeps the page busy ('' when nothing does), and how many charts have not drawn yet.
_BUSY_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return ['no [data-testid="stApp"] yet', 0];
  const conn = app.getAttribute('data-test-connection-state');
  if (conn !== 'CONNECTED') return [`websocket ${conn}`, 0];
  const state = app.getAttribute('data-test-script-state');
  if (state !== 'notRunning') return [`script ${state}`, 0];
  if (document.querySelector('[data-testid="stSkeleton"]')) return ['skeleton shown', 0];
  if (document.querySelector('[data-testid^="stStatusWidgetRunning"]')) return ['running indicator shown', 0];
  // a chart in a tab not shown is drawn only when its tab is opened (see visit_tabs)
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter((c) => c.checkVisibility());
  const blank = charts.filter((c) => !c.querySelector('svg, canvas')).length;
  if (blank) return [`${blank} of ${charts.length} charts not drawn`, blank];
  return ['', 0];
}
"""

# Polled by wait_for_app_idle. Returns true once the page has looked idle for settleMs, and
# remembers when it first looked idle (ms since navigation start: the page's time to first render).
# Returns a sentence (truthy, so the wait ends) when charts stay undrawn chartMs after the script
# finished: a chart that failed to render.
_IDLE_JS = (
    """
([settleMs, chartMs]) => {
  const [busy, blankCharts] = ("""
    + _BUSY_JS
    + """)();
  const now = performance.now();
  window.__dlnlBusy = busy;
  if (blankCharts) {
    if (window.__dlnlChartsWaitSince == null) window.__dlnlChartsWaitSince = now;
    if (now - window.__dlnlChartsWaitSince > chartMs)
      return `${busy} ${Math.round(chartMs / 1000)} s after the script finished: a chart failed to render`;
  } else {
    window.__dlnlChartsWaitSince = null;
  }
  if (busy) { window.__dlnlIdleSince = null; return false; }
  if (window.__dlnlIdleSince == null) window.__dlnlIdleSince = now;
  return now - window.__dlnlIdleSince >= settleMs;
}
"""
)


# ----------------------------------------------------------------------------------------------------
# Is a browser available?
# ----------------------------------------------------------------------------------------------------


def running_in_ci() -> bool:
    """CI sets ``CI=true``: there the browser tests must run, never skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def browser_problem() -> str | None:
    """Why the browser tests cannot run here, or None when Debian's chromium and Playwright are present."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return (
            f"Debian's chromium is not installed at {CHROMIUM} "
            "(install it with `apt-get install chromium`; .ci/run does this)."
        )
    if importlib.util.find_spec("playwright") is None:
        return "Playwright's Python package is missing (pip install -r requirements-dev.txt)."
    return None


def require_browser() -> None:
    """In a pytest fixture: skip locally without a browser, with the reason; fail under CI."""
    import pytest

    problem = browser_problem()
    if problem is None:
        return
    if running_in_ci():
        pytest.fail(f"The browser tests cannot run under CI: {problem}", pytrace=False)
    pytest.skip(f"{problem} The browser tests skip locally without it; under CI=true they fail.")


# ----------------------------------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (Linux ``/proc``), in bytes."""
    return _proc_status_kib(pid, "VmRSS") * 1024


def peak_rss_bytes(pid: int) -> int:
    """Highest resident memory process ``pid`` has had so far, in bytes."""
    return _proc_status_kib(pid, "VmHWM") * 1024


def _proc_status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {field} line")


@dataclass
class StreamlitServer:
    """``python -m streamlit run app.py``, headless on a free loopback port; a context manager.

    ``script``: another script to serve instead (a benchmark's reference, e.g. Streamlit's server without
    the app's ``st.App``). ``extra_args`` are added to the command line and ``env`` to the server's
    environment (e.g. the metrics page's data folder). By default the server shows full error details
    (``--client.showErrorDetails full``): ``.streamlit/config.toml`` hides them from the public, but
    a failing test should print the traceback the page shows.
    """

    log_path: Path | None = None
    script: Path = APP
    extra_args: Sequence[str] = ("--client.showErrorDetails", "full")
    env: Mapping[str, str] = field(default_factory=dict)
    start_timeout_s: float = SERVER_START_TIMEOUT_S
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _temporary_log: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("the server is not running")
        return self.process.pid

    def start(self) -> StreamlitServer:
        if self.log_path is None:  # a log of our own, deleted when the server stops
            self.log_path = Path(tempfile.mkstemp(prefix="dlnl-streamlit-", suffix=".log")[1])
            self._temporary_log = True
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):  # another program may take the free port before the server binds it
            self.port = free_port()
            command = [
                sys.executable, "-m", "streamlit", "run", str(self.script),
                "--server.headless", "true",
                "--server.port", str(self.port),
                "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none",
                *self.extra_args,
            ]  # fmt: skip
            with self.log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    command,
                    cwd=ROOT,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
                )
            if self._wait_healthy():
                return self
            if "already in use" not in self.log_tail():
                break
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(
            f"the Streamlit server did not answer {self.url}/_stcore/health within "
            f"{self.start_timeout_s:.0f} s. Its log ends with:\n{tail}"
        )

    def _wait_healthy(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        """Stop the server (politely, then firmly). Safe to call twice."""
        if self.process is None:
            return
        if self._temporary_log and self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ----------------------------------------------------------------------------------------------------
# The browser
# ----------------------------------------------------------------------------------------------------


@contextmanager
def chromium_context(playwright: Playwright) -> Iterator[BrowserContext]:
    """Debian's chromium, headless, with a fresh user-data-dir that is deleted afterwards."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile,
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
        locale="en-US",
        accept_downloads=True,
    )
    try:
        context.set_default_timeout(IDLE_TIMEOUT_MS)
        yield context
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


# Uncaught JavaScript errors per page, and script runs finished per page, recorded by new_page.
_PAGE_ERRORS: WeakKeyDictionary[Page, list[str]] = WeakKeyDictionary()
_FINISHED_RUNS: WeakKeyDictionary[Page, list[int]] = WeakKeyDictionary()


def _count_finished_run(counter: list[int], payload: str | bytes) -> None:
    """Add 1 to ``counter`` when a websocket frame is Streamlit's "script finished" message."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return
    try:
        message = ForwardMsg.FromString(payload)
    except DecodeError:
        return
    if (
        message.WhichOneof("type") == "script_finished"
        and message.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
    ):
        counter[0] += 1


def new_page(context: BrowserContext) -> Page:
    """A new tab (a new Streamlit session) that records uncaught JavaScript errors and finished runs."""
    page = context.new_page()
    errors: list[str] = []
    _PAGE_ERRORS[page] = errors
    page.on("pageerror", lambda error: errors.append(str(error)))
    runs = [0]
    _FINISHED_RUNS[page] = runs
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: _count_finished_run(runs, payload)),
    )
    return page


def page_path(spec: PageSpec) -> str:
    """URL path of a page: the home page is the app's root, every other page is ``/<slug>``."""
    return "/" if spec.slug == HOME.slug else f"/{spec.slug}"


def page_url(base_url: str, spec: PageSpec, lang: str, query: Mapping[str, str] | None = None) -> str:
    """The page's URL in ``lang``, with the query parameters ``query`` (a shared link's view) after it."""
    return f"{base_url}{page_path(spec)}?{urlencode({**(query or {}), 'lang': lang})}"


def open_app_page(
    page: Page,
    base_url: str,
    spec: PageSpec,
    lang: str,
    query: Mapping[str, str] | None = None,
    section: str | None = ALL,
) -> float:
    """Load one page of the app in ``lang``, wait until idle; return its time to first render in s.

    ``query``: more URL query parameters, e.g. the widget values a shared link holds. ``section``: on a
    topic page (``ui.sections``), the section to open unless ``query`` names one: all of them by default
    (the whole page); None opens what a visitor's plain link opens (the first). Time to first render:
    from the start of navigation until the page first looked idle (script finished, no skeleton, charts
    drawn). Fails if Streamlit did not show the page asked for (an unknown URL path falls back to the
    home page).
    """
    query = dict(query or {})
    sections = PAGE_SECTIONS.get(spec.slug)
    if sections is not None and section is not None:
        query.setdefault(sections.key, section)
    page.goto(page_url(base_url, spec, lang, query))
    seconds = wait_for_app_idle(page)
    shown = urlsplit(page.url).path
    assert shown == page_path(spec), (
        f"asked for {page_path(spec)!r} but the browser shows {shown!r}: Streamlit did not find the page "
        f"(is {spec.path} in ui.navigation.PAGES with url_path={spec.slug!r}?)"
    )
    return seconds


def wait_for_app_idle(page: Page, timeout_ms: int = IDLE_TIMEOUT_MS, settle_ms: int = SETTLE_MS) -> float:
    """Wait until the app finished running and everything is drawn; return the seconds it took.

    The seconds are counted from the start of the page's navigation to the moment it first looked
    idle (the settle wait is not included). After an interaction on an already loaded page, wait
    for a sign of the rerun first (e.g. the URL changing); this only waits for the end of a run.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.evaluate("() => { window.__dlnlIdleSince = null; window.__dlnlChartsWaitSince = null; }")
    try:
        outcome = page.wait_for_function(
            _IDLE_JS, arg=[settle_ms, CHART_TIMEOUT_MS], timeout=timeout_ms, polling=50
        ).json_value()
    except PlaywrightTimeoutError as error:
        busy = page.evaluate("() => window.__dlnlBusy || ''")
        raise AssertionError(
            f"{page.url} did not finish within {timeout_ms / 1000:.0f} s (still: {busy}). "
            f"Exceptions shown: {exception_texts(page)}"
        ) from error
    if outcome is not True:
        raise AssertionError(f"{page.url}: {outcome}. Exceptions shown: {exception_texts(page)}")
    return page.evaluate("() => window.__dlnlIdleSince") / 1000.0


# ----------------------------------------------------------------------------------------------------
# Interactions
# ----------------------------------------------------------------------------------------------------


def finished_runs(page: Page) -> int:
    """How many script runs (whole page or fragment) the server has reported finished to this tab.

    Counted from the ``script_finished`` messages on the tab's websocket (see :func:`new_page`); a
    run cut short by a newer rerun does not count. The page's ``data-test-script-state`` is not
    enough: a run of a few milliseconds can start and end between two renders and never show.
    """
    return _FINISHED_RUNS[page][0]


def rerun_after(page: Page, action: Callable[[], object], timeout_ms: int = IDLE_TIMEOUT_MS) -> None:
    """Do ``action()`` (a click, key presses, an upload), then wait for the script run it causes to end.

    The run may be the whole page or a fragment. Fails, naming the action, when no run finishes
    within ``timeout_ms`` (the interaction did not reach the server).
    """
    wait_for_app_idle(page)  # the count must see this action's run, not the end of an earlier one
    before = finished_runs(page)
    action()
    deadline = time.monotonic() + timeout_ms / 1000
    while finished_runs(page) <= before:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{page.url}: no script run finished within {timeout_ms / 1000:.0f} s after {action!r}"
            )
        page.wait_for_timeout(20)  # lets Playwright deliver the websocket events
    wait_for_app_idle(page)


def widget(page: Page, key: str) -> Locator:
    """The element of the widget (or keyed element) created with ``key=key``."""
    return page.locator(f".st-key-{key}")


# ----------------------------------------------------------------------------------------------------
# Readings
# ----------------------------------------------------------------------------------------------------


def metric_value(page: Page, label: str) -> str:
    """The value shown by the ``st.metric`` labelled exactly ``label``."""
    labels = page.locator('[data-testid="stMetricLabel"]').filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")
    )
    metric = page.locator('[data-testid="stMetric"]').filter(has=labels)
    assert metric.count() == 1, f"{page.url} shows {metric.count()} metrics labelled {label!r}, not 1"
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def dataframe_cells(frame: Locator) -> list[list[str]]:
    """Header and rows of an ``st.dataframe``, as the texts of its cells (full precision, unformatted).

    The grid draws on a canvas; these texts come from the accessible table it keeps beside it,
    which holds the rows in view (all of them for a short table).
    """
    table = frame.locator("table").first
    header = [cell.strip() for cell in table.locator("thead th").all_inner_texts()]
    rows = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    return [header, *rows]


def shown_chart(page: Page, key: str) -> Locator:
    """The Altair chart drawn by ``ui.charts.show_chart(..., key=key)``.

    Streamlit gives charts no ``st-key-`` class, so the chart is found as the element just above
    its CSV download button (``download_<key>``), which show_chart draws right after it.
    """
    return widget(page, f"download_{key}").locator(
        "xpath=preceding-sibling::*[1]//*[@data-testid='stVegaLiteChart']"
    )


def chart_texts(chart: Locator, timeout_ms: float = 5_000) -> list[str]:
    """The text marks an Altair chart drew in SVG, one per mark, the lines of a multi-line mark joined
    by newlines. Axis labels, legends and titles (also text in SVG) are left out."""
    return chart.locator("svg.marks").first.evaluate(
        """(svg) => [...svg.querySelectorAll('.mark-text text')]
             .filter((t) => !t.closest('.role-axis, .role-legend, .role-title'))
             .map((t) => t.querySelector('tspan')
               ? [...t.querySelectorAll('tspan')].map((s) => s.textContent).join('\\n')
               : t.textContent)""",
        timeout=timeout_ms,
    )


# ----------------------------------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------------------------------


def exception_texts(page: Page) -> list[str]:
    """Text of every exception box (``st.exception`` or an uncaught error in the script)."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def error_texts(page: Page) -> list[str]:
    """Text of every error alert (``st.error``) that is not part of an exception box."""
    return page.locator(
        '[data-testid="stAlertContentError"]:not([data-testid="stException"] *)'
    ).all_inner_texts()


def javascript_errors(page: Page) -> list[str]:
    """Uncaught JavaScript errors of a tab opened with :func:`new_page`, oldest first."""
    return list(_PAGE_ERRORS.get(page, []))


def assert_no_exception(page: Page) -> None:
    """No exception box, no error alert, no uncaught JavaScript error on the page."""
    exceptions = exception_texts(page)
    assert not exceptions, f"{page.url} shows {len(exceptions)} exception(s):\n" + "\n---\n".join(exceptions)
    errors = error_texts(page)
    assert not errors, f"{page.url} shows {len(errors)} error message(s):\n" + "\n---\n".join(errors)
    js_errors = javascript_errors(page)
    assert not js_errors, f"{page.url} raised JavaScript error(s): {js_errors}"


def assert_charts_visible(page: Page) -> None:
    """Every Altair/Vega-Lite chart in view (not in a closed tab) drew an SVG or canvas of non-zero size
    with some marks in it."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():
            continue
        drawing = chart.locator("svg.marks, canvas").first
        box = drawing.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"chart {i + 1} on {page.url} has no drawing"
        assert chart.locator("svg.marks").count() == 0 or chart.locator(".mark-group").count() > 0, (
            f"chart {i + 1} on {page.url} drew an empty SVG"
        )


def visit_tabs(page: Page, check: Callable[[str], None]) -> int:
    """Open every tab of the main area in turn (``st.tabs``) and call ``check(name)`` once each tab's
    charts are drawn; returns how many tabs were opened. Charts in a closed tab are drawn only when it
    opens, so a page with tabs is checked tab by tab. A tab nested in another tab, or in a collapsed
    expander, is opened only if it is visible when its turn comes (no page nests tabs yet)."""
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    opened = 0
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if not tab.is_visible():  # a nested tab whose parent tab is closed; reached from its parent
            continue
        name = tab.inner_text().strip()
        tab.click()
        wait_for_app_idle(page)
        check(name)
        opened += 1
    return opened


def truncated_chart_labels(page: Page) -> list[str]:
    """Axis and legend labels that Vega cut short with an ellipsis (longer than its label limit)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                 '[data-testid="stVegaLiteChart"] :is(.role-legend-label, .role-axis-label) text')]
             .map((t) => t.textContent).filter((text) => text.endsWith('…'))"""
    )


def clipped_legend_labels(page: Page) -> list[str]:
    """Legend labels drawn (partly) outside their chart, where the browser cuts them off: Vega lays a
    legend's entries out in one row unless told how many columns, however wide the chart."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].flatMap((chart) => {
               const box = chart.getBoundingClientRect();
               return [...chart.querySelectorAll('.role-legend-label text')]
                   .map((t) => [t.textContent, t.getBoundingClientRect()])
                   .filter(([, r]) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1))
                   .map(([text, r]) => `${text}: ends at ${Math.round(r.right - box.left)} px`
                                       + ` of ${Math.round(box.width)}`);
           })"""
    )


def rendered(markdown: str) -> str:
    """A locale string as the browser shows its text: code spans without their backticks, bold and
    italics without their stars (what ``inner_text`` of the rendered Markdown gives)."""
    text = re.sub(r"`([^`]*)`", r"\1", markdown)
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)


def main_headings(page: Page) -> list[str]:
    """Texts of the headings (h1-h3) in the main area, top to bottom."""
    return [
        text.strip()
        for text in page.locator('[data-testid="stMain"] :is(h1, h2, h3)').all_inner_texts()
        if text.strip()
    ]


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def sidebar_text(page: Page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def switch_language(page: Page, lang: str, label: str, timeout_ms: int = IDLE_TIMEOUT_MS) -> None:
    """Click the language option ``label`` in the sidebar; wait for ``?lang=<lang>`` and the rerun."""
    page.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]').filter(has_text=label).click()
    page.wait_for_function(
        "(lang) => new URLSearchParams(location.search).get('lang') === lang", arg=lang, timeout=timeout_ms
    )
    wait_for_app_idle(page)


def screenshot(page: Page, name: str, directory: Path = SCREENSHOT_DIR) -> Path:
    """Save a full-page PNG ``<directory>/<name>.png`` and return its path.

    Streamlit scrolls inside its main container, not the document, so a plain full-page screenshot
    would stop at the window's height: the viewport is grown to the content's height first, and
    restored afterwards.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    height = page.evaluate(
        """() => Math.max(
            document.documentElement.scrollHeight,
            ...['stMain', 'stSidebarContent'].map(
                (id) => document.querySelector(`[data-testid="${id}"]`)?.scrollHeight || 0))"""
    )
    size = page.viewport_size or VIEWPORT
    tall = min(max(int(height), size["height"]), MAX_SCREENSHOT_HEIGHT)
    if tall != size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
        wait_for_app_idle(page)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if tall != size["height"]:
            page.set_viewport_size(size)
    return path
