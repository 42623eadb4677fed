"""Hostile declaration files (JSON, JSON Lines, YAML): each is a located error for that file, or
that line, and never a crash that loses the batch; the limits are checked before the parser
allocates or recurses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from indicator_rules import (
    DEFAULT_LIMITS,
    DeclarationError,
    InputLimits,
    ProjectDeclaration,
    dump_declarations,
    iter_declarations,
    load_declarations,
    loads_declarations,
    read_declarations,
    structure_declaration,
)
from tests.hostile.bounds import run_with_peak

DEEP = 100_000


def _project(number: int) -> dict[str, Any]:
    return {"kind": "project", "id": f"p{number}", "name": f"项目{number}"}


def _problem(result_errors: tuple[DeclarationError, ...]) -> Any:
    (error,) = result_errors
    (problem,) = error.problems
    return problem


# --- nesting: checked before the parser recurses -----------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_nesting_a_hundred_thousand_deep_is_a_located_error(tmp_path: Path, suffix: str):
    path = tmp_path / f"deep{suffix}"
    prefix = '{"kind": "project", "name": '
    path.write_text(prefix + "[" * DEEP + "]" * DEEP + "}", "utf-8")
    problem = _problem(read_declarations(path).errors)
    assert (problem.line, problem.column) == (1, len(prefix) + 64)  # the 65th level's bracket
    assert "more than 64 levels of lists and objects" in problem.message
    assert "InputLimits.max_nesting" in problem.message


def test_yaml_block_nesting_is_bounded_too():
    text = "".join(f"{'  ' * level}k:\n" for level in range(80)) + "  " * 80 + "v\n"
    with pytest.raises(DeclarationError, match=r"InputLimits\.max_nesting") as caught:
        loads_declarations(text, file_format="yaml")
    assert caught.value.problems[0].line == 65


@pytest.mark.parametrize("file_format", ["json", "yaml"])
def test_nesting_at_the_limit_is_read_and_structured_without_overflow(file_format: str):
    """64 levels in the places a declaration holds them: cattrs reports each, no overflow."""

    def nested(levels: int) -> str:
        return "[" * levels + "]" * levels

    text = (f'{{"declarations": [{{"kind": "project", "name": {nested(61)}, '
            f'"indicators": [{nested(60)}], "contact": {{"phone": {nested(60)}}}}}]}}')
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(text, file_format=file_format)  # type: ignore[arg-type]
    assert sorted(problem.path for problem in caught.value.problems) == [
        "declarations[0].contact.phone", "declarations[0].indicators[0]",
        "declarations[0].name"]
    assert "limit" not in str(caught.value)


def test_a_limit_raised_past_pythons_own_is_still_an_error_of_the_file(tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_text("[" * DEEP + "]" * DEEP, "utf-8")
    problem = _problem(read_declarations(path, limits=InputLimits(max_nesting=DEEP)).errors)
    assert problem.message.startswith("could not be read: unexpected RecursionError")


def test_python_data_nested_deeply_is_refused_without_recursion():
    data: list[object] = []
    for _ in range(DEEP):
        data = [data]
    with pytest.raises(DeclarationError) as caught:
        structure_declaration({"kind": "project", "name": data})
    (problem,) = caught.value.problems
    assert problem.path == "name" + "[0]" * 63
    assert "InputLimits.max_nesting" in problem.message


# --- numbers: a number of thousands of digits ----------------------------------------------------


@pytest.mark.parametrize(("text", "file_format", "where"), [
    ("kind: project\nyear: " + "9" * 5000 + "\n", "yaml", (2, 7)),
    ("kind: project\nfunding: {total: 1." + "0" * 5000 + "}\n", "yaml", (2, 18)),
    ('{"kind": "project",\n "year": ' + "9" * 5000 + "}", "json", (2, 10)),
    ('{"kind": "project",\n "funding": {"total": 1e' + "9" * 5000 + "}}", "json", (2, 23)),
])
def test_a_number_of_thousands_of_digits_is_a_located_error(text: str, file_format: str,
                                                             where: tuple[int, int]):
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(text, file_format=file_format)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == where
    assert "a number of 5,00" in problem.message
    assert "InputLimits.max_number_digits" in problem.message


@pytest.mark.parametrize(("text", "file_format", "where"), [
    ('{"kind": "project",\n "funding": {"total": 1e' + "9" * 30 + "}}", "json", None),
    ("kind: project\nfunding: {total: -1.5e-" + "9" * 30 + "}\n", "yaml", 2),
])
def test_a_number_out_of_any_decimals_range_is_an_error(text: str, file_format: str,
                                                        where: int | None):
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(text, file_format=file_format)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.line == where
    assert "is out of range" in problem.message


def test_numbers_within_the_limit_keep_the_model_bounds():
    (declaration,) = loads_declarations('{"kind": "project", "year": ' + "9" * 64 + "}")
    assert declaration.year == int("9" * 64)
    with pytest.raises(DeclarationError, match="at most 15 digits before the point"):
        loads_declarations('{"kind": "project", "funding": {"total": ' + "9" * 64 + "}}")


def test_a_huge_python_integer_is_refused_with_its_path():
    with pytest.raises(DeclarationError) as caught:
        structure_declaration({"kind": "project", "year": 10**5000})
    (problem,) = caught.value.problems
    assert problem.path == "year"
    assert "more than 64 digits" in problem.message


# --- JSON Lines: one bad line is that line's error --------------------------------------------


def test_hostile_json_lines_lose_only_their_own_line(tmp_path: Path):
    hostile = ["[" * DEEP + "]" * DEEP,
               '{"kind": "project", "year": ' + "9" * 5000 + "}",
               '{"kind": "project", "name": "\\ud800"}',
               "\udcff"]  # a byte that is not UTF-8
    lines = [json.dumps(_project(number)) for number in range(20)]
    for offset, bad in enumerate(hostile):
        lines.insert(4 * offset + 2, bad)
    path = tmp_path / "batch.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))
    read = read_declarations(path)
    for result in ((read.declarations, read.errors), _split(iter_declarations(path))):
        assert [declaration.id for declaration in result[0]] == [f"p{n}" for n in range(20)]
        assert [problem.line for error in result[1] for problem in error.problems] == [
            3, 7, 11, 15]
        messages = [problem.message for error in result[1] for problem in error.problems]
        assert "InputLimits.max_nesting" in messages[0]
        assert "InputLimits.max_number_digits" in messages[1]
        assert "lone surrogate" in messages[2]
        assert messages[3].startswith("cannot read: 'utf-8' codec can't decode")


def _split(items: Iterator[Any]) -> tuple[list[Any], list[DeclarationError]]:
    """(declarations, errors) of what :func:`iter_declarations` gave."""
    items_read = list(items)
    return ([item for item in items_read if not isinstance(item, DeclarationError)],
            [item for item in items_read if isinstance(item, DeclarationError)])


def test_a_line_over_the_limit_is_skipped_without_being_read_whole(tmp_path: Path):
    path = tmp_path / "long.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(_project(1)) + "\n")
        handle.write('{"kind": "project", "name": "' + "长" * 7_000_000 + '"}\n')  # 21 MB
        handle.write(json.dumps(_project(3)) + "\n")
    limits = InputLimits(max_line_bytes=1_000)
    tracemalloc.start()
    try:
        result = _split(iter_declarations(path, limits=limits))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # chunks of a megabyte, never the 21 MB line
    assert [declaration.id for declaration in result[0]] == ["p1", "p3"]
    (error,) = result[1]
    assert str(error) == (
        f"{path}:2: input over the limit: a line of 21,000,031 bytes (at most 1,000; the limit is "
        "InputLimits.max_line_bytes, which can be raised for input that really is this large); "
        "the line is not read")


def test_a_line_at_the_limit_is_read():
    line = json.dumps(_project(1), ensure_ascii=False)
    limits = InputLimits(max_line_bytes=len(line.encode()))
    assert len(loads_declarations(line + "\n", file_format="jsonl", limits=limits)) == 1
    limits = InputLimits(max_line_bytes=len(line.encode()) - 1)
    with pytest.raises(DeclarationError, match="max_line_bytes"):
        loads_declarations(line + "\n", file_format="jsonl", limits=limits)


# --- text: valid Unicode, bounded length ------------------------------------------------------


@pytest.mark.parametrize(("text", "file_format", "path"), [
    ('{"kind": "project", "name": "a\\ud800"}', "json", "name"),
    ('[{"kind": "project"}, {"kind": "project", "tasks": [{"name": "\\udfff"}]}]', "json",
     "[1].tasks[0].name"),
    ('kind: project\nname: "\\ud800"\n', "yaml", "name"),
    ('kind: project\nindicators: [{name: x, value: "\\U0000dc00"}]\n', "yaml",
     "indicators[0].value"),
])
def test_a_lone_surrogate_is_refused_at_read_time_with_its_path(text: str, file_format: str,
                                                                path: str):
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(text, file_format=file_format)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.path == path
    assert "expected valid Unicode text, got a lone surrogate" in problem.message
    str(caught.value).encode("utf-8")  # the message itself is printable


def test_a_lone_surrogate_in_a_key_is_refused_and_never_printed():
    with pytest.raises(DeclarationError) as caught:
        loads_declarations('{"kind": "project", "contact": {"\\ud800": 1}}')
    (problem,) = caught.value.problems
    assert (problem.path, problem.message[:12]) == ("contact", "a key: expec")
    str(caught.value).encode("utf-8")


def test_a_surrogate_pair_is_one_character_and_fine():
    (declaration,) = loads_declarations('{"kind": "project", "name": "\\ud83d\\ude00"}')
    assert declaration.name == "😀"


def test_a_batch_with_a_lone_surrogate_renders_every_other_declaration(
        tmp_path: Path, sample_json: Path, capsys: pytest.CaptureFixture[str]):
    from indicator_rules.cli import main

    bad = tmp_path / "surrogate.json"
    bad.write_text('{"kind": "project", "id": "x", "name": "\\ud800"}', "utf-8")
    assert main(["check", str(sample_json), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "hengyang-2021-3-1" in captured.out
    assert f"{bad}: name: expected valid Unicode text" in captured.out + captured.err


def test_text_longer_than_the_limit_is_refused_with_its_path():
    name = "长" * (DEFAULT_LIMITS.max_text_chars + 1)
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(json.dumps({"kind": "project", "goal": name}))
    (problem,) = caught.value.problems
    assert problem.path == "goal"
    assert problem.message.startswith("input over the limit: text of 100,001 characters")
    assert "InputLimits.max_text_chars" in problem.message


# --- file size: refused before it is read ---------------------------------------------------


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(tmp_path: Path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: nothing written, nothing to read
        handle.truncate(DEFAULT_LIMITS.max_file_bytes + 1)
    started = time.perf_counter()
    problem = _problem(read_declarations(path).errors)
    assert time.perf_counter() - started < 1
    assert problem.message.startswith("input over the limit: a file of 67,108,865 bytes")
    assert "InputLimits.max_file_bytes" in problem.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_that_never_ends_is_cut_at_the_limit(tmp_path: Path):
    path = tmp_path / "endless.json"
    os.mkfifo(path)
    written = threading.Event()

    def write_forever() -> None:
        try:
            with open(path, "wb", buffering=0) as pipe:
                while True:
                    pipe.write(b"[" * 65536)
                    written.set()
        except BrokenPipeError:  # the reader has had enough and closed its end
            pass

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    problem = _problem(read_declarations(path, limits=InputLimits(max_file_bytes=100_000)).errors)
    writer.join(timeout=10)
    assert written.is_set()
    assert not writer.is_alive()
    assert problem.message.startswith("input over the limit: a file of more than 100,000 bytes")


def test_a_string_over_the_file_limit_is_refused_as_a_file_would_be():
    text = '{"kind": "project", "name": "项目"}'
    size = len(text.encode())
    with pytest.raises(DeclarationError, match=f"a document of {size} bytes"):
        loads_declarations(text, limits=InputLimits(max_file_bytes=size - 1))
    assert loads_declarations(text, limits=InputLimits(max_file_bytes=size))


# --- YAML aliases and merge keys: no bomb ------------------------------------------------------


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]"
              for level in range(1, levels)]
    return "\n".join(lines) + f"\ndeclarations: [{{kind: project, indicators: *a{levels - 1}}}]\n"


@pytest.mark.parametrize(("text", "message", "line"), [
    (_laughs(9), "aliases (*name) and merge keys (<<) adding too many nodes and characters "
     "(at most 1,000,000; the limit is InputLimits.max_alias_expansion", 6),
    # few nodes, long texts: the reviewer's goals.yaml (99,000 characters, 5,000 times)
    ("v: &v " + "字" * 99_000 + "\nkind: project\nnotes: [" + ", ".join(["*v"] * 5000) + "]\n",
     "adding too many nodes and characters", 3),
    # each merge repeats the ten keys before it: 10⁹ pairs with PyYAML's own merging
    ("m0: &m0 {" + ", ".join(f"k{key}: v" for key in range(10)) + "}\n"
     + "".join(f"m{level}: &m{level} {{<<: [{', '.join([f'*m{level - 1}'] * 10)}]}}\n"
               for level in range(1, 10)) + "kind: project\n", "unknown key 'm0'", None),
    # a chain of merges, each adding a key: quadratic
    ("m0: &m0 {k0: v}\n" + "".join(f"m{n}: &m{n} {{<<: *m{n - 1}, k{n}: v}}\n"
                                   for n in range(1, 3000)), "adding too many nodes and characters",
     1415),
    ("kind: project\nname: &a [*a]\n", "an alias inside what it names", 2),
    ("kind: project\nname: &a {<<: *a}\n", "an alias inside what it names", 2),
    ("a0: &a0 []\n" + "".join(f"a{n}: &a{n} [*a{n - 1}]\n" for n in range(1, 100)),
     "more than 64 levels of lists and objects inside each other through aliases", 65),
])
def test_aliases_and_merges_cannot_blow_up(text: str, message: str, line: int | None):
    """What aliases add is measured in nodes and in characters of text."""
    started = time.perf_counter()
    with pytest.raises(DeclarationError) as caught:
        loads_declarations(text, file_format="yaml")
    assert time.perf_counter() - started < 5
    problem = caught.value.problems[0]
    assert message in problem.message
    assert problem.line == line


def test_aliases_of_text_and_small_parts_are_fine():
    (declaration,) = loads_declarations(
        "kind: project\nbudget_unit: &unit 衡阳市财政局\ncontact: {head: *unit}\n",
        file_format="yaml")
    assert declaration.contact.head == "衡阳市财政局"


# --- the limits reach every reader -----------------------------------------------------------


def test_every_reader_takes_the_limits(tmp_path: Path):
    from indicator_rules.serialize import parse_document

    limits = InputLimits(max_text_chars=3)
    text = '{"kind": "project", "name": "长长长长"}'
    path = tmp_path / "d.json"
    path.write_text(text, "utf-8")
    lines = tmp_path / "d.jsonl"
    lines.write_text(text + "\n", "utf-8")
    readers: list[Callable[[], object]] = [
        lambda: loads_declarations(text, limits=limits),
        lambda: load_declarations(path, limits=limits),
        lambda: structure_declaration(json.loads(text), limits=limits),
        lambda: parse_document(text, file_format="json", limits=limits),
    ]
    for reader in readers:
        with pytest.raises(DeclarationError, match=r"InputLimits\.max_text_chars"):
            reader()
    for errors in (read_declarations(path, limits=limits).errors,
                   read_declarations(lines, limits=limits).errors,
                   _split(iter_declarations(lines, limits=limits))[1]):
        assert "InputLimits.max_text_chars" in str(errors[0])
    assert isinstance(load_declarations(path)[0], ProjectDeclaration)


# --- parse_document: one document, every bound -------------------------------------------------


def test_parse_document_reads_exactly_and_merges():
    from indicator_rules.serialize import parse_document

    data = parse_document("base: &b {kind: project, total: 40.10}\nitem: {<<: *b, id: x}\n")
    assert data == {"base": {"kind": "project", "total": Decimal("40.10")},
                    "item": {"kind": "project", "total": Decimal("40.10"), "id": "x"}}


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 1000 + "]" * 1000, "InputLimits.max_nesting"),
    ("x: " + "1" * 5000, "InputLimits.max_number_digits"),
    ('x: "\\ud800"', "lone surrogate"),
    ("x: 1\nx: 2", "duplicate key 'x'"),
    ("x: [1", "invalid YAML"),
])
def test_parse_document_refuses_what_a_declaration_file_refuses(text: str, message: str):
    from indicator_rules.serialize import parse_document

    with pytest.raises(DeclarationError, match=message.replace("(", r"\(")):
        parse_document(text)


# --- writing: all or nothing ------------------------------------------------------------------


def test_dump_declarations_leaves_the_previous_file_on_a_write_error(tmp_path: Path):
    """A file-size limit (as a full disk would) stops the write half way: the old file stays."""
    target = tmp_path / "out.json"
    target.write_text("previous\n", "utf-8")
    script = f"""
