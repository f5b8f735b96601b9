"""Screenshot every page of the app in both languages, for reviewing a change.

    python scripts/screenshots.py                       # -> artifacts/screenshots/<slug>-<lang>.png
    python scripts/screenshots.py --out /tmp/shots --page home --lang zh

Starts the real server, opens each page in a fresh tab of Debian's chromium (a new Streamlit session),
waits until it has finished running and drawn its charts, saves a full-page PNG (and one per further
``st.tabs`` tab, ``<slug>-<lang>-tab<N>.png``), and stops the server.
Prints, per page, the time until its title shows (navigation start -> the page's first heading in the
main area: what a visitor waits for before anything of the page appears), the time to first render
(navigation start -> script finished and everything drawn; server start excluded) and the server's
resident memory after the page; exits 1 if a page shows an
exception or an error. Uses the same harness as the browser tests (tests/browser/harness.py).
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
    args = parser.parse_args(argv)

    problem = harness.browser_problem()
    if problem:
        print(f"cannot take screenshots: {problem}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    specs = [spec for spec in PAGES if spec.slug in args.page]
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
                        seconds, path, tabs = _shoot(page, server.url, spec, lang, args.out)
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


def _shoot(page, url: str, spec, lang: str, out: Path) -> tuple[float, Path, int]:
    """Open one page, screenshot it and each further st.tabs tab, check each for errors and undrawn
    charts; returns (time to first render, the page's PNG, the number of tabs, 0 without tabs)."""
    seconds = harness.open_app_page(page, url, spec, lang)
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
