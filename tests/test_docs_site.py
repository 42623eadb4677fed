"""The documentation site builds in strict mode, and the commands its pages show work.

- ``mkdocs build --strict`` (this venv's mkdocs, installed by the test extra: a missing mkdocs is
  a failure, not a skip) into a tmp dir: every page of the nav is built, and no warning (broken
  link, missing anchor, docstring that does not render) is allowed.
- The ``console`` examples of the getting-started, 快速上手, bureau-ruleset and report-schema pages
  run as tests/test_tutorial.py runs the tutorial's. The bureau-ruleset page's plugin package is
  written out and registered as ``pip install`` would (its entry points in a ``.dist-info``
  folder on ``PYTHONPATH``), so ``--ruleset my-bureau`` and its function work for real.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from html import unescape
from pathlib import Path

import pytest
import yaml

from indicator_rules import report_schema
from tests.test_tutorial import prepare, run_steps, steps

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MKDOCS = Path(sys.executable).parent / "mkdocs"
#: The pages whose console blocks run (the tutorial's run in test_tutorial.py).
RUN_PAGES = ["getting-started.md", "quickstart-zh.md", "report-schema.md", "cli.md",
             "testing.md", "cookbook.md"]
NEW_PAGES = ["getting-started.md", "concepts.md", "tutorial.md", "bureau-ruleset.md",
             "quickstart-zh.md", "api.md", "report-schema.md"]


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may use !!python/name tags; they do not matter for reading the nav."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return []


def _config() -> dict[str, object]:
    config = yaml.load((REPO / "mkdocs.yml").read_text("utf-8"), Loader=_Loader)
    assert isinstance(config, dict)
    return config


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert MKDOCS.is_file(), f"{MKDOCS} is missing: pip install -e '.[test]' installs mkdocs"
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(target)],
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return target


def test_the_nav_lists_every_page():
    pages = _nav_pages(_config()["nav"])
    on_disk = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert sorted(pages) == on_disk
    assert set(NEW_PAGES) <= set(pages)


def test_every_page_is_built(site: Path):
    for page in _nav_pages(_config()["nav"]):
        built = site / ("index.html" if page == "index.md" else page[:-3] + "/index.html")
        assert built.is_file(), page


def test_the_api_reference_is_generated(site: Path):
    html = (site / "api" / "index.html").read_text("utf-8")
    for name in ("indicator_rules.load_ruleset", "indicator_rules.Ruleset.check_batch",
                 "indicator_rules.read_forms", "indicator_rules.forms.read_document",
                 "indicator_rules.testing.assert_fires", "indicator_rules.testing.mutation_test"):
        assert f'id="{name}"' in html, name
    text = re.sub(r"<[^>]+>", "", html)
    assert ":class:" not in text  # the Sphinx roles are cleaned up
    assert ":func:" not in text


def test_the_rule_catalogs_have_their_anchors(site: Path):
    html = (site / "rules" / "mof-2021" / "index.html").read_text("utf-8")
    for rule_id in re.findall(r"\[([A-Z]+\d+)\]\(#", (DOCS / "rules" / "mof-2021.md").read_text()):
        assert f'id="{rule_id.lower()}"' in html, rule_id


def _code_blocks(html: str) -> list[tuple[str, str]]:
    """(language class, text) of each highlighted code block of a built page."""
    found = re.findall(r'<div class="language-([\w-]+) highlight"><pre>.*?<code>(.*?)</code>',
                       html, re.DOTALL)
    return [(language, unescape(re.sub(r"<[^>]+>", "", code))) for language, code in found]


def test_the_report_schema_page_is_the_schema(site: Path):
    html = (site / "report-schema" / "index.html").read_text("utf-8")
    schemas = [json.loads(code) for language, code in _code_blocks(html) if language == "json"]
    assert schemas == [report_schema()]


def test_rules_blocks_render_as_code(site: Path):
    """``rules`` has no Pygments lexer: its blocks come out as plain-text code blocks."""
    html = (site / "tutorial" / "index.html").read_text("utf-8")
    texts = [code for language, code in _code_blocks(html) if language == "text"]
    written = next(s.text for s in steps(DOCS / "tutorial.md") if s.name == "my-bureau.rules")
    assert written in texts


@pytest.mark.parametrize("page", RUN_PAGES)
def test_console_examples_work(page: str, tmp_path: Path):
    prepare(tmp_path)
    assert run_steps(DOCS / page, tmp_path) >= 1


def test_the_plugin_of_the_bureau_page_works(tmp_path: Path):
    page = DOCS / "bureau-ruleset.md"
    files = {step.name: step.text for step in steps(page) if step.name}
    assert {"pyproject.toml", "my_bureau/__init__.py", "my_bureau/my-bureau.rules"} <= set(files)
    # what `pip install` would do: the package on the path (the page's files, written into the
    # working folder by run_steps), its entry points in a .dist-info folder next to it
    work = tmp_path / "work"
    work.mkdir()
    prepare(work)
    config = tomllib.loads(files["pyproject.toml"])
    project = config["project"]
    # hatchling finds no package when the module's folder is not named after the project
    packages = config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert packages == ["my_bureau"]
    assert all(name.split("/")[0] in packages for name in files if "/" in name)
    assert set(project["entry-points"]) == {"indicator_rules.rulesets",
                                            "indicator_rules.functions"}
    info = work / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    (info / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in points.items())
        for group, points in project["entry-points"].items()))
    assert run_steps(page, work, {"PYTHONPATH": str(work)}) >= 3
