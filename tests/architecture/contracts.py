"""An import-linter contract of our own: view modules are leaves.

A view module (``views.py``, or a name ending in ``_views``) holds route handlers. Only the app
factory imports them, to attach their routes; a view that needs another page's rendering, or a
service that needs a view's helper, means that code lives in the wrong module. import-linter's
module expressions cannot match "a name ending in _views", hence this small contract type.
"""

from __future__ import annotations

import grimp
from importlinter.application import contract_utils, output
from importlinter.application.contract_utils import AlertLevel
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def is_view_module(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


class ViewsAreLeavesContract(Contract):
    """No module imports a view module, except the allowed importers (the app factory).

    Options: ``allowed_importers`` (modules that may), ``ignore_imports`` (named exceptions,
    as in import-linter's own contracts).
    """

    type_name = "views_are_leaves"

    allowed_importers = fields.ListField(subfield=fields.ModuleField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        warnings = contract_utils.remove_ignored_imports(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        allowed = {module.name for module in self.allowed_importers}  # type: ignore[attr-defined]
        broken = []
        for imported in sorted(filter(is_view_module, graph.modules)):
            for importer in sorted(graph.find_modules_that_directly_import(imported)):
                if importer in allowed:
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = sorted({detail["line_number"] for detail in details})
                broken.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, warnings=warnings, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{number}" for number in item["lines"])
            output.print_error(f"{item['importer']} -> {item['imported']} ({lines})")
            output.new_line()
