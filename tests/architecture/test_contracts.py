"""The architecture contracts in pyproject.toml hold, and each named exception is needed.

`make test` runs `lint-imports` before pytest; these tests say what a broken contract looks
like, so that a contract cannot quietly stop checking anything.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _exceptions() -> list[tuple[str, str]]:
    return [
        (contract["id"], ignored)
        for contract in CONTRACTS["contracts"]
        for ignored in contract.get("ignore_imports", [])
    ]


def _lint(config: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "contracts.toml"
    path.write_text(_to_toml({"tool": {"importlinter": config}}))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _to_toml(value: dict, prefix: str = "") -> str:
    """Just enough TOML for import-linter's settings: tables, arrays of tables, strings, lists."""
    lines, tables = [], []
    for key, item in value.items():
        if isinstance(item, dict):
            tables.append(_to_toml(item, f"{prefix}{key}."))
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            for entry in item:
                tables.append(f"[[{prefix}{key}]]\n" + _to_toml(entry))
        else:
            lines.append(f"{key} = {_literal(item)}")
    head = f"[{prefix[:-1]}]\n" if prefix and lines else ""
    return head + "\n".join(lines) + "\n" + "\n".join(tables)


def _literal(item) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, list):
        return "[" + ", ".join(_literal(part) for part in item) + "]"
    return '"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_every_contract_holds(tmp_path):
    result = _lint(CONTRACTS, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS['contracts'])} kept, 0 broken." in result.stdout


def test_there_are_named_exceptions_to_check():
    assert _exceptions(), "no contract has an exception: the test below checks nothing"


@pytest.mark.parametrize(("contract_id", "ignored"), _exceptions())
def test_removing_an_exception_breaks_its_contract(contract_id, ignored, tmp_path):
    config = {**CONTRACTS, "contracts": []}
    for contract in CONTRACTS["contracts"]:
        if contract["id"] == contract_id:
            rest = [line for line in contract["ignore_imports"] if line != ignored]
            config["contracts"].append({**contract, "ignore_imports": rest})
    result = _lint(config, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout
    importer, imported = (part.strip() for part in ignored.split("->"))
    assert importer in result.stdout and imported in result.stdout


def test_a_view_imported_by_a_service_breaks_the_views_contract(tmp_path):
    """The contract of our own (tests/architecture/contracts.py) sees what it should."""
    from tests.architecture.contracts import ViewsAreLeavesContract, is_view_module

    assert is_view_module("tracker.screening.bulk_views")
    assert is_view_module("tracker.staff.views")
    assert not is_view_module("tracker.screening.previews")

    import grimp

    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.services", "pkg.views", "pkg.bulk_views"):
        graph.add_module(name)
    graph.add_import(
        importer="pkg.services",
        imported="pkg.bulk_views",
        line_number=3,
        line_contents="from pkg import bulk_views",
    )
    graph.add_import(
        importer="pkg", imported="pkg.views", line_number=9, line_contents="import pkg.views"
    )
    contract = ViewsAreLeavesContract(
        name="views", session_options={}, contract_options={"allowed_importers": ["pkg"]}
    )
    check = contract.check(graph, verbose=False)
    assert not check.kept
    assert check.metadata["broken"] == [
        {"importer": "pkg.services", "imported": "pkg.bulk_views", "lines": [3]}
    ]
