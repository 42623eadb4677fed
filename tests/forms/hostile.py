"""Building hostile form files at test time: small on disk, huge once read naively.

Each builder starts from a small valid workbook or document (made with openpyxl or python-docx)
and replaces one XML part with crafted content, or writes a zip whose members inflate far beyond
their compressed size. Used by tests/hostile/test_forms*.py and the form reader's unit tests.
"""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

SHEET = "xl/worksheets/sheet1.xml"
DOCUMENT = "word/document.xml"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MB = 1 << 20


def base_xlsx() -> bytes:
    """A workbook of one sheet with a title in A1."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "项目绩效目标申报表"  # type: ignore[index]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def base_docx() -> bytes:
    """A document of one paragraph and one 1 × 2 table."""
    import docx

    document = docx.Document()
    document.add_paragraph("项目绩效目标申报表")
    document.add_table(rows=1, cols=2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_member(base: bytes, target: Path, name: str, content: bytes | Iterable[bytes]) -> Path:
    """Write ``base`` (a zip) to ``target`` with member ``name`` replaced by ``content`` (bytes,
    or chunks written as they come so that a large part is never whole in memory)."""
    return replace_members(base, target, {name: content})


def replace_members(base: bytes, target: Path, contents: dict[str, bytes | Iterable[bytes]]
                    ) -> Path:
    """Write ``base`` (a zip) to ``target`` with each member named in ``contents`` replaced."""
    with zipfile.ZipFile(io.BytesIO(base)) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in source.infolist():
            if info.filename not in contents:
                archive.writestr(info.filename, source.read(info))
        for name, content in contents.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in [content] if isinstance(content, bytes) else content:
                    member.write(chunk)
    return target


def sheet_xml(sheet_data: str | Iterable[str], *, dimension: str = "", merges: Iterable[str] = (),
              after: str = "") -> Iterable[bytes]:
    """A worksheet part: ``sheet_data`` (the rows, as text or chunks), an optional
    ``<dimension>``, merged ranges (``A1:B2``) and what comes ``after`` them (hyperlinks)."""
    yield f'<worksheet xmlns="{SHEET_NS}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    for chunk in [sheet_data] if isinstance(sheet_data, str) else sheet_data:
        yield chunk.encode()
    yield b"</sheetData>"
    ranges = list(merges)
    if ranges:
        yield f'<mergeCells count="{len(ranges)}">'.encode()
        yield "".join(f'<mergeCell ref="{ref}"/>' for ref in ranges).encode()
        yield b"</mergeCells>"
    yield after.encode()
    yield b"</worksheet>"


def text_cell(reference: str, text: str) -> str:
    """A ``<c>`` holding ``text`` as an inline string."""
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_with_sheet(target: Path, sheet_data: str | Iterable[str], *, dimension: str = "",
                    merges: Iterable[str] = (), after: str = "") -> Path:
    """A workbook whose only sheet holds ``sheet_data`` (see :func:`sheet_xml`)."""
    return replace_member(base_xlsx(), target, SHEET,
                          sheet_xml(sheet_data, dimension=dimension, merges=merges, after=after))


def xlsx_with_sheet_named(target: Path, times: int, sheet_data: str) -> Path:
    """A workbook that names its one sheet part ``times`` times, as sheets ``S1``, ``S2`` …"""
    with zipfile.ZipFile(io.BytesIO(base_xlsx())) as source:
        workbook = source.read("xl/workbook.xml").decode()
    sheet = re.search(r"<sheet [^>]*/>", workbook)
    assert sheet is not None
    sheets = "".join(re.sub(r'name="[^"]*" sheetId="[^"]*"', f'name="S{number}" '
                            f'sheetId="{number}"', sheet.group())
                     for number in range(1, times + 1))
    workbook = workbook[:sheet.start()] + sheets + workbook[sheet.end():]
    return replace_members(base_xlsx(), target, {"xl/workbook.xml": workbook.encode(),
                                                 SHEET: b"".join(sheet_xml(sheet_data))})


def many_rows(count: int) -> Iterable[str]:
    """``count`` rows of one number each, in chunks."""
    for start in range(1, count + 1, 10_000):
        yield "".join(f'<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>'
                      for row in range(start, min(start + 10_000, count + 1)))


def docx_with_body(target: Path, body: str) -> Path:
    """A document whose body is ``body`` (WordprocessingML, prefix ``w``)."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{WORD_NS}"><w:body>{body}</w:body></w:document>')
    return replace_member(base_docx(), target, DOCUMENT, document.encode())


