"""`make bench`'s runner: every benchmark's rows in one table; a broken one reported, not lost."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run_all():
    spec = importlib.util.spec_from_file_location("bench_run_all", ROOT / "bench" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _write(directory: Path, name: str, body: str) -> None:
    (directory / f"{name}.py").write_text(body)


def test_a_benchmark_rows_come_back_whatever_else_it_prints(run_all, tmp_path):
    _write(
        tmp_path,
        "fine",
        "def rows(quick=False):\n"
        "    print('warming up')\n"
        "    return [{'what': 'pages', 'measured': '900 req/s', 'limit': '1000 req/s',\n"
        "             'ratio': 0.9, 'target': '>= 50%', 'met': quick}]\n",
    )

    rows, _ = run_all.run_benchmark("fine", quick=True, bench_dir=tmp_path)

    assert rows == [
        {
            "what": "pages",
            "measured": "900 req/s",
            "limit": "1000 req/s",
            "ratio": 0.9,
            "target": ">= 50%",
            "met": True,
        }
    ]


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("crashes", "def rows(quick=False):\n    raise RuntimeError('no database')\n"),
        ("missing", None),
    ],
)
def test_a_benchmark_that_fails_is_a_failed_row(run_all, tmp_path, name, body, capsys):
    if body is not None:
        _write(tmp_path, name, body)

    rows, _ = run_all.run_benchmark(name, quick=True, bench_dir=tmp_path)

    assert len(rows) == 1
    assert rows[0]["met"] is False
    assert name in rows[0]["what"]
    if body is not None:
        assert "no database" in capsys.readouterr().err


def test_the_table_prints_shares_as_percentages_and_growth_as_factors(run_all):
    rows = [
        {
            "what": "CSV",
            "measured": "0.3 s",
            "limit": "0.2 s",
            "ratio": 0.66,
            "target": ">= 50%",
            "met": True,
        },
        {
            "what": "list",
            "measured": "16 ms",
            "limit": "15 ms",
            "ratio": 1.07,
            "target": "<= 1.2x",
            "met": True,
        },
        {
            "what": "share",
            "measured": "",
            "limit": "",
            "ratio": 1.5,
            "ratio_format": "percent",
            "target": "",
            "met": False,
        },
        {"what": "pages", "ratio": 1.07, "target": "≥ 50%", "met": True},
        {
            "what": "load",
            "measured": "p95 300 ms",
            "limit": "",
            "ratio": None,
            "target": "",
            "met": True,
        },
    ]

    lines = run_all.markdown_table(rows).splitlines()

    assert lines[0] == "| what | measured | limit | ratio | target | met |"
    assert lines[2] == "| CSV | 0.3 s | 0.2 s | 66% | >= 50% | yes |"
    assert "| 1.07x |" in lines[3]
    assert "| 150% |" in lines[4] and lines[4].endswith("| **no** |")
    assert "| 107% |" in lines[5]
    assert "| - |" in lines[6]
