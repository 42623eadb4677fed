"""Shared test configuration: hypothesis profiles and paths to the sample data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@pytest.fixture
def sample_json() -> Path:
    """The three 2021 衡阳 declarations of the seed, typed by hand (examples/hengyang-2021.json)."""
    return EXAMPLES / "hengyang-2021.json"
