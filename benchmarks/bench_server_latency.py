"""Small responses on a kept-alive connection: our server (``streamlit run app.py``) against Streamlit's own.

A browser loads Streamlit's frontend as ~170 files over a few kept-alive connections, most of them a few
kB. Streamlit's server leaves Nagle's algorithm on for its connections (it binds its socket with protocol
0, and asyncio sets TCP_NODELAY only for IPPROTO_TCP), so the body of a small response waits for the
browser's delayed acknowledgement of its headers. ``app.py``'s lifespan turns it off
(``ui.server.send_small_writes_at_once``). This starts both servers, fetches the smallest files of the
frontend over one connection to each, and prints the median time per file and the ratio.

    python benchmarks/bench_server_latency.py [--files 40] [--rounds 3] [--settle 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit import file_util

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import harness  # noqa: E402


def seconds_per_file(port: int, paths: list[str], rounds: int) -> list[float]:
    """Each of ``paths`` fetched ``rounds`` times over one kept-alive connection: seconds per fetch."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            times.append(time.perf_counter() - started)
            assert response.status == 200 and body, (path, response.status)
    connection.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40, help="the smallest files of the frontend's JS")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--settle", type=float, default=3.0, help="seconds between the first answer and the fetches"
    )
    args = parser.parse_args()

    js = Path(file_util.get_static_dir()) / "static" / "js"
    smallest = sorted((p for p in js.glob("*.js")), key=lambda p: p.stat().st_size)[: args.files]
    paths = [f"/static/js/{p.name}" for p in smallest]
    sizes = [p.stat().st_size for p in smallest]
    print(f"{len(paths)} files of {min(sizes)}-{max(sizes)} bytes, {args.rounds} rounds, one connection each")

    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.py"  # Streamlit's server as it comes: a plain script, no st.App
        plain.write_text('import streamlit as st\n\nst.write("reference")\n', encoding="utf-8")
        results = {}
        servers = (("streamlit (plain script)", plain), ("ours (app.py's st.App)", harness.APP))
        for name, script in servers:
            with harness.StreamlitServer(script=script) as server:
                time.sleep(args.settle)  # ours warms up in a thread after it answers: not measured here
                seconds_per_file(server.port, paths[:5], 1)  # the connection's first requests, OS caches
                results[name] = seconds_per_file(server.port, paths, args.rounds)
    for name, times in results.items():
        print(
            f"{name:26s} median {1000 * statistics.median(times):6.2f} ms a file, "
            f"total {sum(times):6.2f} s for {len(times)} fetches"
        )
    reference, ours = (statistics.median(times) for times in results.values())
    load = os.getloadavg()[0]
    print(f"ratio streamlit / ours (median per file): {reference / ours:.1f}x; load average {load:.2f}")


if __name__ == "__main__":
    main()
