"""Benchmarks of indicator_rules: ``python -m benchmarks [--quick]`` (see docs/performance.md)."""
