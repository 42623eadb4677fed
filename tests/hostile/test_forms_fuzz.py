"""Fuzzing every form reader on mutated real files (#19): whatever the bytes, ``read_forms``
gives declarations or a :class:`FormError` naming the file — nothing else escapes it — within
a time bound for each example and a memory bound for the run.

The originals are the sample (examples/hengyang-2021.md, read as ``.md`` and ``.txt``) and the
same three forms typed into CSV, Excel and Word at test time (tests/forms/layout.py). Mutations
work on text (insert, delete, repeat slices, with text that means something to a reader: NUL,
CR, U+001C, pipes, ``<p``, labels), on bytes (flip, insert, delete, repeat) and, for the zip
formats, inside one XML part, after which the
archive is written again with true sizes: an attribute set to a hostile value (``XFD1048576``, a
span of 10⁸, a number of 5,000 digits), an element repeated thousands of times, elements nested
thousands deep, a text of 150,000 characters, entity definitions, or a header that lies about
its member's size. The number of examples follows the hypothesis profile (a twentieth of it:
a few seconds in CI); ``FORMS_FUZZ_EXAMPLES=2000`` in the environment runs a long campaign.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from tempfile import TemporaryDirectory

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from indicator_rules import Declaration, FormError, read_forms
from tests.forms.helpers import SAMPLE_MD, expected
from tests.forms.hostile import deflated, write_raw_zip
from tests.forms.layout import grid_rows, layouts, write_docx, write_xlsx
from tests.hostile.bounds import address_space_capped

_SECONDS = 10  # for one example: a hang guard
_EXTRA_ADDRESS_SPACE = 3 << 29  # 1.5 GiB more than the test process has when the run starts
_EXAMPLES = int(os.environ.get("FORMS_FUZZ_EXAMPLES", max(5, settings().max_examples // 20)))
_FUZZ = settings(max_examples=_EXAMPLES, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@functools.cache
def _originals() -> dict[str, bytes]:
    """The real files to mutate, by suffix (made once; not a fixture, so that a failing
    example does not print them)."""
    forms = layouts(expected())
    text = io.StringIO()
    writer = csv.writer(text)
    for form in forms:
        writer.writerows(grid_rows(form))
    sample = SAMPLE_MD.read_bytes()
    files = {".md": sample, ".txt": sample, ".csv": text.getvalue().encode()}
    with TemporaryDirectory() as folder:
        write_xlsx(forms, Path(folder) / "form.xlsx")
        write_docx(forms, Path(folder) / "form.docx")
        files[".xlsx"] = (Path(folder) / "form.xlsx").read_bytes()
        files[".docx"] = (Path(folder) / "form.docx").read_bytes()
    return files


@pytest.fixture(scope="module", autouse=True)
def memory_bound() -> Iterator[None]:
    """The run's memory bound: the address space may grow by 1.5 GiB at most (a reader that
    blows up gets a MemoryError, which the oracle refuses)."""
    with address_space_capped(_EXTRA_ADDRESS_SPACE):
        yield


def _read_checked(data: bytes, suffix: str) -> None:
    """The oracle: ``read_forms`` of ``data`` gives declarations or a FormError naming the file
    (not a MemoryError or RecursionError in disguise), in under ``_SECONDS``."""
    with TemporaryDirectory() as folder:
        path = Path(folder) / f"mutant{suffix}"
        path.write_bytes(data)
        start = time.perf_counter()
        outcome: list[Declaration] | FormError
        try:
            outcome = read_forms(path)
        except FormError as error:
            outcome = error
        assert time.perf_counter() - start < _SECONDS
    if isinstance(outcome, FormError):
        assert outcome.file == str(path)
        assert not isinstance(outcome.__cause__, MemoryError | RecursionError), outcome
        event(f"{suffix} refused: {_kind(outcome.message)}")
    else:
        assert all(isinstance(declaration, Declaration) for declaration in outcome)
        event(f"{suffix} read: {len(outcome)} declaration(s)")


def _kind(message: str) -> str:
    """What kind of refusal a message is (for the run's statistics)."""
    setting = re.search(r"InputLimits\.(\w+)", message)
    if setting:
        return setting.group(1)
    return re.sub(r"[0-9'\"(].*", "", message)[:50]


_MEANINGFUL_BYTES = [b"\x00", b"\r", b"\r\n", b"\x1c", b"\x85", b"|" * 40, b"\\|", b"<p " * 40,
                     b"<br>", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe7\x94\xb2", b"\xe7\x94", b"\"",
                     b",\"\n\"", b"&#0;", b"]]>", b"<!--", b"PK\x03\x04", b"PK\x05\x06"]


@st.composite
def byte_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to three slices flipped, inserted, deleted or repeated."""
    mutant = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(mutant)))
        kind = draw(st.sampled_from(("flip", "insert", "delete", "repeat")))
        if kind == "flip" and at < len(mutant):
            mutant[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            mutant[at:at] = draw(st.binary(max_size=16) | st.sampled_from(_MEANINGFUL_BYTES))
        elif kind == "delete":
            del mutant[at:at + draw(st.integers(1, 256))]
        else:
            piece = bytes(mutant[at:at + draw(st.integers(1, 64))])
            mutant[at:at] = piece * draw(st.integers(2, 2_000))
    return bytes(mutant)


_MEANINGFUL_TEXT = ["\x00", "\r", "\r\n", "\n\n", "\x1c", "\x85", "\u2028", "|" * 40, "\\|",
                    "<p " * 40, "<br>", "\ufeff", "甲", '"', ',"\n"', "&#0;", "&amp;", "**", "# ",
                    "项目名称：", "指标 1：", "（1）", "\t", ";", "附件3-1", "绩效目标申报表"]


@st.composite
def text_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """A text form (UTF-8) with one to three slices inserted, deleted or repeated as text (a
    quarter of the time, as bytes: :func:`byte_mutations`)."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(byte_mutations(data))
    text = data.decode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(("insert", "delete", "repeat")))
        if kind == "insert":
            piece = draw(st.text(max_size=8) | st.sampled_from(_MEANINGFUL_TEXT))
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 256)):]
        else:
            piece = text[at:at + draw(st.integers(1, 64))]
            text = text[:at] + piece * draw(st.integers(2, 2_000)) + text[at:]
    return text.encode("utf-8", "surrogatepass")


