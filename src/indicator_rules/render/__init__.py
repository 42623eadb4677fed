"""Reports of a run for people and for tools: text (Chinese, for reviewers), JSON (for budget
systems, with a published JSON Schema) and SARIF 2.1.0 (for code-scanning tools).

Every renderer takes the run as a stream — :meth:`Renderer.add` for each checked declaration,
:meth:`Renderer.error` for each input that could not be read, :meth:`Renderer.finish` with the
:class:`RunSummary` — and writes as it goes, so memory does not grow with the batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol

import attrs

from indicator_rules.findings import Report, Severity
from indicator_rules.intake import InputError, InputItem
from indicator_rules.ruleset import Ruleset
from indicator_rules.runner import Checked

__all__ = ["FORMATS", "Format", "Output", "Renderer", "RunSummary", "make_renderer",
           "render_entries"]

Format = Literal["text", "json", "sarif"]
FORMATS: tuple[Format, ...] = ("text", "json", "sarif")


class Output(Protocol):
    """Where a report is written: a text file, standard output, anything with ``write``."""

    def write(self, text: str, /) -> object:
        """Write ``text``."""


@attrs.define
class RunSummary:
    """What a run found in all: counts of declarations, unreadable inputs and unwaived findings
    by severity, and the exit status the command ends with."""

    ruleset: str
    fail_on: Severity = Severity.ERROR
    declarations: int = 0
    files: set[str] = attrs.field(factory=set)
    errors: int = 0
    findings: dict[Severity, int] = attrs.field(
        factory=lambda: dict.fromkeys(Severity, 0))
    waived: int = 0
    rule_errors: int = 0
    exit_zero: bool = False

    def add(self, item: InputItem, report: Report) -> None:
        """Count one checked declaration."""
        self.declarations += 1
        self.files.add(item.file)
        for finding in report.findings:
            if finding.waived is not None:
                self.waived += 1
            elif finding.kind == "rule-error":
                self.rule_errors += 1
            else:
                self.findings[finding.severity] += 1

    def add_error(self, error: InputError) -> None:
        """Count one input that could not be read."""
        self.errors += 1

    @property
    def failed(self) -> bool:
        """Whether a finding at or above ``fail_on`` remains (or a rule failed to run)."""
        found = any(count for severity, count in self.findings.items()
                    if severity >= self.fail_on)
        return self.rule_errors > 0 or (found and not self.exit_zero)

    @property
    def exit_status(self) -> int:
        """2 when some input could not be read, else 1 when :attr:`failed`, else 0."""
        if self.errors:
            return 2
        return 1 if self.failed else 0


class Renderer(Protocol):
    """Writes one report of a run as the run goes."""

    def add(self, item: InputItem, report: Report) -> None:
        """One checked declaration and its report."""

    def error(self, error: InputError) -> None:
        """One input that could not be read."""

    def finish(self, summary: RunSummary) -> None:
        """The end of the run."""


def render_entries(entries: Iterable[Checked | InputError], summary: RunSummary,
                   renderer: Renderer) -> None:
    """Each entry of a run, in order — a checked declaration with its report, or an input that
    could not be read, as :func:`~indicator_rules.runner.check_items` yields them — counted in
    ``summary`` and written by ``renderer`` (then :meth:`Renderer.finish` ends the report)."""
    for entry in entries:
        if isinstance(entry, InputError):
            summary.add_error(entry)
            renderer.error(entry)
            continue
        item, report = entry
        summary.add(item, report)
        renderer.add(item, report)


def make_renderer(output_format: Format, out: Output, ruleset: Ruleset, *,
                  color: bool = False) -> Renderer:
    """The renderer of ``output_format`` writing to ``out``."""
    from indicator_rules.render.json_report import JsonRenderer
    from indicator_rules.render.sarif import SarifRenderer
    from indicator_rules.render.text import TextRenderer

    if output_format == "json":
        return JsonRenderer(out, ruleset)
    if output_format == "sarif":
        return SarifRenderer(out, ruleset)
    return TextRenderer(out, color=color)
