"""Compute every page's default view ahead and write it to ``data/defaults/`` (see ``ui/shipped.py``).

    python scripts/precompute_defaults.py            # all topic pages, both languages: ~1 min of CPU
    python scripts/precompute_defaults.py --check    # recompute, compare with the files: exit 1 if not equal

Opens each topic page at its default view (no link parameters but ``?<section key>=all``: every section of
it, ``ui.sections``) in English and in Chinese with AppTest,
with the shipped results switched off, so that every :func:`ui.compute.shared` call computes live; then
writes what the shared store holds, one file per module of the functions asked for. A result whose
pickle would need torch or scikit-learn to read (a model, a tensor) is left out, and so is one over
``MAX_ENTRY_BYTES``: those are computed live (the script lists them). ``--check`` compares, with the
tolerances of :func:`differences`, instead of writing.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import math
import pickle
import sys
from collections import defaultdict
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui import shipped  # noqa: E402
from ui.navigation import TOPICS  # noqa: E402

LANGS = ("en", "zh")
MAX_ENTRY_BYTES = 1_000_000
#: modules a shipped result must not need to be read: the point is a default view without them
HEAVY = ("torch", "sklearn", "scipy")
#: results that are not computations (files read as they are): nothing to gain from a second copy
NOT_SHIPPED = ("core.notes",)
#: tolerances of :func:`differences`: float64 results recomputed on the same code agree to rounding;
#: float32 trainings (torch) may differ by a few ulps in another BLAS, within these
RTOL = 1e-5
ATOL = 1e-7
#: fields that time the run (CPU or wall seconds): what the shipped run took, not compared
TIMINGS = frozenset({"cpu", "cpu_seconds", "seconds"})


class _Modules(pickle.Unpickler):
    """Reads a pickle and records the modules of the classes and functions it names."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.modules: set[str] = set()

    def find_class(self, module: str, name: str) -> Any:
        self.modules.add(module)
        return super().find_class(module, name)


def needs(data: bytes) -> set[str]:
    """The top-level packages that reading the pickle ``data`` imports."""
    reader = _Modules(data)
    reader.load()
    return {module.split(".")[0] for module in reader.modules}


def record(slug: str, langs: Iterable[str] = LANGS) -> dict[Hashable, Any]:
    """Open ``slug``'s default view in each language with nothing shipped; the shared store afterwards,
    keyed by portable keys."""
    from tests.apptest import open_page
    from ui.compute import _results

    shipped.enabled = False
    try:
        store = _results()
        store.clear()
        for lang in langs:
            open_page(f"app_pages/{slug}.py", lang)
        with store._lock:
            return {shipped.portable(key): value for key, value in store._done.items()}
    finally:
        shipped.enabled = True


def shippable(entries: dict[Hashable, Any]) -> tuple[dict[str, list], list[str]]:
    """``entries`` grouped by their function's module, those that can be shipped; and why the others
    cannot."""
    files: dict[str, list] = defaultdict(list)
    left_out: list[str] = []
    for key, value in entries.items():
        name = f"{key[0]}.{key[1]}{_short(key[2])}"
        if key[0].startswith(NOT_SHIPPED):
            continue
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        heavy = sorted(needs(data) & set(HEAVY))
        if heavy:
            left_out.append(f"{name}: needs {', '.join(heavy)} to read")
        elif len(data) > MAX_ENTRY_BYTES:
            left_out.append(f"{name}: {len(data) / 1e6:.1f} MB")
        else:
            files[key[0]].append((key, value))
    return files, left_out


