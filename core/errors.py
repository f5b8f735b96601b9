"""The error core raises for a bad input: a code and values, so a page can say it in its own language.

Core is a library first: ``str(error)`` is an English sentence, for a traceback or a notebook. A page
says it in the visitor's language instead: ``code`` is ``"<namespace>.<name>"`` and the sentence is the
locale string ``<namespace>.error_<name>`` (``locales/<lang>/<namespace>.json``), formatted with
``values`` (``tests/test_i18n.py`` checks that every code raised in core has its sentence in both
languages, with the same placeholders as the values it is raised with).
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """A bad input, named by ``code`` (``"common.whole_between"``, ``"losses.targets_not_whole"``) and
    described by ``values`` (``name="steps", low=1, high=100, got="0"``).

    ``message`` is the English sentence ``str(error)`` gives. Values are what the sentence shows: pass
    a visitor's value as ``repr`` text, never as the object.
    """

    def __init__(self, code: str, message: str, **values: object) -> None:
        namespace, _, name = code.partition(".")
        if not namespace or not name:
            raise ValueError(f"an error code is '<namespace>.<name>', got {code!r}")
        self.code = code
        self.values = values
        super().__init__(message)

    @property
    def locale_key(self) -> str:
        """The locale string that says this error: ``<namespace>.error_<name>``."""
        namespace, _, name = self.code.partition(".")
        return f"{namespace}.error_{name}"
