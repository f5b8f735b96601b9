#!/usr/bin/env bash
# Fresh-machine check: in a NEW virtual environment, run the README's install command and then the
# README's test command, exactly as README.md writes them (read by scripts/readme_commands.py, so the
# two cannot drift apart). Fails if either fails. The environment is deleted afterwards.
#
#   bash scripts/fresh_machine_check.sh
#
# Needs: python 3.11 on PATH (the one the venv is made from), and for the browser tests Debian's
# chromium at /usr/bin/chromium (.ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

install_cmd=$(python scripts/readme_commands.py install)
test_cmd=$(python scripts/readme_commands.py test)

venv=$(mktemp -d "${TMPDIR:-/tmp}/dlnl-fresh-venv.XXXXXX")
trap 'rm -rf "$venv"' EXIT
python -m venv "$venv"
# shellcheck disable=SC1091
source "$venv/bin/activate" # from here on, `pip` and `python` are the new environment's
echo "fresh virtual environment: $venv ($(python --version))"

# requirements.txt names the PyPI-style index that serves CPU-only torch wheels. Where that index
# cannot be reached (a sandbox that reaches PyPI but nothing else), pip retries it five times with
# back-off for every package it resolves: about 6 extra minutes for nothing. Retrying once (no
# back-off) keeps the check fast there and changes nothing where the index answers.
unreachable=$(
    python - <<'EOF'
import re, urllib.request
urls = set()
for name in ("requirements.txt", "requirements-dev.txt"):
    for line in open(name, encoding="utf-8"):
        m = re.match(r"\s*(?:--extra-index-url|--index-url|-i|--find-links|-f)[\s=]+(https?://\S+)", line)
        if m:
            urls.add(m.group(1))
for url in sorted(urls):
    try:
        urllib.request.urlopen(url, timeout=10).close()
    except Exception:
        print(url)
EOF
)
if [ -n "$unreachable" ]; then
    echo "cannot reach $(echo "$unreachable" | tr '\n' ' ')from here: PIP_RETRIES=1 for this check"
    export PIP_RETRIES=1
fi

start=$(date +%s)
echo "+ $install_cmd"
if ! bash -c "$install_cmd"; then
    echo "FRESH-MACHINE CHECK FAILED: the README's install command failed: $install_cmd" >&2
    exit 1
fi
echo "install: $(($(date +%s) - start)) s, environment size $(du -sh "$venv" | cut -f1)"

echo "+ $test_cmd"
if ! bash -c "$test_cmd"; then
    echo "FRESH-MACHINE CHECK FAILED: the README's test command failed: $test_cmd" >&2
    exit 1
fi
echo "fresh-machine check passed: '$install_cmd' then '$test_cmd' in a new virtual environment"
