"""Where a piece of a declaration came from, so that a finding can point back at the form."""

from __future__ import annotations

import attrs

__all__ = ["SourceRef"]


@attrs.frozen(kw_only=True)
class SourceRef:
    """A position in an input document.

    ``file`` is the path as the user gave it; ``sheet`` names the worksheet or table; ``row`` and
    ``column`` are 1-based. Any part may be unknown. What they count depends on the file:

    - Excel: the worksheet's title, and the cell's row and column on it;
    - Markdown: ``表2`` for the second table of the file, ``row`` the line of the file (so an
      editor can jump to it) and ``column`` the cell's place in the ``|``-row; text outside the
      tables has only the line;
    - Word: ``表2`` with the row and grid column inside that table; a paragraph outside the
      tables is ``正文`` with ``row`` its number among the document's paragraphs;
    - CSV: the row (record) and column.
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [part for part in (self.file, self.sheet) if part]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column is not None:
            parts.append(f"第{self.column}列")
        return " ".join(parts) or "<unknown>"
