"""Imports that wait until they are used: a page's default view is drawn from results computed ahead
(``ui/shipped.py``) and must not pay for torch, scikit-learn or scipy, which only its live work needs.

- :class:`LazyModule`: ``torch = LazyModule("torch")`` in a module that uses torch only inside its
  functions; the first attribute read (``torch.tensor``) imports it. Nothing is put in ``sys.modules``
  under torch's name, so a library that looks for torch there (to recognise tensors) does not load it.
- :func:`lazy_exports`: a package ``__init__`` that re-exports its submodules' names imports a submodule
  the first time one of its names is asked for (PEP 562). The names and their submodules are read from the
  package's own ``if TYPE_CHECKING:`` imports, so the ``__init__`` still lists them as plain imports.
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any


class LazyModule:
    """A stand-in for module ``name``, imported at the first attribute read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_exports(package: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for package ``package``: each name imported under its ``if
    TYPE_CHECKING:`` block is imported from its submodule when first read, then kept in the package."""
    module: ModuleType = sys.modules[package]
    exports = _type_checking_imports(Path(module.__file__ or ""))

    def __getattr__(name: str) -> Any:
        source = exports.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(module), *exports})

    return __getattr__, __dir__


def _type_checking_imports(path: Path) -> dict[str, str]:
    """``{name: module}`` for every ``from module import name`` under ``if TYPE_CHECKING:`` in ``path``."""
    exports: dict[str, str] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        exports[alias.asname or alias.name] = statement.module
    return exports
