"""Which broker `make run` should embed: throughput and correctness under concurrent producers.

Run: .venv/bin/python bench/local_broker.py [--messages 2000] [--producers 4] [--rounds 5]
Needs nothing but the project's virtualenv. Each round starts the producers at once (separate
processes, as the web app and beat are), one consumer takes and acknowledges every message,
and the round counts messages lost, duplicated, and the consumer's errors. Prints a Markdown
table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kombu import Connection

from tracker.local_broker import LocalBroker

QUEUE = "bench"


def filesystem(folder: Path) -> tuple[str, dict]:
    queue = folder / "queue"
    queue.mkdir(parents=True)
    options = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "control_folder": str(folder / "control"),
    }
    return "filesystem://", options


def sqlite(folder: Path) -> tuple[str, dict]:
    return f"sqla+sqlite:///{folder / 'broker.sqlite3'}", {}


def produce(url: str, options: dict, first: int, count: int, start) -> None:
    start.wait()
    with Connection(url, transport_options=options) as conn:
        queue = conn.SimpleQueue(QUEUE)
        for n in range(first, first + count):
            queue.put({"n": n})
        queue.close()


def run_round(url: str, options: dict, messages: int, producers: int) -> dict:
    start = multiprocessing.Event()
    share = messages // producers
    workers = [
        multiprocessing.Process(target=produce, args=(url, options, p * share, share, start))
        for p in range(producers)
    ]
    for worker in workers:
        worker.start()
    seen: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    with Connection(url, transport_options=options) as conn:
        queue = conn.SimpleQueue(QUEUE)
        began = time.perf_counter()
        start.set()
        deadline = began + 120
        while sum(seen.values()) < share * producers and time.perf_counter() < deadline:
            try:
                message = queue.get(timeout=1)
            except queue.Empty:
                continue
            except Exception as exc:  # the point: count what the transport throws
                errors[type(exc).__name__] += 1
                continue
            seen[message.payload["n"]] += 1
            message.ack()
        elapsed = time.perf_counter() - began
        queue.close()
    for worker in workers:
        worker.join()
    expected = set(range(share * producers))
    return {
        "per_second": sum(seen.values()) / elapsed,
        "lost": len(expected - set(seen)),
        "duplicated": sum(count - 1 for count in seen.values() if count > 1),
        "errors": dict(errors),
        "producer_failures": sum(1 for worker in workers if worker.exitcode != 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("| Broker | Messages a second (median) | Lost | Duplicated | Consumer errors |")
    print("| --- | --- | --- | --- | --- |")
    for name in ("filesystem", "sqlite", "redis"):
        results = []
        for _ in range(args.rounds):
            folder = Path(tempfile.mkdtemp(prefix="broker-bench-"))
            broker = None
            try:
                if name == "redis":
                    broker = LocalBroker(folder / "redis.sock").start()
                    url, options = broker.url, {}
                else:
                    url, options = {"filesystem": filesystem, "sqlite": sqlite}[name](folder)
                results.append(run_round(url, options, args.messages, args.producers))
            finally:
                if broker:
                    broker.stop()
                shutil.rmtree(folder, ignore_errors=True)
        rates = sorted(result["per_second"] for result in results)
        errors: Counter[str] = Counter()
        for result in results:
            errors.update(result["errors"])
        print(
            f"| {name} | {rates[len(rates) // 2]:.0f} "
            f"| {sum(r['lost'] for r in results)} "
            f"| {sum(r['duplicated'] for r in results)} "
            f"| {', '.join(f'{k} x{v}' for k, v in errors.items()) or 'none'} |"
        )


if __name__ == "__main__":
    main()
