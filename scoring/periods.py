"""A unit's published results over the years: which one a result is compared with, which ones
follow each other, and where the years without a result are.

Plain functions over years (ints), no Django, like `scoring.engine`. The selectors and the
dashboard pass each unit's published results of one kind of period (annual, or mid-year): the
two kinds are separate series and never compared with each other.

Definitions used everywhere in the app:

- **previous**: a result is compared with the unit's latest published result of the same kind
  of period in an earlier year, however many years back (a unit without a published result
  in 2024 and 2025 compares 2026 with 2023). None when there is none: the change is "—".
- **consecutive**: two results are consecutive when they are adjacent in the list of the
  unit's published results of that kind, ordered by year, *and* their years differ by 1.
  2022, 2023, 2026 are two runs (2022–2023 and 2026); the gap 2024–2025 breaks the run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass


def previous_year(years: Iterable[int], year: int) -> int | None:
    """The latest of `years` before `year` (the result `year` is compared with), or None."""
    earlier = [y for y in years if y < year]
    return max(earlier) if earlier else None


def consecutive(earlier: int, later: int) -> bool:
    """Two adjacent published results follow each other only when a year apart."""
    return later - earlier == 1


def runs(years: Iterable[int]) -> list[list[int]]:
    """The years split into runs of consecutive ones: [2022, 2023, 2026] -> [[2022, 2023],
    [2026]]."""
    result: list[list[int]] = []
    for year in sorted(set(years)):
        if result and consecutive(result[-1][-1], year):
            result[-1].append(year)
        else:
            result.append([year])
    return result


@dataclass(frozen=True)
class Gap:
    """Years without a published result between two years with one."""

    before: int
    after: int

    @property
    def missing(self) -> str:
        first, last = self.before + 1, self.after - 1
        return str(first) if first == last else f"{first}–{last}"

    def __str__(self) -> str:
        """ "2023 → 2026 (không có kết quả 2024–2025)"."""
        return f"{self.before} → {self.after} (không có kết quả {self.missing})"


def gaps(years: Iterable[int]) -> list[Gap]:
    """Every break between runs, oldest first."""
    parts = runs(years)
    return [Gap(before=a[-1], after=b[0]) for a, b in itertools.pairwise(parts)]


def year_axis(years: Iterable[int]) -> list[int]:
    """Every year from the first to the last result, those without one included, so a chart
    drawn over them shows the gap instead of joining 2023 to 2026 as if a year apart."""
    present = sorted(set(years))
    return list(range(present[0], present[-1] + 1)) if present else []
