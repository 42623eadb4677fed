"""Rulesets loaded once per session (loading takes about a second), and the example budget of
the mutation properties, scaled from the active hypothesis profile (tests/conftest.py)."""

from __future__ import annotations

import pytest
from hypothesis import settings

from indicator_rules import Ruleset, load_ruleset


@pytest.fixture(scope="session")
def baseline() -> Ruleset:
    """The national baseline, mof-2021."""
    return load_ruleset("mof-2021")


@pytest.fixture(scope="session")
def hengyang() -> Ruleset:
    """The bureau example, hunan-hengyang (C04 disabled, 90% satisfaction floor)."""
    return load_ruleset("hunan-hengyang")


def mutation_examples() -> int:
    """Examples per mutation property: a tenth of the profile's (10 in dev, 20 in ci)."""
    return max(5, settings().max_examples // 10)
