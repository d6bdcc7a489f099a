"""The template's formula evaluator, for tests: it lives in the package
(flopsheet.template.formula_eval), where the template's summary uses it too."""

from flopsheet.template.formula_eval import NA, NATIVE, Evaluator, formula_cells, split_ref  # noqa: F401
