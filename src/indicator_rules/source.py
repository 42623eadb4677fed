"""Where a piece of a declaration came from, so that a finding can point back at the form."""

from __future__ import annotations

import attrs

__all__ = ["SourceRef"]


@attrs.frozen(kw_only=True)
class SourceRef:
    """A position in an input document.

    ``file`` is the path as the user gave it; ``sheet`` names the worksheet or table (for
    Markdown and Word documents, ``table 2`` etc.); ``row`` and ``column`` are 1-based. Any part
    may be unknown.
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
