"""The exception hierarchy: everything the library raises on purpose derives from one root.

``IndicatorRulesError`` is the root. Each stage adds its own subclass carrying a location and a
message a reviewer can act on. ``DeclarationError`` is also a ``ValueError``, so callers that
already catch bad input as ``ValueError`` keep working.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = ["DeclarationError", "IndicatorRulesError", "Problem"]


class IndicatorRulesError(Exception):
    """Root of every error raised on purpose by indicator_rules."""


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with some input, with where it is.

    ``path`` is a JSON path inside the document (``declarations[2].indicators[5].value``), empty
    for the document itself; ``line``/``column`` (1-based) are given when the position in the file
    is known, as for syntax errors.
    """

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None

    def render(self, file: str | None = None) -> str:
        """One line: ``file:line:col: message`` or ``file: path: message``."""
        where = file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class DeclarationError(IndicatorRulesError, ValueError):
    """A declaration (or a file of them) could not be read; lists every problem found at once."""

    def __init__(self, problems: Iterable[Problem], *, file: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.file = file
        super().__init__("\n".join(problem.render(file) for problem in self.problems))
