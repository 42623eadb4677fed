"""Reading a text form file (Markdown, CSV) as the tools that write them encode it."""

from __future__ import annotations

from pathlib import Path

from indicator_rules.errors import FormError

__all__ = ["read_text"]

#: UTF-8 (a byte-order mark allowed), else GB18030 — what Chinese Windows tools write.
ENCODINGS = ("utf-8-sig", "gb18030")


def read_text(path: str | Path) -> str:
    """The text of the file; raises :class:`FormError` naming the file when it cannot be read
    or decoded."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise FormError(f"cannot read the file: {error}", file=name) from error
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormError("cannot read the file: expected UTF-8 or GB18030 text", file=name)
