"""Write every experiment section's plain PyTorch / scikit-learn script at the page's default state.

    python scripts/export_experiments.py --out DIR [--other] [--run]

One file per section, ``<page>__<section>.py`` (the templates are in ``experiments/``; the values written
into each script's PARAMS and EXPECTED come from the section's view, computed as the page computes it).
``--other`` writes the section's other tested state instead, ``--run`` runs each written script (in DIR,
``python -I``: the project is not on the import path) and prints its exit status and wall time.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the folder to write the scripts to")
    parser.add_argument("--other", action="store_true", help="each section's other tested state")
    parser.add_argument("--run", action="store_true", help="run every script written and time it")
    parser.add_argument("--only", default="", help="write only the sections whose file name contains this")
    args = parser.parse_args(argv)
    from ui.reproduce import at_state, registry

    for name in list(logging.Logger.manager.loggerDict):  # the views run without a browser: no warnings
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)

    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for page, section in sorted(registry()):
        name = f"{page}__{section}.py"
        if args.only not in name or (args.other and registry()[(page, section)].other is None):
            continue
        path = args.out / name
        path.write_text(at_state(page, section, "other" if args.other else "default"), encoding="utf-8")
        if not args.run:
            print(path)
            continue
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-I", name], cwd=args.out, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        failed += done.returncode != 0
        print(f"{name:<48} exit {done.returncode}  {seconds:6.1f} s")
        if done.returncode:
            print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
