"""Shards: a stable subset of the fleet, so N parallel CI jobs cover every site exactly once.

A site belongs to shard ``I/N`` (1 <= I <= N) when the SHA-256 of its name, read as a
number, is ``I - 1`` modulo ``N``. The subset depends only on the site's name and N: adding
or removing a site never moves another one to a different shard.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from harmonizer.errors import HarmonizerError


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, site: str) -> bool:
        digest = hashlib.sha256(site.encode("utf-8")).hexdigest()
        return int(digest, 16) % self.count == self.index - 1

    def pick(self, sites: list[str]) -> list[str]:
        return [s for s in sites if self.holds(s)]


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> Shard(2, 4); anything else is a one-line error."""
    index, sep, count = text.partition("/")
    if not sep or not index.strip().isdigit() or not count.strip().isdigit():
        raise HarmonizerError(f"--shard {text!r}: expected I/N, e.g. 1/4")
    shard = Shard(int(index), int(count))
    if shard.count < 1 or not 1 <= shard.index <= shard.count:
        raise HarmonizerError(f"--shard {text!r}: I must be between 1 and N")
    return shard