_HOSTILE_VALUES = [b"XFD1048576", b"A1:XFD1048576", b"100000000", b"99999999999", b"-1", b"0",
                   b"", b"two", b"1e9", b"9" * 5_000, b"continue", b"restart", b"A0",
                   b"$A$1:$ZZ$99999", b"textWrapping", b"&#x10FFFF;", b"\xe7\x94\xb2"]
_ATTRIBUTE = re.compile(rb'="([^"]*)"')
#: Attributes the readers use for places, spans and merges: chosen half the time.
_KEY_ATTRIBUTE = re.compile(rb'\b(?:r|ref|sqref|w:val|count|spans|Target|Id)="([^"]*)"')
_ELEMENT = re.compile(rb"<(row|c|mergeCell|si|w:tr|w:tc|w:p|w:r|w:gridCol|Relationship|sheet)"
                      rb"\b[^>]*?(?:/>|>.*?</\1>)", re.DOTALL)
_TEXT = re.compile(rb"<(t|v|w:t|f)\b[^>]*>[^<]*</")
_TAG_END = re.compile(rb">")


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _pick(draw: st.DrawFn, pattern: re.Pattern[bytes], xml: bytes) -> re.Match[bytes] | None:
    found = list(pattern.finditer(xml))
    return draw(st.sampled_from(found)) if found else None


