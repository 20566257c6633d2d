"""The remediation numbers: what open tasks could recover, the projected total and rank, which
criteria keep losing points, and sums per field.

Plain functions over plain values (Decimal in, Decimal out), no Django, like `scoring.engine`,
whose functions they build on: totals, ranks and percentages still come from there.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from scoring import engine
from scoring.periods import consecutive

K = TypeVar("K", bound=Hashable)
P = TypeVar("P", bound=Hashable)
ZERO = Decimal("0")


def field_code(code: str) -> str:
    """The field (lĩnh vực) a criterion belongs to: "3.12.2" -> "3"."""
    return code.split(".", 1)[0]


# --- by field -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSums:
    maximum: Decimal
    appraised: Decimal | None  # None when nothing in the field is appraised yet
    lost: Decimal


def field_sums(leaves: Iterable[tuple[str, engine.Line]]) -> dict[str, FieldSums]:
    """Maximum, appraised and points lost per field, from (leaf code, line) pairs."""
    grouped: dict[str, list[engine.Line]] = {}
    for code, line in leaves:
        grouped.setdefault(field_code(code), []).append(line)
    sums = {}
    for field, lines in grouped.items():
        appraised = [line.appraised for line in lines if line.appraised is not None]
        sums[field] = FieldSums(
            maximum=sum((line.maximum for line in lines), ZERO),
            appraised=engine.total(appraised) if appraised else None,
            lost=engine.points_lost(lines),
        )
    return dict(sorted(sums.items(), key=lambda item: engine.sort_key(item[0])))


def share_of(value: Decimal | None, maximum: Decimal) -> Decimal | None:
    """`value` as a percentage of `maximum`, None when there is no value or no maximum."""
    if value is None or maximum <= 0:
        return None
    return engine.percentage(value, maximum)


# --- what tasks could recover ---------------------------------------------------------------


@dataclass(frozen=True)
class Stake:
    """One task as the projection sees it: the points it aims to recover on which scores."""

    points: Decimal
    score_ids: frozenset[Hashable]
    done: bool = False


def recoverable(stakes: Iterable[Stake], lost_by_score: Mapping[Hashable, Decimal]) -> Decimal:
    """Points the given tasks can bring back, never more than their criteria lost.

    Tasks that share a criterion (two tasks on 1.6, or a merged task next to a single one) are
    taken together: together they recover at most what their criteria lost. A task on no
    criterion recovers nothing.
    """
    groups = _linked_groups(list(stakes))
    recovered = ZERO
    for stakes_in_group, scores in groups:
        points = sum((s.points for s in stakes_in_group), ZERO)
        ceiling = sum((lost_by_score.get(score, ZERO) for score in scores), ZERO)
        recovered += max(ZERO, min(points, ceiling))
    return recovered


def _linked_groups(stakes: list[Stake]) -> list[tuple[list[Stake], set]]:
    """Tasks joined by the criteria they share (connected components), with those criteria."""
    groups: list[tuple[list[Stake], set]] = []
    for stake in stakes:
        joined_stakes, joined_scores = [stake], set(stake.score_ids)
        kept = []
        for group_stakes, group_scores in groups:
            if group_scores & joined_scores:
                joined_stakes += group_stakes
                joined_scores |= group_scores
            else:
                kept.append((group_stakes, group_scores))
        groups = [*kept, (joined_stakes, joined_scores)]
    return groups


@dataclass(frozen=True)
class Projected:
    total: Decimal
    rank: int
    rank_of: int
    gain: Decimal


def project(
    *, unit: K, totals: Mapping[K, Decimal], recovered: Decimal, maximum: Decimal | None = None
) -> Projected:
    """The total and rank `unit` would reach with `recovered` points more, the others unchanged.

    `totals` holds every ranked unit's current total, `unit`'s own included; `maximum` caps the
    projected total (a unit cannot pass the framework's maximum).
    """
    projected = totals[unit] + recovered
    if maximum is not None:
        projected = min(projected, maximum)
    ranks = engine.rank({**totals, unit: projected})
    return Projected(
        total=projected, rank=ranks[unit], rank_of=len(totals), gain=projected - totals[unit]
    )


# --- criteria that keep losing points -------------------------------------------------------


def loss_streaks(
    periods: Sequence[P],
    lost_in: Mapping[str, Iterable[P]],
    min_length: int = 2,
    *,
    year_of: Mapping[P, int] | None = None,
) -> dict[str, list[P]]:
    """For each criterion code, its longest run of consecutive periods with points lost.

    `periods` is the unit's published results of one kind in year order; `year_of` gives each
    one's year (without it the periods are years themselves). Consecutive is defined in
    `scoring.periods`: adjacent in `periods` *and* a year apart, so a year without a published
    result breaks the run. `lost_in` maps a code to the periods it lost points in. Runs
    shorter than `min_length` are left out; of two equally long runs the later is kept.
    """
    position = {period: i for i, period in enumerate(periods)}

    def year(index: int) -> int:
        period = periods[index]
        return year_of[period] if year_of is not None else period  # type: ignore[return-value]

    streaks = {}
    for code, lost_periods in lost_in.items():
        indexes = sorted({position[p] for p in lost_periods if p in position})
        best: list[int] = []
        run: list[int] = []
        for index in indexes:
            follows = run and index == run[-1] + 1 and consecutive(year(run[-1]), year(index))
            run = [*run, index] if follows else [index]
            if len(run) >= len(best):
                best = run
        if len(best) >= min_length:
            streaks[code] = [periods[i] for i in best]
    return dict(sorted(streaks.items(), key=lambda item: (-len(item[1]), engine.sort_key(item[0]))))


def grouped_lost(rows: Iterable[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Points lost summed per owner (department or official), largest first, then by name."""
    sums: dict[str, Decimal] = {}
    for owner, lost in rows:
        sums[owner] = sums.get(owner, ZERO) + lost
    return sorted(sums.items(), key=lambda item: (-item[1], item[0]))
