"""Reading a text form file (Markdown, CSV) as the tools that write them encode it."""

from __future__ import annotations

from pathlib import Path

from indicator_rules.errors import FormError
from indicator_rules.forms._limits import read_limited
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits

__all__ = ["read_text"]

#: UTF-8 (a byte-order mark allowed), else GB18030 — what Chinese Windows tools write.
ENCODINGS = ("utf-8-sig", "gb18030")


def read_text(path: str | Path, limits: InputLimits = DEFAULT_LIMITS) -> str:
    """The text of the file; raises :class:`FormError` naming the file when it cannot be read
    or decoded, or has more than ``max_file_bytes`` (checked before reading it)."""
    name = str(path)
    data = read_limited(path, limits)
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormError("cannot read the file: expected UTF-8 or GB18030 text", file=name)