import resource, signal, sys
from indicator_rules import ProjectDeclaration, dump_declarations
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
declarations = [ProjectDeclaration(id=f"p{{n}}", name="经费" * 50) for n in range(100)]
try:
    dump_declarations(declarations, {str(target)!r})
except OSError as error:
    sys.exit(f"OSError {{error.errno}}")
"""
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=60, check=False)
    assert finished.returncode == 1, finished.stderr
    assert finished.stderr.startswith("OSError")
    assert target.read_text("utf-8") == "previous\n"
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_dump_declarations_writes_the_file_whole(tmp_path: Path, sample_json: Path):
    target = tmp_path / "out.yaml"
    target.write_text("previous\n", "utf-8")
    declarations = load_declarations(sample_json)
    dump_declarations(declarations, target)
    assert load_declarations(target) == declarations


def test_hostile_files_cost_little_memory(tmp_path: Path):
    """Every hostile kind above, read in a child process: bounded in memory and time."""
    files = {
        "deep.json": "[" * DEEP + "]" * DEEP,
        "deep.yaml": "[" * DEEP + "]" * DEEP,
        "digits.yaml": "year: " + "9" * 100_000,
        "laughs.yaml": _laughs(12),
        "lines.jsonl": ("[" * DEEP + "]" * DEEP + "\n") * 50,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    script = ("import sys\nfrom indicator_rules import read_declarations\n"
              "for path in sys.argv[1:]:\n"
              "    assert read_declarations(path).errors, path\n")
    started = time.perf_counter()
    finished, peak_bytes = run_with_peak(script, *(str(tmp_path / name) for name in files))
    assert finished.returncode == 0, finished.stderr
    assert time.perf_counter() - started < 30
    assert peak_bytes < 300 * 2**20


def test_a_long_text_repeated_a_few_times_by_aliases_still_reads():
    text = ("declarations:\n  - {kind: project, id: p0, goal: &goal " + "做好党建工作。" * 1_400
            + "}\n" + "".join(f"  - {{kind: project, id: p{n}, goal: *goal}}\n"
                              for n in range(1, 50)))
    declarations = loads_declarations(text, file_format="yaml")
    assert len(declarations) == 50
    assert [len(declaration.goal or "") for declaration in declarations
            if isinstance(declaration, ProjectDeclaration)] == [9_800] * 50
