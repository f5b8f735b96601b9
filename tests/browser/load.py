"""Many visitors at once: waves of real browser sessions uploading a score file to the metrics page.

Used by ``benchmarks/bench_visitors.py`` (the full load test: 8 sessions by default) and by
``tests/browser/test_visitors.py`` (a small one that CI runs). Both go through the same steps:

1. a real server (``tests.browser.harness.StreamlitServer``) on loopback, one throwaway visit so the
   imports are done, then RSS "before";
2. wave 1: N tabs of Debian's chromium (N Streamlit sessions) open the metrics page with the upload
   source, all pick the same generated ``label,score`` file through the real ``<input type=file>``
   at once, and each waits for its report; every shown AUC is checked against ``core.metrics`` and
   no tab may show an error. RSS is sampled while they run (the peak is the kernel's high-water mark,
   reset before the wave) and once all reports are shown ("kept", the sessions still open);
3. the tabs close; after the server's disconnected-session TTL (plus a margin) RSS is sampled again;
4. wave 2: the same with N new sessions; its growth is compared with wave 1's.

Server RSS is read from ``/proc/<pid>/status`` (VmRSS, VmHWM).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.metrics import roc_auc_score
from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

MB = 1e6
METRICS = next(spec for spec in PAGES if spec.slug == "metrics")
AUC_LABEL = load_strings("en")["metrics.auc"]
SHOWN_AUC_TOL = 5e-5  # the page shows 4 decimals
WAVE_TIMEOUT_MS = 600_000  # one wave of uploads on two shared cores


def write_score_file(path: Path, megabytes: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A ``label,score`` CSV of about ``megabytes`` MB (10 bytes a row, scores with 5 decimals, so at
    most 100,000 distinct scores whatever the size); returns its labels and scores."""
    rows = int(megabytes * MB / 10)
    rng = np.random.default_rng(seed)
    label = rng.random(rows) < 0.3
    digits = np.round(np.clip(rng.normal(0.35 + 0.3 * label, 0.2), 0, 0.99999) * 100_000).astype(np.int64)
    digits = digits.clip(0, 99_999)
    table = np.empty((rows, 10), dtype=np.uint8)
    table[:, 0] = ord("0") + label
    table[:, 1:4] = np.frombuffer(b",0.", dtype=np.uint8)
    for k in range(5):  # the five decimals, most significant first
        table[:, 8 - k] = ord("0") + (digits // 10**k) % 10
    table[:, 9] = ord("\n")
    with open(path, "wb") as handle:
        handle.write(b"label,score\n")
        handle.write(table.tobytes())
    return label, digits / 100_000


def reset_peak(pid: int) -> None:
    """Reset the kernel's high-water mark of ``pid``'s resident memory (VmHWM) to its current RSS."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Wave:
    """One wave's readings (bytes) and outcome."""

    sessions: int
    before: int = 0  # RSS before the wave
    peak: int = 0  # highest RSS during the wave
    kept: int = 0  # RSS once every report is shown, sessions still open
    seconds: float = 0.0  # from the uploads to the last report shown
    aucs: list[float] = field(default_factory=list)  # AUC shown by each session
    problems: list[str] = field(default_factory=list)  # errors shown, wrong AUCs

    @property
    def growth(self) -> int:
        return self.kept - self.before


def _shown_auc(page: Page, timeout_ms: int) -> float:
    labels = page.locator('[data-testid="stMetricLabel"]').filter(has_text=AUC_LABEL)
    labels.first.wait_for(timeout=timeout_ms)
    harness.wait_for_app_idle(page, timeout_ms=timeout_ms)
    return float(harness.metric_value(page, AUC_LABEL))


def run_wave(
    context: BrowserContext, server: harness.StreamlitServer, path: Path, expected_auc: float, sessions: int
) -> tuple[Wave, list[Page]]:
    """Open ``sessions`` tabs on the metrics page, upload ``path`` in all of them at once, wait for every
    report and check it. Returns the readings and the open tabs (the caller closes them)."""
    wave = Wave(sessions)
    pages = [harness.new_page(context) for _ in range(sessions)]
    for page in pages:
        harness.open_app_page(page, server.url, METRICS, "en", {"metrics_source": "upload"})
    wave.before = harness.rss_bytes(server.pid)
    reset_peak(server.pid)
    start = time.monotonic()
    for page in pages:  # each call returns once the browser has the file; the uploads then run together
        page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(path)
    for i, page in enumerate(pages):
        try:
            auc = _shown_auc(page, WAVE_TIMEOUT_MS)
            wave.aucs.append(auc)
            if abs(auc - expected_auc) > SHOWN_AUC_TOL:
                wave.problems.append(
                    f"session {i + 1} shows AUC {auc}, core.metrics gives {expected_auc:.6f}"
                )
            harness.assert_no_exception(page)
        except AssertionError as error:
            wave.problems.append(f"session {i + 1}: {error}")
    wave.seconds = time.monotonic() - start
    time.sleep(1.0)  # let the last runs' temporaries go
    wave.kept = harness.rss_bytes(server.pid)
    wave.peak = harness.peak_rss_bytes(server.pid)
    return wave, pages


@dataclass
class LoadTest:
    """Both waves of a load test, and the server's RSS between them."""

    file_bytes: int
    sessions: int
    ttl_s: float
    start: int = 0  # RSS of the warm server before any upload
    wave1: Wave | None = None
    after_ttl: int = 0  # RSS after wave 1's tabs closed and the TTL passed
    wave2: Wave | None = None

    @property
    def kept_per_session(self) -> float:
        """Bytes wave 1 kept per session while its reports were shown."""
        assert self.wave1 is not None
        return self.wave1.growth / self.sessions

    @property
    def second_wave_growth(self) -> int:
        """How much higher RSS ends after wave 2 than after wave 1 (both with their reports shown)."""
        assert self.wave1 is not None and self.wave2 is not None
        return self.wave2.kept - self.wave1.kept

    @property
    def problems(self) -> list[str]:
        return [p for w in (self.wave1, self.wave2) if w is not None for p in w.problems]

    def lines(self) -> list[str]:
        """The figures, one per line."""
        w1, w2 = self.wave1, self.wave2
        assert w1 is not None and w2 is not None
        size = self.file_bytes
        return [
            f"file {size / MB:.1f} MB, {self.sessions} sessions a wave, "
            f"disconnected-session TTL {self.ttl_s:.0f} s",
            f"server RSS: warm {self.start / MB:.0f} MB",
            f"  wave 1: peak {w1.peak / MB:.0f} MB, reports shown {w1.kept / MB:.0f} MB "
            f"(+{w1.growth / MB:.0f} MB; {w1.seconds:.1f} s for all uploads)",
            f"  tabs closed + TTL: {self.after_ttl / MB:.0f} MB",
            f"  wave 2: peak {w2.peak / MB:.0f} MB, reports shown {w2.kept / MB:.0f} MB "
            f"(+{w2.growth / MB:.0f} MB over its start; {w2.seconds:.1f} s)",
            f"kept per session: {self.kept_per_session / MB:.1f} MB = "
            f"{self.kept_per_session / size:.2f}x the file",
            f"second wave grew RSS by {self.second_wave_growth / MB:+.0f} MB over the first wave's end = "
            f"{self.second_wave_growth / max(w1.growth, 1):+.1%} of the first wave's growth "
            f"(peaks: {w1.peak / MB:.0f} -> {w2.peak / MB:.0f} MB)",
            f"sessions correct: {len(w1.aucs) + len(w2.aucs) - len(self.problems)} of {2 * self.sessions}; "
            f"problems: {self.problems or 'none'}",
        ]


def load_test(
    context: BrowserContext, server: harness.StreamlitServer, path: Path, sessions: int, ttl_s: float
) -> LoadTest:
    """Run both waves against ``server`` (started with ``--server.disconnectedSessionTTL ttl_s``)."""
    from core.scores import load_scores

    table = load_scores(path)
    expected = float(roc_auc_score(table.y_true, table.scores["score"]))
    del table
    result = LoadTest(file_bytes=path.stat().st_size, sessions=sessions, ttl_s=ttl_s)
    # Imports and first-run work are not a visitor's memory. The page's default view is drawn from shipped
    # results without scipy or scikit-learn (issue 26), so the warm-up also uploads a small file: what the
    # first upload imports is paid here, not by the first wave.
    small = path.with_name(f"warm-{path.name}")
    write_score_file(small, 0.05, seed=1)
    warm = harness.new_page(context)
    harness.open_app_page(warm, server.url, METRICS, "en", {"metrics_source": "upload"})
    warm.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(small)
    _shown_auc(warm, WAVE_TIMEOUT_MS)
    harness.assert_no_exception(warm)
    warm.close()
    time.sleep(ttl_s + 2.0)  # the warm-up session's kept file goes with its TTL
    result.start = harness.rss_bytes(server.pid)
    result.wave1, pages = run_wave(context, server, path, expected, sessions)
    for page in pages:
        page.close()
    time.sleep(ttl_s + 5.0)
    result.after_ttl = harness.rss_bytes(server.pid)
    result.wave2, pages = run_wave(context, server, path, expected, sessions)
    for page in pages:
        page.close()
    return result
