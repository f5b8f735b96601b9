"""Without chromium the browser tests skip locally but fail under CI (never a silent green CI)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import harness

MISSING = Path("/nonexistent/chromium")


def test_under_ci_a_missing_browser_fails_the_browser_tests():
    # End to end, as CI runs them: pytest's exit code is 1 and the reason is printed.
    env = {**os.environ, "CHROMIUM_PATH": str(MISSING), "CI": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/browser/test_pages.py::test_page_loads_without_error"],
        cwd=harness.ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    assert f"The browser tests cannot run under CI: Debian's chromium is not installed at {MISSING}" in (
        result.stdout
    )
    assert "skipped" not in result.stdout.splitlines()[-1]


@pytest.mark.parametrize("ci", ["true", "1"])
def test_require_browser_fails_under_ci(monkeypatch, ci):
    monkeypatch.setattr(harness, "CHROMIUM", MISSING)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match=r"cannot run under CI: .*not installed at /nonexistent"):
        harness.require_browser()


@pytest.mark.parametrize("ci", ["", "0", "false"])
def test_require_browser_skips_locally_with_the_reason(monkeypatch, ci):
    monkeypatch.setattr(harness, "CHROMIUM", MISSING)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"not installed at /nonexistent/chromium .*apt-get"):
        harness.require_browser()


def test_require_browser_passes_with_debians_chromium(monkeypatch):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium on this machine")
    monkeypatch.setattr(harness, "CHROMIUM", Path("/usr/bin/chromium"))
    monkeypatch.setenv("CI", "true")
    harness.require_browser()


def test_finished_runs_are_counted_from_script_finished_messages():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    status = ForwardMsg.ScriptFinishedStatus
    frames = []
    for finished in (status.FINISHED_SUCCESSFULLY, status.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
        message = ForwardMsg()
        message.script_finished = finished
        frames.append(message.SerializeToString())
    cut_short = ForwardMsg()
    cut_short.script_finished = status.FINISHED_EARLY_FOR_RERUN  # another run follows: not the end
    other = ForwardMsg()
    other.new_session.name = "app"
    frames += [cut_short.SerializeToString(), other.SerializeToString(), b"\xff\x00 not protobuf", "text"]
    counter = [0]
    for payload in frames:
        harness._count_finished_run(counter, payload)
    assert counter == [2]
