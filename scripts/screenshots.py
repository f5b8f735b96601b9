"""Screenshot every page of the app in both languages, for reviewing a change.

    python scripts/screenshots.py                       # -> artifacts/screenshots/<slug>-<lang>.png
    python scripts/screenshots.py --out /tmp/shots --page home --lang zh
    python scripts/screenshots.py --page losses --section all   # a topic page's every section

Starts the real server, opens each page in a fresh tab of Debian's chromium (a new Streamlit session),
waits until it has finished running and drawn its charts, saves a full-page PNG (and one per further
``st.tabs`` tab, ``<slug>-<lang>-tab<N>.png``), and stops the server.
Prints, per page, the time until its title shows (navigation start -> the page's first heading in the
main area: what a visitor waits for before anything of the page appears), the time to first render
(navigation start -> script finished and everything drawn; server start excluded) and the server's
resident memory after the page; exits 1 if a page shows an
exception or an error. Uses the same harness as the browser tests (tests/browser/harness.py).

    python scripts/screenshots.py --fresh-server-table [--repeat 3] [--page metrics] [--visit-after 2]

The first visit instead, no screenshots: for each page, a fresh server and a fresh browser profile (the
first visitor of a server that just started, as after a cold start), the page opened in English, then in
Chinese in a new tab; then one more server in which every page is opened in both languages, and its RSS.
The first visit starts as soon as the server answers (a sleeping app woken by its visitor), or
``--visit-after`` seconds later (a server that started before its first visitor came: its warm-up,
``ui/warmup.py``, done).
Prints the load average before and after, one row per page and language with the median (and the range)
over ``--repeat`` runs of the time until the title shows and until the page is fully drawn (the script
finished and every chart in view drawn: the harness's idle), and the server's RSS after all pages.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser import harness  # noqa: E402
from ui.navigation import PAGES  # noqa: E402

MB = 1024 * 1024
# Records when the page's first heading appears in the main area (ms since navigation start).
_TITLE_WATCH_JS = """
(() => {
  const seen = () => document.querySelector('[data-testid="stMain"] h1');
  const mark = () => {
    if (window.__dlnlTitleAt == null && seen()) window.__dlnlTitleAt = performance.now();
  };
  new MutationObserver(mark).observe(document, { childList: true, subtree: true });
})();
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=harness.SCREENSHOT_DIR, help="folder for the PNGs")
    parser.add_argument("--lang", nargs="+", choices=harness.LANGS, default=list(harness.LANGS))
    slugs = [spec.slug for spec in PAGES]
    parser.add_argument("--page", nargs="+", choices=slugs, default=slugs, help="page slugs (default: all)")
    parser.add_argument(
        "--fresh-server-table",
        action="store_true",
        help="no screenshots: each page's first visit on a fresh server, then the RSS after all pages",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per page for --fresh-server-table")
    parser.add_argument(
        "--visit-after",
        type=float,
        default=0.0,
        help="for --fresh-server-table: seconds between the server's first answer and the first visit",
    )
    parser.add_argument(
        "--section",
        default=None,
        help="on a topic page, the section to open ('all': the whole page); default: what a plain link opens",
    )
    args = parser.parse_args(argv)

    problem = harness.browser_problem()
    if problem:
        print(f"cannot take screenshots: {problem}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    specs = [spec for spec in PAGES if spec.slug in args.page]
    if args.fresh_server_table:
        return fresh_server_table(specs, args.lang, max(1, args.repeat), args.visit_after)
    failures: list[str] = []
    started = time.perf_counter()
    with harness.StreamlitServer() as server:
        print(f"server {server.url} (pid {server.pid}) up in {time.perf_counter() - started:.1f} s, "
              f"RSS {harness.rss_bytes(server.pid) / MB:.0f} MB")  # fmt: skip
        print(f"{'page':<16}{'lang':<6}{'title':>9}{'first render':>14}{'server RSS':>12}  screenshot")
        with sync_playwright() as playwright, harness.chromium_context(playwright) as context:
            context.add_init_script(_TITLE_WATCH_JS)
            for spec in specs:
                for lang in args.lang:
                    page = harness.new_page(context)
                    title = float("nan")
                    try:
                        seconds, path, tabs = _shoot(page, server.url, spec, lang, args.out, args.section)
                        title = (page.evaluate("() => window.__dlnlTitleAt") or float("nan")) / 1000
                        status = f"  (+ {tabs - 1} more tabs: -tab2 ... -tab{tabs})" if tabs > 1 else ""
                    except AssertionError as error:
                        seconds, path, status = float("nan"), args.out / f"{spec.slug}-{lang}.png", "  FAILED"
                        failures.append(f"{spec.slug} [{lang}]: {error}")
                    finally:
                        page.close()
                    rss = harness.rss_bytes(server.pid) / MB
                    print(f"{spec.slug:<16}{lang:<6}{title:>7.2f} s{seconds:>12.2f} s{rss:>9.0f} MB  "
                          f"{_shown(path)}{status}")  # fmt: skip
        rss, peak = harness.rss_bytes(server.pid) / MB, harness.peak_rss_bytes(server.pid) / MB
        print(
            f"server RSS after all {len(specs)} page(s) x {len(args.lang)} language(s): "
            f"{rss:.0f} MB (peak {peak:.0f} MB)"
        )
    for failure in failures:
        print(f"\nFAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


def _visit(context, url: str, spec, lang: str) -> tuple[float, float]:
    """Open one page in a new tab; (seconds until its title shows, seconds until fully drawn)."""
    page = harness.new_page(context)
    try:
        drawn = harness.open_app_page(page, url, spec, lang, section=None)  # what a plain link opens
        harness.assert_no_exception(page)
        title = (page.evaluate("() => window.__dlnlTitleAt") or float("nan")) / 1000
    finally:
        page.close()
    return title, drawn


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def fresh_server_table(specs: list, langs: list[str], repeat: int, visit_after: float = 0.0) -> int:
    """The first visit of each page on a fresh server (see the module doc); exits 1 if a page fails."""
    from playwright.sync_api import sync_playwright

    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    server_up: list[float] = []
    failures: list[str] = []
    print(f"load average before: {_load()}  ({repeat} run(s) per page, median shown, [min-max])")
    print(f"first visit {visit_after:g} s after the server's first answer")
    with sync_playwright() as playwright:
        for run in range(repeat):
            for spec in specs:
                launched = time.perf_counter()
                with harness.StreamlitServer() as server:
                    server_up.append(time.perf_counter() - launched)
                    with harness.chromium_context(playwright) as context:
                        context.add_init_script(_TITLE_WATCH_JS)
                        time.sleep(visit_after)
                        for lang in langs:
                            try:
                                times.setdefault((spec.slug, lang), []).append(
                                    _visit(context, server.url, spec, lang)
                                )
                            except AssertionError as error:
                                failures.append(f"{spec.slug} [{lang}] run {run + 1}: {error}")
        with harness.StreamlitServer() as server, harness.chromium_context(playwright) as context:
            context.add_init_script(_TITLE_WATCH_JS)
            for spec in specs:
                for lang in langs:
                    try:
                        _visit(context, server.url, spec, lang)
                    except AssertionError as error:
                        failures.append(f"{spec.slug} [{lang}] (all pages in one server): {error}")
            rss, peak = harness.rss_bytes(server.pid) / MB, harness.peak_rss_bytes(server.pid) / MB
    print(f"server up (launch -> first answer): {_median_range(sorted(server_up))} s")
    print(f"{'page':<16}{'lang':<6}{'title shown (s)':>22}{'fully drawn (s)':>22}")
    for (slug, lang), runs in times.items():
        title = sorted(r[0] for r in runs)
        drawn = sorted(r[1] for r in runs)
        print(f"{slug:<16}{lang:<6}{_median_range(title):>22}{_median_range(drawn):>22}")
    print(
        f"server RSS after all {len(specs)} page(s) x {len(langs)} language(s) in one server: "
        f"{rss:.0f} MB (peak {peak:.0f} MB)"
    )
    print(f"load average after: {_load()}")
    for failure in failures:
        print(f"\nFAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


def _median_range(values: list[float]) -> str:
    middle = values[len(values) // 2] if len(values) % 2 else sum(values[len(values) // 2 - 1 :][:2]) / 2
    if len(values) == 1:
        return f"{middle:.2f}"
    return f"{middle:.2f} [{values[0]:.2f}-{values[-1]:.2f}]"


def _shoot(page, url: str, spec, lang: str, out: Path, section: str | None) -> tuple[float, Path, int]:
    """Open one page (a topic page at ``section``), screenshot it and each further st.tabs tab, check each
    for errors and undrawn charts; returns (time to first render, the page's PNG, the number of tabs, 0
    without tabs)."""
    seconds = harness.open_app_page(page, url, spec, lang, section=section)
    path = harness.screenshot(page, f"{spec.slug}-{lang}", directory=out)
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    opened: list[str] = []

    def shoot_tab(name: str) -> None:
        opened.append(name)
        if len(opened) > 1:  # the first tab is in the page's own screenshot
            harness.screenshot(page, f"{spec.slug}-{lang}-tab{len(opened)}", directory=out)
        harness.assert_no_exception(page)
        harness.assert_charts_visible(page)

    harness.visit_tabs(page, shoot_tab)
    return seconds, path, len(opened)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