def differences(shipped_value: Any, live: Any, where: str = "result") -> list[str]:
    """Where ``shipped_value`` and ``live`` differ (empty when equal): floats and float arrays within
    ``RTOL``/``ATOL`` (NaN equal to NaN), everything else exactly, through tuples, lists, dicts,
    dataclasses, named tuples, frames and objects with a ``__dict__``; a dict key or field named in
    ``TIMINGS`` (the seconds a run took) is not compared."""
    import numpy as np
    import pandas as pd

    a, b = shipped_value, live
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} shipped, {type(b).__name__} live"]
    if isinstance(a, float):
        return [] if _close(a, b) else [f"{where}: {a!r} shipped, {b!r} live"]
    if isinstance(a, np.ndarray):
        if a.shape != b.shape or a.dtype != b.dtype:
            return [f"{where}: array {a.dtype}{a.shape} shipped, {b.dtype}{b.shape} live"]
        if a.dtype.kind in "fc":
            ok = np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True)
        else:
            ok = np.array_equal(a, b)
        return [] if ok else [f"{where}: arrays differ (max |diff| {_max_diff(a, b)})"]
    if isinstance(a, (pd.DataFrame, pd.Series)):
        try:
            check = (
                pd.testing.assert_frame_equal
                if isinstance(a, pd.DataFrame)
                else pd.testing.assert_series_equal
            )
            check(a, b, rtol=RTOL, atol=ATOL)
        except AssertionError as error:
            return [f"{where}: {str(error).splitlines()[0]}"]
        return []
    if isinstance(a, (tuple, list)):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items shipped, {len(b)} live"]
        return [
            d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{where}: keys {sorted(map(str, set(a) ^ set(b)))} differ"]
        return [d for k in a if k not in TIMINGS for d in differences(a[k], b[k], f"{where}[{k!r}]")]
    if dataclasses.is_dataclass(a):
        # a result pickled by older code may lack a field the class has now
        missing = [f.name for f in dataclasses.fields(b) if not hasattr(a, f.name)]
        if missing:
            return [f"{where}: fields {missing} not in the shipped result (written by older code)"]
        return [
            d
            for f in dataclasses.fields(a)
            if f.name not in TIMINGS
            for d in differences(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
        ]
    if hasattr(a, "__dict__") and not isinstance(a, type):
        return differences(vars(a), vars(b), where)
    try:
        return [] if a == b else [f"{where}: {a!r} shipped, {b!r} live"]
    except (TypeError, ValueError):
        return [f"{where}: cannot compare {type(a).__name__}"]


def _close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)


def _max_diff(a: Any, b: Any) -> str:
    import numpy as np

    try:
        return f"{float(np.nanmax(np.abs(a.astype(float) - b.astype(float)))):.3g}"
    except (TypeError, ValueError):
        return "?"


def _short(args: tuple) -> str:
    text = repr(args)
    return text if len(text) <= 70 else text[:67] + "..."


def read(module: str) -> dict[Hashable, Any]:
    path = shipped.file_of(module)
    with path.open("rb") as handle:
        return dict(pickle.load(handle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    slugs = [spec.slug for spec in TOPICS]
    parser.add_argument("--page", nargs="+", choices=slugs, default=slugs)
    parser.add_argument("--check", action="store_true", help="compare with the files instead of writing")
    args = parser.parse_args(argv)

    files: dict[str, list] = defaultdict(list)
    for slug in args.page:
        page_files, left_out = shippable(record(slug))
        for module, entries in page_files.items():
            files[module].extend(entries)
        print(f"{slug}: {sum(len(e) for e in page_files.values())} result(s) in {sorted(page_files)}")
        for line in left_out:
            print(f"  not shipped (computed live when needed): {line}")
    failures = 0
    shipped.DIRECTORY.mkdir(parents=True, exist_ok=True)
    for module, entries in sorted(files.items()):
        unique = dict(entries)
        if args.check:
            on_disk = read(module) if shipped.file_of(module).is_file() else {}
            for key, value in unique.items():
                found = differences(on_disk[key], value) if key in on_disk else ["not in the file"]
                if found:
                    failures += 1
                    print(f"DIFFERS {module}.{key[1]}{_short(key[2])}: {'; '.join(found[:3])}")
            continue
        data = pickle.dumps(sorted(unique.items(), key=repr), protocol=pickle.HIGHEST_PROTOCOL)
        shipped.file_of(module).write_bytes(data)
        where = shipped.file_of(module).relative_to(ROOT)
        print(f"wrote {where}: {len(unique)} result(s), {len(data) / 1e3:.0f} kB")
    if not args.check and set(args.page) == set(slugs):  # every page: a file no page asks for is stale
        for path in shipped.DIRECTORY.glob("*.pkl"):
            if path.stem not in files:
                path.unlink()
                print(f"removed {path.relative_to(ROOT)} (no page asks for it)")
    if args.check:
        print("all shipped results equal the live ones" if not failures else f"{failures} result(s) differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
