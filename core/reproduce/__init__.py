"""Plain PyTorch / scikit-learn scripts of the pages' experiments, filled in with a view's numbers.

Every experiment section has one template in ``experiments/<page>__<section>.py`` at the project's root: a
short standalone script (numpy, torch, scikit-learn, scipy, pandas only) that starts with a ``PARAMS = {...}``
literal (the section's inputs) and an ``EXPECTED = {...}`` literal (the figures the page shows), computes the
figures its own way, prints them and asserts them against ``EXPECTED`` within the tolerances it states.
:func:`script` replaces those two literals by the ones of the view on screen. The literals are written by
:func:`literal` from plain values and read back with :func:`ast.literal_eval` before they are used, and the
template's code is never formatted with user values, so a widget's text can only ever land inside a literal.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from typing import Any

__all__ = ["TEMPLATES", "literal", "script", "sections", "template_path"]

#: the templates: one real, ruff-checked Python file per experiment section
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "experiments"
_NAMES = ("PARAMS", "EXPECTED")
_WIDTH = 100  # a literal that fits on one line this wide is written on one line


def sections() -> list[tuple[str, str]]:
    """Every (page, section) that has a template, sorted."""
    return sorted(tuple(p.stem.split("__", 1)) for p in TEMPLATES.glob("*__*.py"))  # type: ignore[misc]


def template_path(page: str, section: str) -> Path:
    if (page, section) not in sections():
        raise KeyError(f"no script template for the section {section!r} of the page {page!r}")
    return TEMPLATES / f"{page}__{section}.py"


def _plain(value: Any) -> Any:
    """``value`` as plain Python data (numpy scalars and arrays become floats, ints and lists), checked."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a literal's dictionary keys must be strings")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalars and arrays, torch tensors
        return _plain(value.tolist())
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a literal's numbers must be finite (write None for a missing figure)")
        return float(value)
    raise TypeError(f"cannot write a {type(value).__name__} into a script's literal")


def _one_line(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid Python string literal, double-quoted
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_one_line(k)}: {_one_line(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        inner = ", ".join(_one_line(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_one_line(v) for v in value) + "]"
    return repr(value)  # bool, None, int, float (repr of a float reads back exactly)


def _lines(value: Any, indent: int) -> str:
    text = _one_line(value)
    if len(text) + indent <= _WIDTH or not isinstance(value, dict | list | tuple) or not value:
        return text
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{_one_line(k)}: {_lines(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{_lines(v, indent + 4)}," for v in value]
    opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
    return opening + "\n" + "\n".join(items) + "\n" + " " * indent + closing


def literal(value: Any) -> str:
    """``value`` (dicts with string keys, lists, tuples, strings, finite numbers, booleans, None) as a Python
    literal in the style of ``ruff format``, checked to read back equal with :func:`ast.literal_eval`."""
    plain = _plain(value)
    text = _lines(plain, 0)
    if ast.literal_eval(text) != plain:  # pragma: no cover - a guard, not a path
        raise ValueError("a literal did not read back equal")
    return text


def _assignments(tree: ast.Module) -> dict[str, ast.Assign]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in _NAMES:
                found[node.targets[0].id] = node
    return found


def script(page: str, section: str, params: dict[str, Any], expected: dict[str, Any]) -> str:
    """The section's standalone script with ``PARAMS`` and ``EXPECTED`` replaced by these values."""
    source = template_path(page, section).read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    found = _assignments(ast.parse(source))
    if set(found) != set(_NAMES):
        raise ValueError(f"the template {page}__{section}.py must assign PARAMS and EXPECTED at top level")
    values = {"PARAMS": params, "EXPECTED": expected}
    # from the bottom up, so the line numbers above stay right
    for name, node in sorted(found.items(), key=lambda item: -item[1].lineno):
        new = f"{name} = {literal(values[name])}\n"
        lines[node.lineno - 1 : node.end_lineno] = [new]
    text = "".join(lines)
    filled = _assignments(ast.parse(text))  # the result parses, and its literals are exactly the values
    for name in _NAMES:
        if ast.literal_eval(filled[name].value) != _plain(values[name]):  # pragma: no cover - a guard
            raise ValueError(f"{name} did not read back equal")
    return text
