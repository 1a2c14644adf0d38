"""Monte Carlo forecasts by resampling past sprints (seeded, so repeatable).

Each trial draws, with replacement, from a rep's own closed sprints: their won
value per sprint for the quota chance, their completed points per sprint for
the team's next-sprint range. The same history and seed give the same answer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

TRIALS = 10_000
DEFAULT_SEED = 42


def quota_chance(
    won_so_far: Decimal,
    quota: Decimal | None,
    past_sprints: Sequence[Decimal],
    sprints_left: float,
    rng: random.Random,
    trials: int = TRIALS,
) -> Decimal | None:
    """Chance in percent (one decimal) that won value reaches quota by the
    period end, adding `sprints_left` resampled sprints (a fraction scales
    the last draw). None without a quota; with no history only what is
    already won counts."""
    if quota is None or quota <= 0:
        return None
    if won_so_far >= quota:
        return Decimal("100.0")
    if not past_sprints or sprints_left <= 0:
        return Decimal("0.0")
    whole = int(sprints_left)
    part = Decimal(str(round(sprints_left - whole, 4)))
    history = [Decimal(v) for v in past_sprints]
    hits = 0
    for _ in range(trials):
        total = won_so_far
        for _ in range(whole):
            total += rng.choice(history)
        if part:
            total += rng.choice(history) * part
        if total >= quota:
            hits += 1
    return (Decimal(hits) * 100 / trials).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def team_points_range(
    per_member: Mapping[str, Sequence[int]], rng: random.Random, trials: int = TRIALS
) -> dict[str, int] | None:
    """Points the team completes next sprint with 50 / 85 / 95 % confidence.

    Each trial sums one resampled past sprint per member (members in login
    order, so the seed fixes the draw). "p85": 85 % of trials reached at least
    this many points. None when nobody has a closed sprint.
    """
    members = [(login, list(per_member[login])) for login in sorted(per_member) if per_member[login]]
    if not members:
        return None
    totals = sorted(sum(rng.choice(history) for _, history in members) for _ in range(trials))

    def at_least(confidence: int) -> int:
        # the value that `confidence` % of the trials met or beat
        index = int((100 - confidence) / 100 * trials)
        return int(totals[min(index, trials - 1)])

    return {"p50": at_least(50), "p85": at_least(85), "p95": at_least(95)}
