"""Fuzzing the declaration readers with mutated real files: every outcome is declarations or a
:class:`DeclarationError` (never an exception, never an "unexpected" failure caught on the way),
each example bounded in time (hypothesis' deadline) and in memory (an address-space cap while
it is read).

The seeds are the sample (examples/hengyang-2021.json) and the YAML and JSON Lines made from it
at test time; the mutations are byte-level (flip, insert, delete, duplicate a slice) and
targeted (deep brackets, huge numbers, surrogate escapes, merge keys, aliases, a billion laughs).
"""

from __future__ import annotations

import datetime
import functools
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_rules import (
    DeclarationError,
    DepartmentDeclaration,
    ProjectDeclaration,
    dumps_declarations,
    load_declarations,
    read_declarations,
)
from indicator_rules.serialize import FileFormat
from tests.hostile.bounds import address_space_capped

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FORMATS: tuple[FileFormat, ...] = ("json", "yaml", "jsonl")
#: What one example may add to the address space while it is read.
MEMORY_PER_EXAMPLE = 512 * 2**20

_LAUGHS = "a0: &a0 [" + ", ".join(["lol"] * 10) + "]\n" + "".join(
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 10))
HOSTILE_PIECES: tuple[bytes, ...] = (
    b"[" * 10_000, b'{"a": ' * 5_000, b"- " * 2_000, b"{a: " * 3_000,
    b"9" * 5_000, b"1e" + b"9" * 5_000, b"0." + b"0" * 5_000 + b"1", b"1e999999999",
    b"1e" + b"9" * 30, b"-1.5e-" + b"9" * 30,
    b'"\\ud800"', b"\\ud800", b"\\udfff\\ud800", b'"\\U0000dc00"',
    b"<<: *a\n", b"&a ", b"*a", b"<<: [*a, *a]\n", b"&a [*a]", b"&a {<<: *a}",
    b"\n" + _LAUGHS.encode(), b"\n" + _LAUGHS.replace("[", "{<<: [").replace("]", "]}").encode(),
    b"\xef\xbb\xbf", b"\x00", b"\xff", b"\xed\xa0\x80", b"\r\n", b"\t", b"\x85",
    b"!!python/object:os.system", b"!!binary AAAA", b"2021-13-01", b"!!timestamp 2021-02-30",
    b"0x1F", b".nan", b"1:30", b"? [a, b]\n", b"!!set {a, b}", b"!!omap [a: 1]",
    b'\n{"kind": "project"}\n', b"x" * 100_000,
)


@functools.cache
def _seed(file_format: FileFormat) -> bytes:
    declarations = load_declarations(EXAMPLES / "hengyang-2021.json")
    return dumps_declarations(declarations, file_format=file_format).encode("utf-8")


_VALUE_START = re.compile(rb"(?::|\[|,|^ *-) ?", re.MULTILINE)
_VALUE_END = re.compile(rb"[^,\n}\]]*")


def _value_span(data: bytearray, index: int) -> tuple[int, int]:
    """Where the ``index``-th value of ``data`` is (after ``: ``, ``[``, ``,`` or ``- ``),
    counted round when there are fewer."""
    starts = [match.end() for match in _VALUE_START.finditer(data)] or [0]
    start = starts[index % len(starts)]
    end = _VALUE_END.match(data, start)
    assert end is not None  # the pattern matches the empty string
    return start, end.end()


@st.composite
def mutated_files(draw: st.DrawFn, *, targeted: bool = False) -> tuple[FileFormat, bytes]:
    """A seed file's format and its bytes after one to three mutations: byte-level ones (a bit
    flipped, bytes inserted, a slice deleted or repeated), or with ``targeted`` hostile pieces
    put in place of values, so that the parser meets them where the syntax is still sound."""
    file_format = draw(st.sampled_from(FORMATS))
    data = bytearray(_seed(file_format))
    for _ in range(draw(st.integers(1, 3))):
        if targeted:
            start, end = _value_span(data, draw(st.integers(0, 2000)))
            data[start:end] = draw(st.sampled_from(HOSTILE_PIECES))
            continue
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "duplicate"]))
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 256))]
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 512))] * draw(st.integers(1, 20))
    return file_format, bytes(data)


def _assert_well_formed(errors: tuple[DeclarationError, ...] | list[DeclarationError]) -> None:
    for error in errors:
        assert isinstance(error, DeclarationError)
        message = str(error)
        message.encode("utf-8")  # printable: no lone surrogate in a message
        assert "could not be read: unexpected" not in message, message  # not foreseen


def _read_file(file_format: FileFormat, data: bytes) -> None:
    """Read ``data`` as a file of ``file_format``, within the memory cap, and check what came."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"mutated.{file_format}"
        path.write_bytes(data)
        with address_space_capped(MEMORY_PER_EXAMPLE):
            result = read_declarations(path)
    assert all(isinstance(declaration, ProjectDeclaration | DepartmentDeclaration)
               for declaration in result.declarations)
    _assert_well_formed(result.errors)
    dumps_declarations(result.declarations).encode("utf-8")  # every renderer can write them


@settings(deadline=datetime.timedelta(seconds=5))
@given(mutated_files())
def test_byte_mutated_files_give_declarations_or_declaration_errors(
        mutated: tuple[FileFormat, bytes]):
    _read_file(*mutated)


@settings(deadline=datetime.timedelta(seconds=5))
@given(mutated_files(targeted=True))
def test_hostile_values_give_declarations_or_declaration_errors(
        mutated: tuple[FileFormat, bytes]):
    _read_file(*mutated)


def test_the_memory_cap_holds():
    """The cap the fuzz tests rely on: an allocation over it fails, and is lifted after."""
    with address_space_capped(64 * 2**20):
        try:
            bytearray(256 * 2**20)
        except MemoryError:
            capped = True
        else:
            capped = False
    assert capped
    assert len(bytearray(256 * 2**20)) == 256 * 2**20
