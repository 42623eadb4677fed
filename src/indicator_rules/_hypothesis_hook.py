"""The ``hypothesis`` entry point of indicator_rules: ``st.from_type(ProjectDeclaration)`` (and
``DepartmentDeclaration``) draw clean declarations once the package is installed.

Hypothesis calls :func:`setup` while it is being imported, possibly from the middle of an import
of :mod:`indicator_rules.testing` (which imports hypothesis). So this module lives outside that
package and registers *deferred* strategies: :mod:`indicator_rules.testing` is imported only
when a declaration is first drawn, never while either package is still loading.
"""

from __future__ import annotations

from typing import Any

__all__ = ["setup"]


def _projects() -> Any:
    from indicator_rules.testing.strategies import project_declarations

    return project_declarations()


def _departments() -> Any:
    from indicator_rules.testing.strategies import department_declarations

    return department_declarations()


def setup() -> None:
    """Register the deferred strategies with hypothesis."""
    from hypothesis import strategies as st

    from indicator_rules.model import DepartmentDeclaration, ProjectDeclaration

    st.register_type_strategy(ProjectDeclaration, st.deferred(_projects))
    st.register_type_strategy(DepartmentDeclaration, st.deferred(_departments))
