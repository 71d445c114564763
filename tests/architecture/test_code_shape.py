"""The code keeps the shape docs/architecture.md describes: small modules, short functions, and
a map of the packages that stays true."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "tracker"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# A longer function says why in a comment just above it (above its decorators), starting so.
LONG_REASON = "# Long because"


def _modules() -> list[Path]:
    return sorted(TRACKER.rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_module_is_over_400_lines():
    too_long = {
        _name(path): lines
        for path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def _comment_above(lines: list[str], node: ast.AST) -> str:
    first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    above = []
    for line in reversed(lines[: first - 1]):
        if not line.strip().startswith("#"):
            break
        above.insert(0, line.strip())
    return " ".join(above)


def _long_functions_without_a_reason() -> dict[str, int]:
    found = {}
    for path in _modules():
        source = path.read_text()
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES and LONG_REASON not in _comment_above(lines, node):
                found[f"{_name(path)}:{node.lineno} {node.name}"] = length
    return found


def test_no_function_is_over_60_lines_unless_a_comment_says_why():
    assert _long_functions_without_a_reason() == {}


def _architecture_tree() -> str:
    """The `tracker/` part of the tree under "Where things live"."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    match = re.search(r"## Where things live\s+```\n(.*?)```", text, re.S)
    assert match, "docs/architecture.md has lost its 'Where things live' tree"
    package = re.search(r"^tracker/.*?\n(.*?)(?=^\S|\Z)", match.group(1), re.S | re.M)
    assert package, "the tree has no tracker/ folder"
    return package.group(1)


def _tree_entries(tree: str) -> set[str]:
    """Names in the tree: `  name/` for a package, `  name.py` for a module (several may share
    a line, as in `forms.py views.py`)."""
    return set(re.findall(r"(?:^|\s)([a-z_]+/|[a-z_]+\.py)", tree, re.M))


def test_every_package_and_top_level_module_is_in_the_architecture_tree():
    entries = _tree_entries(_architecture_tree())
    packages = {f"{path.parent.name}/" for path in TRACKER.glob("*/__init__.py")}
    top_modules = {path.name for path in TRACKER.glob("*.py")}
    assert packages - entries == set()
    assert top_modules - entries == set()


def test_the_architecture_tree_names_nothing_that_is_gone():
    tree = _architecture_tree()
    packages = {f"{path.parent.name}/" for path in TRACKER.glob("*/__init__.py")}
    # Each package's own line starts two spaces in: `  screening/`.
    listed = set(re.findall(r"^  ([a-z_]+/)", tree, re.M))
    assert listed - packages == set()


def _package_blocks(tree: str) -> dict[str, str]:
    """Each package's lines in the tree: from `  name/` to the next entry as deep."""
    blocks: dict[str, str] = {}
    current = None
    for line in tree.splitlines():
        if match := re.match(r"^  ([a-z_]+)/", line):
            current = match.group(1)
            blocks[current] = line[len(current) + 3 :] + "\n"
        elif re.match(r"^  ([a-z_]+|\*/[a-z_]+)\.py", line):
            current = None
        elif current:
            blocks[current] += line + "\n"
    return blocks


def test_every_module_of_each_package_is_in_its_part_of_the_tree():
    tree = _architecture_tree()
    blocks = _package_blocks(tree)
    # `  */name.py` describes a module many packages have (personal_data.py) once.
    everywhere = set(re.findall(r"^  \*/([a-z_]+\.py)", tree, re.M))
    unlisted, gone = {}, {}
    for init in sorted(TRACKER.glob("*/__init__.py")):
        package = init.parent
        modules = {path.name for path in package.glob("*.py")} - {"__init__.py"} - everywhere
        named = set(re.findall(r"([a-z_]+\.py)", blocks.get(package.name, "")))
        if modules - named:
            unlisted[package.name] = sorted(modules - named)
        if named - modules:
            gone[package.name] = sorted(named - modules)
    assert unlisted == {}
    assert gone == {}


def test_a_missing_package_is_noticed():
    """The check above fails when a package is left out of the tree."""
    tree = "tracker/\n  catalogue/\n    models.py\n"
    assert "screening/" not in _tree_entries(tree)
    assert "catalogue/" in _tree_entries(tree)
