"""The exception hierarchy: everything the library raises on purpose derives from one root.

``IndicatorRulesError`` is the root. Each stage adds its own subclass carrying a location and a
message a reviewer can act on. ``DeclarationError`` and ``FormError`` are also ``ValueError`` s,
so callers that already catch bad input as ``ValueError`` keep working.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "DeclarationError",
    "FormError",
    "IndicatorRulesError",
    "Problem",
    "RulesetCompositionError",
    "RulesetError",
    "RulesetLoadError",
    "RulesetNameError",
    "RulesetSyntaxError",
    "RulesetTypeError",
    "SourceLine",
]


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


class FormError(IndicatorRulesError, ValueError):
    """A file could not be read as a form (申报表): says which file, where and why.

    ``file`` is the path as given; ``sheet`` (worksheet or table), ``row`` and ``column``
    (1-based) say where in it when the problem has a place, counted as in
    :class:`~indicator_rules.source.SourceRef`. ``str(error)`` is ``file 表2 第3行: message``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str,
        sheet: str | None = None,
        row: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
        where = " ".join(
            [file, *([sheet] if sheet else []),
             *([f"第{row}行"] if row is not None else []),
             *([f"第{column}列"] if column is not None else [])]
        )
        super().__init__(f"{where}: {message}")


@attrs.frozen
class SourceLine:
    """A position in a ruleset file with the text of its line, to show with a caret."""

    file: str
    line: int
    column: int
    text: str

    @classmethod
    def at(cls, source: str, file: str, line: int, column: int) -> SourceLine:
        """The position ``line``:``column`` (1-based) of ``source``."""
        lines = source.split("\n")
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return cls(file, line, column, text.rstrip("\r"))

    def excerpt(self) -> str:
        """The line, indented, and a caret under the column (wide characters count twice)."""
        before = self.text[: self.column - 1]
        width = sum(
            4 if char == "\t" else 2 if unicodedata.east_asian_width(char) in "WF" else 1
            for char in before
        )
        return f"    {self.text.replace(chr(9), '    ')}\n    {' ' * width}^"


class RulesetError(IndicatorRulesError):
    """A ruleset could not be loaded: says where (file:line:column) and what, with the line.

    ``hint`` is an optional suggestion such as "did you mean 'level1'?".
    """

    def __init__(self, message: str, where: SourceLine | None = None, hint: str = "") -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """``file:line:col: error: message (hint)`` and, when known, the line with a caret."""
        text = f"error: {self.message}" + (f" ({self.hint})" if self.hint else "")
        if self.where is None:
            return text
        where = self.where
        return f"{where.file}:{where.line}:{where.column}: {text}\n{where.excerpt()}"


class RulesetSyntaxError(RulesetError):
    """The text is not valid rules-language syntax."""


class RulesetNameError(RulesetError):
    """An unknown name: variable, field, function, param or rule id."""


class RulesetTypeError(RulesetError):
    """Operands or arguments of the wrong type, e.g. a percent compared with money."""


class RulesetCompositionError(RulesetError):
    """``extends``, param overrides, ``severity`` or ``disable`` do not fit the parent ruleset."""


class RulesetLoadError(IndicatorRulesError):
    """Every error found while loading a ruleset, reported together."""

    def __init__(self, errors: Sequence[RulesetError]) -> None:
        self.errors: tuple[RulesetError, ...] = tuple(errors)
        count = len(self.errors)
        summary = f"{count} error{'s' if count != 1 else ''} in ruleset"
        super().__init__("\n".join([*(error.render() for error in self.errors), summary]))
