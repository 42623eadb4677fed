"""Checking an Office file (a zip archive of XML parts) before its loader opens it.

openpyxl and python-docx open the archive with :mod:`zipfile` and inflate and parse what they
need. Nothing there caps what a small file becomes: a member declaring 4 GB inflates to 4 GB,
an XML part of millions of elements becomes millions of objects, and :mod:`zipfile` itself
reads a whole central directory into memory. :func:`check_archive` looks first, in this order:

1. the file's size (``max_file_bytes``);
2. the central directory, from the archive's end record, before :mod:`zipfile` reads it: the
   number of members (``max_archive_members``) and the directory's size;
3. every member's declared sizes: their sum (``max_archive_bytes``) and the ratio of a member
   over 1 MB (``max_compression_ratio``); members stored or deflated only (what Office writes);
4. every member inflated for real, a chunk at a time, by this module: a member inflating to
   more than its header declares is refused as soon as it does (:mod:`zipfile` cuts the data at
   the declared size, but its ``read()`` inflates up to 1 GB in one call before cutting it),
   and one inflating to less is damaged;
5. every XML part parsed as it inflates (expat, as openpyxl parses worksheets): malformed XML
   is damage, the elements of all parts are counted (``max_xml_elements``), and a
   :class:`PartScan` the caller gives sees each element (the worksheet checks of
   :mod:`indicator_rules.forms._sheets`).

A member that does not start like XML (an image) is inflated and measured, not parsed.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Final, Protocol
from xml.parsers import expat

from indicator_rules.errors import FormError
from indicator_rules.forms._limits import check_count, check_file_size
from indicator_rules.limits import InputLimits
from indicator_rules.source import SourceRef

__all__ = ["PartScan", "check_archive"]

_END = struct.Struct("<4s4H2LH")  # the end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_MIN_DIRECTORY_ENTRY = 46  # bytes of a central directory entry with an empty name
_LONGEST_NAME = 1024  # bytes a member's name may average in the directory's size check
_MB: Final = 1 << 20
_CHUNK: Final = 1 << 16


class PartScan(Protocol):
    """What sees the elements of one XML part as it is parsed (raising :class:`FormError` to
    refuse it). Names are ``namespace local`` (or ``local`` outside any namespace)."""

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """An element starts."""


#: Gives the :class:`PartScan` for a member (by name), or None to only count its elements.
PartScanner = Callable[[str], PartScan | None]


def _no_scan(member: str) -> PartScan | None:
    return None


def check_archive(path: str | Path, limits: InputLimits, *, what: str,
                  scan: PartScanner = _no_scan, order: Callable[[str], int] = lambda name: 0
                  ) -> None:
    """Refuse the Office file ``path`` when it is over a limit or damaged (see the module);
    ``what`` names the file type in the message of damage (``an Excel workbook (.xlsx)``),
    ``scan`` gives a :class:`PartScan` for the members it wants to see, and ``order`` ranks
    the members (by name) for the scan: lower first, the archive's order among equals."""
    name = str(path)
    check_file_size(path, limits)
    try:
        with open(path, "rb") as file:
            _check_directory(file, limits, name, what)
            members = _members(file, name, what)
            _check_members(members, limits, name, what)
            elements = _Counter(limits, name)
            for info in sorted(members, key=lambda info: order(info.filename)):
                _scan_member(file, info, scan(info.filename), elements, name, what)
    except OSError as error:
        raise FormError(f"cannot read the file: {error}", file=name) from error
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error) as error:
        raise _damaged(name, what, str(error)) from error


def _members(file: BinaryIO, name: str, what: str) -> list[zipfile.ZipInfo]:
    """The members, as :mod:`zipfile` reads the central directory (its size checked)."""
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.infolist()
    except Exception as error:  # zipfile's own failure on a damaged directory (a name that is
        # no UTF-8, a negative offset …): as load_office_file says of the loaders' failures
        raise _damaged(name, what, f"{type(error).__name__}: {error}") from error


def _damaged(file: str, what: str, detail: str) -> FormError:
    return FormError(f"cannot read the file as {what}: {detail}", file=file)


