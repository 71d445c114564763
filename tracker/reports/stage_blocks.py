"""The blocks of connected stages a hidden count can move over (stage_suppression.py). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Block:
    """Connected stages: ``top`` and some of the stages under it."""

    stages: frozenset[int]
    mask: int  # the stages as bits, to test quickly whether a row is hidden over them
    top: int
    above: int | None  # the top's parent
    exits: tuple[tuple[int, int], ...]  # (stage in the block, its child outside the block)
    ends: tuple[int, ...]  # stages in the block with no later stage at all


def blocks(parents: Sequence[int | None]) -> list[Block]:
    children = {s: [c for c, p in enumerate(parents) if p == s] for s in range(len(parents))}
    found = []
    for size in range(1, len(parents) + 1):
        for chosen in combinations(range(len(parents)), size):
            members = frozenset(chosen)
            tops = [s for s in chosen if parents[s] not in members]
            if len(tops) != 1:
                continue  # not connected
            exits = tuple((s, c) for s in chosen for c in children[s] if c not in members)
            ends = tuple(s for s in chosen if not children[s])
            mask = sum(1 << s for s in chosen)
            found.append(Block(members, mask, tops[0], parents[tops[0]], exits, ends))
    return found
