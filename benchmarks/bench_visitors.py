"""Load test: waves of concurrent browser sessions uploading a score file to the metrics page.

    python benchmarks/bench_visitors.py [--sessions 8] [--mb 50] [--ttl 20]

Starts the real app (``streamlit run app.py``) on loopback, then two waves of ``--sessions`` tabs of
Debian's chromium (each a Streamlit session) that all upload the same generated ``label,score`` file
of ``--mb`` MB through the page's real file input at once; every session's AUC is checked against
``core.metrics``. Between the waves the tabs close and the server's disconnected-session TTL passes
(``--ttl``, passed to the server as ``--server.disconnectedSessionTTL``; the app's own setting is
Streamlit's 120 s, shortened here only to keep the run short). Prints the server's RSS before, at
each wave's peak, with the reports shown, after the TTL, the MB kept per session (and as a ratio to the
file size) and the second wave's growth. The machine is shared: times are noisy, RSS much less so.

Targets (issue 15): kept per session <= 0.3x the file; the second wave grows RSS by < 10% of the
first wave's growth; every session correct, no error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import harness, load  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8, help="sessions per wave (default 8)")
    parser.add_argument("--mb", type=float, default=50.0, help="size of the uploaded file in MB (default 50)")
    parser.add_argument("--ttl", type=int, default=20, help="server.disconnectedSessionTTL in s (default 20)")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 16 or not 0.1 <= args.mb <= 200:
        parser.error("keep it bounded on a shared machine: 1-16 sessions, 0.1-200 MB")
    problem = harness.browser_problem()
    if problem:
        print(f"cannot run: {problem}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scores.csv"
        load.write_score_file(path, args.mb)
        server = harness.StreamlitServer(
            extra_args=("--client.showErrorDetails", "full", "--server.disconnectedSessionTTL", str(args.ttl))
        )
        with server, sync_playwright() as playwright, harness.chromium_context(playwright) as context:
            result = load.load_test(context, server, path, args.sessions, args.ttl)
    for line in result.lines():
        print(line)
    ok = (
        not result.problems
        and result.kept_per_session <= 0.3 * result.file_bytes
        and result.second_wave_growth < 0.1 * max(result.wave1.growth, 1)
    )
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