def _check_directory(file: BinaryIO, limits: InputLimits, name: str, what: str) -> None:
    """The number of members and the size of the central directory, from the end record."""
    size = file.seek(0, 2)
    tail_start = max(0, size - (_END.size + 0xFFFF + _END64_LOCATOR.size))
    file.seek(tail_start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END.size:
        raise _damaged(name, what, "not a zip archive (.xlsx and .docx files are zip archives)")
    _, _, _, _, members, directory, _, _ = _END.unpack_from(tail, at)
    if (members == 0xFFFF or directory == 0xFFFFFFFF) and at >= _END64_LOCATOR.size:
        signature, _, end64_offset, _ = _END64_LOCATOR.unpack_from(tail, at - _END64_LOCATOR.size)
        if signature == b"PK\x06\x07":
            file.seek(end64_offset)
            record = file.read(_END64.size)
            if len(record) == _END64.size and record.startswith(b"PK\x06\x06"):
                members, directory = _END64.unpack(record)[7:9]
    where = SourceRef(file=name)
    check_count(members, "max_archive_members", "a zip archive of {:,} members", limits, where)
    # zipfile reads entries for as many bytes as the directory has, whatever the count says
    entries = directory // (_MIN_DIRECTORY_ENTRY + _LONGEST_NAME)
    check_count(entries, "max_archive_members",
                "a zip archive whose directory holds room for {:,} members", limits, where)
    file.seek(0)


def _check_members(members: list[zipfile.ZipInfo], limits: InputLimits, name: str,
                   what: str) -> None:
    """The members' number, methods, declared sizes and compression ratios."""
    where = SourceRef(file=name)
    check_count(len(members), "max_archive_members", "a zip archive of {:,} members", limits,
                where)
    for info in members:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged(name, what, f"the member {info.filename!r} is compressed with "
                           f"method {info.compress_type} (Office files are stored or deflated)")
        if info.flag_bits & 0x1:
            raise _damaged(name, what, f"the member {info.filename!r} is encrypted")
    total = sum(info.file_size for info in members)
    check_count(total, "max_archive_bytes", "a zip archive inflating to {:,} bytes", limits,
                where)
    for info in members:
        if info.file_size > _MB:
            ratio = info.file_size // max(info.compress_size, 1)
            check_count(ratio, "max_compression_ratio",
                        f"the member {info.filename!r} inflating to {{:,}} times its size",
                        limits, where)


class _Counter:
    """The XML elements of all parts of one file, counted against ``max_xml_elements``."""

    def __init__(self, limits: InputLimits, name: str) -> None:
        self.limits = limits
        self.where = SourceRef(file=name)
        self.left = limits.max_xml_elements

    def refuse(self) -> None:
        """Raise the error of one element too many."""
        count = self.limits.max_xml_elements + 1
        check_count(count, "max_xml_elements", "XML parts of {:,} elements or more",
                    self.limits, self.where)


def _inflated(file: BinaryIO, info: zipfile.ZipInfo, name: str, what: str) -> Iterator[bytes]:
    """The member's content, a chunk at a time, refused as soon as it inflates to more than its
    header declares, and at its end when it inflated to less."""
    if info.header_offset >= 0:  # zipfile subtracts what it takes for data before the archive
        file.seek(info.header_offset)
    header = file.read(_LOCAL_HEADER.size) if info.header_offset >= 0 else b""
    if len(header) < _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
        raise _damaged(name, what, f"the member {info.filename!r} has no local header")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    file.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type else None
    left = info.compress_size
    produced = 0
    pending = b""  # read, not yet inflated
    while left > 0 or pending:
        if not pending:
            pending = file.read(min(left, _CHUNK))
            if not pending:
                raise _damaged(name, what, f"the member {info.filename!r} is cut off")
            left -= len(pending)
        if inflater is None:
            chunk, pending = pending, b""
        else:
            try:
                chunk = inflater.decompress(pending, _CHUNK)
            except zlib.error as error:
                raise _damaged(name, what, f"the member {info.filename!r}: {error}") from error
            pending = inflater.unconsumed_tail
        produced += len(chunk)
        if produced > info.file_size:
            raise _damaged(name, what, f"the member {info.filename!r} inflates to more than the "
                           f"{info.file_size:,} bytes its header declares")
        if chunk:
            yield chunk
    if produced != info.file_size:
        raise _damaged(name, what, f"the member {info.filename!r} inflates to {produced:,} "
                       f"bytes, not the {info.file_size:,} its header declares")


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16
        return True
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return not text or text.startswith(b"<")


def _scan_member(file: BinaryIO, info: zipfile.ZipInfo, scan: PartScan | None,
                 elements: _Counter, name: str, what: str) -> None:
    parser: expat.XMLParserType | None = None
    for chunk in _inflated(file, info, name, what):
        if parser is None:
            if not _looks_like_xml(chunk):
                continue  # not XML: only its size is checked (every chunk is inflated)
            parser = _parser(scan, elements)
        _feed(parser, chunk, info, name, what)
    if parser is not None:
        _feed(parser, b"", info, name, what)


def _feed(parser: expat.XMLParserType, chunk: bytes, info: zipfile.ZipInfo, name: str,
          what: str) -> None:
    """Parse the next chunk of a part (the last when it is empty)."""
    try:
        parser.Parse(chunk, not chunk)
    except FormError:  # a limit, from the part's scan
        raise
    # ValueError, LookupError: an encoding expat cannot read (multi-byte) or that has no codec
    except (expat.ExpatError, ValueError, LookupError) as error:
        raise _damaged(name, what, f"the part {info.filename!r} is not well-formed XML: "
                       f"{error}") from error


def _parser(scan: PartScan | None, elements: _Counter) -> expat.XMLParserType:
    """An expat parser (with namespaces, as openpyxl's) whose every element is counted and
    passed on to ``scan``."""
    parser = expat.ParserCreate(namespace_separator=" ")
    scan_start = scan.start if scan is not None else None

    def start(name: str, attributes: dict[str, str]) -> None:
        elements.left -= 1
        if elements.left < 0:
            elements.refuse()
        if scan_start is not None:
            scan_start(name, attributes)

    parser.StartElementHandler = start
    return parser