@st.composite
def xml_mutations(draw: st.DrawFn, xml: bytes) -> bytes:
    """One XML part with one hostile change."""
    kind = draw(st.sampled_from(("bytes", "attribute", "repeat", "nest", "text", "entities")))
    if kind == "bytes":
        return draw(byte_mutations(xml))
    attributes = _KEY_ATTRIBUTE if draw(st.booleans()) else _ATTRIBUTE
    if kind == "attribute" and (match := _pick(draw, attributes, xml)):
        value = draw(st.sampled_from(_HOSTILE_VALUES))
        return xml[:match.start(1)] + value + xml[match.end(1):]
    if kind == "repeat" and (match := _pick(draw, _ELEMENT, xml)):
        times = draw(st.sampled_from((2, 50, 3_000, 30_000)))
        return xml[:match.end()] + match.group() * times + xml[match.end():]
    if kind == "text" and (match := _pick(draw, _TEXT, xml)):
        text = draw(st.sampled_from(("甲" * 150_000, "\x01", "&#0;", "&undefined;",
                                     "<p " * 1_000, "1" * 5_000, "=" + "A1+" * 10_000 + "1")))
        at = match.end() - 2
        return xml[:at] + text.encode() + xml[at:]
    if kind == "nest" and (match := _pick(draw, _TAG_END, xml)):
        depth = draw(st.sampled_from((300, 3_000, 30_000)))
        return xml[:match.end()] + b"<x>" * depth + b"</x>" * depth + xml[match.end():]
    if kind == "entities" and xml.startswith(b"<?xml") and (match := _pick(draw, _TEXT, xml)):
        doctype = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
                   + b"".join(b'<!ENTITY %c "%s">' % (ord("b") + level, b"&%c;" % (ord("a") + level)
                                                       * 20) for level in range(6)) + b"]>")
        declaration_end = xml.index(b"?>") + 2
        at = match.end() - 2
        return (xml[:declaration_end] + doctype + xml[declaration_end:at] + b"&g;"
                + xml[at:])
    return xml  # nothing of that kind in the part: the file as it was


@st.composite
def office_mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """An Office file with one XML part mutated (and written again with true sizes), or one
    member whose header lies about its size."""
    members = _members(data)
    parts = sorted(name for name, content in members.items()
                   if name.endswith((".xml", ".rels")) and len(content) < 200_000)
    main = [name for name in parts if "worksheets/" in name or name == "word/document.xml"]
    name = draw(st.sampled_from(main if draw(st.booleans()) else parts))
    if draw(st.booleans()) and draw(st.booleans()):  # a quarter of the time: a lying header
        raw = [attrs.evolve(deflated(content), name=member) for member, content in
               members.items()]
        index = parts.index(name) % len(raw)
        declared = draw(st.sampled_from((0, 1, raw[index].file_size // 2,
                                         raw[index].file_size + 1, 1 << 30)))
        raw[index] = attrs.evolve(raw[index], file_size=declared)
        with TemporaryDirectory() as folder:
            return write_raw_zip(Path(folder) / "lying.zip", raw).read_bytes()
    members[name] = draw(xml_mutations(members[name]))
    return _zipped(members)


@_FUZZ
@given(data=st.data(), suffix=st.sampled_from((".md", ".txt", ".csv")))
def test_text_form_readers_survive_mutated_files(data: st.DataObject, suffix: str):
    _read_checked(data.draw(text_mutations(_originals()[suffix])), suffix)


@_FUZZ
@given(data=st.data(), suffix=st.sampled_from((".xlsx", ".docx")))
def test_office_form_readers_survive_mutated_bytes(data: st.DataObject, suffix: str):
    _read_checked(data.draw(byte_mutations(_originals()[suffix])), suffix)


@_FUZZ
@given(data=st.data(), suffix=st.sampled_from((".xlsx", ".docx")))
def test_office_form_readers_survive_mutated_xml_parts(data: st.DataObject, suffix: str):
    _read_checked(data.draw(office_mutations(_originals()[suffix])), suffix)
