"""atomic_write: the old file stays whole until the new one is complete."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from indicator_rules.atomic import atomic_write


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".part"))


def test_the_new_content_replaces_the_old_on_success(tmp_path: Path):
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_write(target) as handle:
        handle.write("新的\n")
        assert target.read_text(encoding="utf-8") == "old"  # not yet
    assert target.read_bytes() == "新的\n".encode()
    assert _leftovers(tmp_path) == []


def test_an_error_inside_the_block_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    def write_half() -> None:
        with atomic_write(target) as handle:
            handle.write("half")
            raise RuntimeError("mid-write")

    with pytest.raises(RuntimeError, match="mid-write"):
        write_half()
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_an_interrupt_inside_the_block_leaves_no_new_file(tmp_path: Path):
    target = tmp_path / "new.json"
    def interrupted() -> None:
        with atomic_write(target) as handle:
            handle.write("{")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_the_replaced_file_keeps_its_permissions(tmp_path: Path):
    target = tmp_path / "shared.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    with atomic_write(target) as handle:
        handle.write("new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_default_not_the_temporary_files_0600(tmp_path: Path):
    target = tmp_path / "fresh.txt"
    previous = os.umask(0o022)
    try:
        with atomic_write(target) as handle:
            handle.write("x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_symbolic_link_is_kept_and_its_target_replaced(tmp_path: Path):
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_write(link) as handle:
        handle.write("new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_a_device_is_written_in_place(tmp_path: Path):
    with atomic_write("/dev/null") as handle:  # a rename over /dev/null would replace it
        handle.write("discarded")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_an_unwritable_folder_raises_oserror_and_leaves_nothing(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "missing" / "out.txt").__enter__()
    assert not (tmp_path / "missing").exists()
