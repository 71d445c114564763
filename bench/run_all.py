"""`make bench`: every benchmark in issue 18's table, each beside its limit, from one run.

Each benchmark module under bench/ that the table needs exposes ``rows(quick=False)``, which
measures its figure and the fastest thing on this machine that does the same job, in the same
invocation, and returns one dict per row of the table::

    {"what": ..., "measured": ..., "limit": ..., "ratio": float | None,
     "target": ..., "met": bool}

and may add ``"ratio_format": "percent"`` (a share of the limit) or ``"times"`` (a growth
factor); without it, a ratio prints as a percentage when the target is one or it is under 1.

Each module runs in a fresh interpreter of its own, one after another, so no benchmark warms
(or slows) another's caches, pools or imports, and a benchmark that crashes is reported as a
failed row instead of taking the others with it.

Run: .venv/bin/python bench/run_all.py [--quick] [--only public_pages,email_throughput]
     [--markdown bench/results/bench.md]
Exits 1 when any row misses its target or a benchmark failed, so a script can act on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"

# In the order of the table. Each is a file under bench/ (without .py) with rows(quick).
BENCHMARKS = (
    "public_pages",
    "pipeline_list",
    "staff_home",
    "export_memory",
    "email_throughput",
    "load/run",  # make load's 200 applicants for 60 s
)

# Run inside the child: import the module from its file and print its rows as one JSON line,
# after a marker, so whatever the benchmark itself prints on stdout cannot be mistaken for it.
CHILD = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("bench_" + sys.argv[1].replace("/", "_"), sys.argv[2])
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
rows = module.rows(quick=sys.argv[3] == "quick")
print("\\n@@rows@@" + json.dumps(rows), flush=True)
"""
MARKER = "@@rows@@"
COLUMNS = ("what", "measured", "limit", "ratio", "target", "met")


def run_benchmark(
    name: str, *, quick: bool, bench_dir: Path = BENCH_DIR
) -> tuple[list[dict], float]:
    """The module's rows, or one failed row saying why; and how long it took."""
    path = bench_dir / f"{name}.py"
    started = time.perf_counter()
    if not path.exists():
        return [_failed(name, f"bench/{name}.py does not exist")], 0.0
    result = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(path), "quick" if quick else "full"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode:
        sys.stderr.write(result.stderr[-4000:])
    rows_line = next(
        (line for line in reversed(result.stdout.splitlines()) if line.startswith(MARKER)), None
    )
    if result.returncode or rows_line is None:
        return [_failed(name, f"exited {result.returncode}; see the output above")], elapsed
    return json.loads(rows_line[len(MARKER) :]), elapsed


def _failed(name: str, why: str) -> dict:
    return {
        "what": f"{name} (did not run)",
        "measured": why,
        "limit": "",
        "ratio": None,
        "target": "",
        "met": False,
    }


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    if column == "ratio":
        # A share of the limit reads best as a percentage (pages, exports, email); a growth
        # factor (100,000 rows against 1,000) as "1.10x". A row may say which it is.
        if value is None:
            return "-"
        as_percent = row.get("ratio_format", _share_or_growth(row)) == "percent"
        return f"{value * 100:.0f}%" if as_percent else f"{value:.2f}x"
    if column == "met":
        return "yes" if value else "**no**"
    return str(value if value is not None else "")


def _share_or_growth(row: dict) -> str:
    """A target in percent ("≥ 50%") means the ratio is a share of the limit, even past 100%."""
    if "%" in str(row.get("target", "")) or (row.get("ratio") or 0) < 1:
        return "percent"
    return "times"


def markdown_table(rows: list[dict]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "| " + " | ".join("---" for _ in COLUMNS) + " |",
    ]
    lines += ["| " + " | ".join(_cell(row, c) for c in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    """The date and machine the figures were measured on, for docs/performance.md."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores ({cpu}), "
        f"{memory_kib / 2**20:.0f} GiB; Python {platform.python_version()}; "
        f"load average at the start {load}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and rows")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    chosen = [name for name in BENCHMARKS if not args.only or name in args.only.split(",")]
    header = f"Measured {machine()}."
    print(header, flush=True)
    rows: list[dict] = []
    for name in chosen:
        print(f"… {name}", file=sys.stderr, flush=True)
        found, elapsed = run_benchmark(name, quick=args.quick)
        print(f"  {name}: {len(found)} rows in {elapsed:.0f} s", file=sys.stderr, flush=True)
        rows += found
    table = markdown_table(rows)
    print(table)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(f"{header}\n\n{table}\n")
    return 0 if all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
