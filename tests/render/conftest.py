"""A folder of inputs as a reviewer's intake has them: good forms and files, and bad ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_MD = REPO / "examples" / "hengyang-2021.md"
SAMPLE_JSON = REPO / "examples" / "hengyang-2021.json"


@pytest.fixture
def intake(tmp_path: Path) -> Path:
    """sample forms (.md), the sample declarations (.json), a malformed JSON file, a file with
    an unknown key and an unreadable spreadsheet, in a folder with a subfolder."""
    folder = tmp_path / "intake"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE_MD, folder / "forms.md")
    shutil.copy(SAMPLE_JSON, folder / "sub" / "typed.json")
    (folder / "broken.json").write_text('{"declarations": [', "utf-8")
    (folder / "sub" / "unknown-key.json").write_text(
        '[{"kind": "project", "name": "培训", "colour": "red"}]', "utf-8")
    (folder / "sheet.xlsx").write_bytes(b"this is not a spreadsheet")
    (folder / "notes.txt.bak").write_text("ignored: not a known suffix", "utf-8")
    return folder