def word_table(rows: Iterable[str], grid_columns: int = 2) -> str:
    """A ``<w:tbl>`` of ``grid_columns`` grid columns and the given ``<w:tr>`` rows."""
    grid = "<w:gridCol/>" * grid_columns
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def word_cell(text: str = "", *, span: int = 1, vmerge: str | None = None) -> str:
    """A ``<w:tc>`` with ``text``, a ``gridSpan`` and a ``vMerge`` (``restart``, ``continue``
    or ``""`` for the bare element, which means continue)."""
    properties = ""
    if span != 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if vmerge is not None:
        properties += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
    paragraph = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" if text else "<w:p/>"
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{paragraph}</w:tc>"


@attrs.frozen
class RawMember:
    """A zip member given as its raw (already deflated) data and what its headers declare."""

    name: str
    data: bytes
    file_size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(content: bytes) -> RawMember:
    """``content`` as a raw member (its true sizes and CRC)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = compressor.compress(content) + compressor.flush()
    return RawMember("", data, len(content), zlib.crc32(content))


def bomb(prefix: bytes, filler: bytes, megabytes: int, suffix: bytes) -> RawMember:
    """A member that inflates to ``prefix``, ``megabytes`` MB of ``filler`` and ``suffix``,
    built in milliseconds: deflate blocks with no reference to what comes before them can be
    concatenated, so one compressed megabyte is repeated. The CRC is not computed (0): a reader
    that checks it does so only after inflating everything."""
    def piece(content: bytes, last: bool) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return compressor.compress(content) + compressor.flush(
            zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)

    block = (filler * (_MB // len(filler) + 1))[:_MB]
    data = piece(prefix, False) + piece(block, False) * megabytes + piece(suffix, True)
    return RawMember("", data, len(prefix) + megabytes * _MB + len(suffix), 0)


def write_raw_zip(target: Path, members: Iterable[RawMember]) -> Path:
    """A zip of ``members`` with exactly the sizes and CRCs they declare (no zip64: each
    size must be under 4 GiB)."""
    local = io.BytesIO()
    central = io.BytesIO()
    count = 0
    for member in members:
        name = member.name.encode()
        offset = local.tell()
        fields = (20, 0, member.method, 0, 0, member.crc, len(member.data), member.file_size,
                  len(name), 0)
        local.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + name + member.data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset)
                      + name)
        count += 1
    directory = central.getvalue()
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory),
                      local.tell(), 0)
    target.write_bytes(local.getvalue() + directory + end)
    return target


def with_raw_member(base: bytes, target: Path, member: RawMember) -> Path:
    """``base`` (a zip) written raw with ``member`` in place of the member of its name."""
    with zipfile.ZipFile(io.BytesIO(base)) as source:
        members = [attrs.evolve(deflated(source.read(info)), name=info.filename)
                   for info in source.infolist() if info.filename != member.name]
    return write_raw_zip(target, [*members, member])


_CHILD = """
import json, resource, sys, time, traceback
resource.setrlimit(resource.RLIMIT_AS, (%d, %d))
from indicator_rules.errors import FormError
from indicator_rules.forms import read_forms
from indicator_rules.limits import InputLimits

def peak_mb():
    # VmHWM: this process's own peak; ru_maxrss keeps the parent's from before the exec
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

for path, limits in json.loads(sys.argv[1]):
    start = time.perf_counter()
    try:
        if limits is None:  # the defaults, as a caller that gives none
            result = {"declarations": len(read_forms(path))}
        else:
            result = {"declarations": len(read_forms(path, limits=InputLimits(**limits)))}
    except FormError as error:
        result = {"error": error.message, "sheet": error.sheet, "row": error.row,
                  "column": error.column, "cause": type(error.__cause__).__name__}
    except BaseException as error:
        result = {"crash": "".join(traceback.format_exception(error))[-3000:]}
    result.update(path=path, seconds=time.perf_counter() - start, peak_mb=peak_mb())
    print(json.dumps(result), flush=True)
"""


def read_in_child(files: Sequence[tuple[Path, dict[str, int] | None]], *, timeout: float = 120,
                  address_space: int = 3 << 30) -> dict[str, dict[str, Any]]:
    """``read_forms`` of each file, in order, with its limits (the settings of
    :class:`InputLimits` that differ from the defaults; None: no ``limits`` given), in one child
    process whose address space is capped (a blow-up ends in a MemoryError there, not in the
    test run): for each path, what
    came out (``declarations`` or the FormError's ``error``, ``sheet``, ``row``, ``column`` and
    ``cause``, or ``crash`` with the traceback of anything else), the ``seconds`` it took and
    the child's ``peak_mb`` after it (its peak resident memory so far). A path the child did
    not get to (killed after ``timeout`` seconds) is missing."""
    code = _CHILD % (address_space, address_space)
    try:
        argument = json.dumps([[str(path), limits] for path, limits in files])
        done = subprocess.run([sys.executable, "-c", code, argument],
                              capture_output=True, text=True, timeout=timeout, check=False)
        output = done.stdout
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode() if isinstance(expired.stdout, bytes) \
            else expired.stdout or ""
    results = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return {result["path"]: result for result in results}
