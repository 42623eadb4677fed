"""What checking produces: findings, gathered per declaration into a report."""

from __future__ import annotations

import enum
import hashlib
from typing import Literal

import attrs

from indicator_rules.model import Waiver
from indicator_rules.source import SourceRef

__all__ = ["Finding", "FindingKind", "Report", "Severity"]


class Severity(enum.IntEnum):
    """How serious a finding is; ordered, so ``Severity.ERROR > Severity.WARNING``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The Chinese name reviewers read: 错误, 警告, 提示."""
        return {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"error"``, ``"warning"`` or ``"info"`` → the severity."""
        return cls[text.upper()]


#: ``finding`` — the rule's condition failed; ``rule-error`` — the rule could not be evaluated.
FindingKind = Literal["finding", "rule-error"]


@attrs.frozen(kw_only=True, slots=False)
class Finding:
    """One defect found by one rule in one declaration.

    ``path`` locates it in the declaration (``indicators[4].value``; empty for the declaration
    itself); ``source`` points into the form when the declaration was read from one.
    ``evidence`` holds bounded, formatted values: the rule's ``let`` bindings and the operands of
    the failed comparison. ``rule_source`` is where the rule is written (``file:line``).
    ``waived`` is the waiver's reason when a waiver covers the finding. ``item`` names the
    element of a computed list (``for each name in organisations(goal)``) the finding is about.
    """

    rule_id: str
    severity: Severity
    title: str
    message: str
    declaration_id: str
    path: str = ""
    source: SourceRef | None = None
    evidence: tuple[tuple[str, str], ...] = ()
    rule_source: str = ""
    kind: FindingKind = "finding"
    waived: str | None = None
    item: str = ""

    @property
    def fingerprint(self) -> str:
        """A stable identity that survives message edits: rule, declaration, path (and item)."""
        key = (f"{self.rule_id}\x1f{self.declaration_id}\x1f{self.path}\x1f{self.kind}"
               f"\x1f{self.item}")
        return hashlib.sha256(key.encode()).hexdigest()[:16]


@attrs.frozen(kw_only=True, slots=False)
class Report:
    """The findings of one declaration, in a deterministic order, with a run summary.

    ``rules_run`` counts the rules that applied; ``rules_skipped`` those whose ``applies to`` or
    ``when`` made them not applicable; ``rules_errored`` those that failed to evaluate.
    ``unused_waivers`` are the declaration's waivers that covered no finding (or had expired).
    """

    declaration_id: str
    declaration_kind: str
    declaration_name: str
    findings: tuple[Finding, ...]
    rules_run: int = 0
    rules_skipped: int = 0
    rules_errored: int = 0
    unused_waivers: tuple[Waiver, ...] = ()

    def count(self, severity: Severity) -> int:
        """Unwaived findings of ``severity``."""
        return sum(1 for finding in self.active if finding.severity is severity)

    @property
    def active(self) -> tuple[Finding, ...]:
        """The findings no waiver covers."""
        return tuple(finding for finding in self.findings if finding.waived is None)

    @property
    def ok(self) -> bool:
        """No unwaived error and no rule that failed to evaluate."""
        return not any(
            finding.severity is Severity.ERROR or finding.kind == "rule-error"
            for finding in self.active
        )

    def at_or_above(self, severity: Severity) -> tuple[Finding, ...]:
        """Unwaived findings at ``severity`` or worse."""
        return tuple(finding for finding in self.active if finding.severity >= severity)
