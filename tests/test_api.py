"""The public API: everything in ``__all__`` is importable, sorted and documented."""

from __future__ import annotations

import inspect

import indicator_rules


def test_all_is_sorted_and_importable():
    names = indicator_rules.__all__

    def isort_style(name: str) -> tuple[int, str]:  # constants, classes, then the rest
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert names == sorted(names, key=isort_style)
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(indicator_rules, name), name


def test_public_classes_and_functions_have_docstrings():
    undocumented = [
        name
        for name in indicator_rules.__all__
        if (inspect.isclass(obj := getattr(indicator_rules, name)) or inspect.isfunction(obj))
        and not (obj.__doc__ or "").strip()
    ]
    assert undocumented == []


def test_errors_share_one_root():
    assert issubclass(indicator_rules.DeclarationError, indicator_rules.IndicatorRulesError)
    assert issubclass(indicator_rules.DeclarationError, ValueError)
    assert issubclass(indicator_rules.FormError, indicator_rules.IndicatorRulesError)
    assert issubclass(indicator_rules.FormError, ValueError)


def test_the_forms_package_exports_what_it_documents():
    import indicator_rules.forms as forms

    assert forms.__all__ == sorted(forms.__all__, key=lambda name: (
        0 if name.isupper() else 1 if name[0].isupper() else 2, name))
    for name in forms.__all__:
        obj = getattr(forms, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert (obj.__doc__ or "").strip(), name
    assert indicator_rules.read_forms is forms.read_forms
