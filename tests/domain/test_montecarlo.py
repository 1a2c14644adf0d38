"""Monte Carlo forecasts: seeded, bounded, and exact where the answer is certain."""

from __future__ import annotations

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from salessprint.domain.montecarlo import (
    nth_working_day,
    points_by_date,
    quota_chance,
    quota_forecast,
    team_points_range,
    when_done,
)


def rng() -> random.Random:
    return random.Random(42)


def test_already_at_quota_is_certain() -> None:
    assert quota_chance(Decimal(100), Decimal(100), [], 0, rng()) == Decimal("100.0")


def test_no_quota_means_no_chance_figure() -> None:
    assert quota_chance(Decimal(0), None, [Decimal(5)], 3, rng()) is None
    assert quota_chance(Decimal(0), Decimal(0), [Decimal(5)], 3, rng()) is None


def test_no_history_or_no_time_left_counts_only_what_is_won() -> None:
    assert quota_chance(Decimal(10), Decimal(100), [], 3, rng()) == Decimal("0.0")
    assert quota_chance(Decimal(10), Decimal(100), [Decimal(500)], 0, rng()) == Decimal("0.0")


def test_constant_history_is_exact() -> None:
    history = [Decimal(10000)]
    assert quota_chance(Decimal(0), Decimal(20000), history, 2, rng()) == Decimal("100.0")
    assert quota_chance(Decimal(0), Decimal("20000.01"), history, 2, rng()) == Decimal("0.0")
    # half a sprint left adds half a sprint's value
    assert quota_chance(Decimal(0), Decimal(15000), history, 1.5, rng()) == Decimal("100.0")
    assert quota_chance(Decimal(0), Decimal("15000.01"), history, 1.5, rng()) == Decimal("0.0")


def test_coin_flip_is_about_half_and_repeatable() -> None:
    history = [Decimal(0), Decimal(10000)]
    first = quota_chance(Decimal(0), Decimal(10000), history, 1, random.Random(7))
    again = quota_chance(Decimal(0), Decimal(10000), history, 1, random.Random(7))
    assert first == again
    assert first is not None and Decimal(47) <= first <= Decimal(53)


def test_team_range_sums_members() -> None:
    assert team_points_range({"a": [10], "b": [5]}) == {"p50": 15, "p85": 15, "p95": 15}


def test_team_range_confidence_levels() -> None:
    # 3 in 4 sprints give 10 points, 1 in 4 gives 0: the median is 10, but
    # 85 % confidence only promises 0.
    assert team_points_range({"a": [0, 10, 10, 10]}) == {"p50": 10, "p85": 0, "p95": 0}


def test_team_range_without_history() -> None:
    assert team_points_range({}) is None
    assert team_points_range({"a": []}) is None


def test_team_range_is_seeded() -> None:
    history = {"a": [3, 8, 13, 5], "b": [2, 9, 4]}
    assert team_points_range(history) == team_points_range(history)
    result = team_points_range(history)
    assert result is not None and result["p95"] <= result["p85"] <= result["p50"]


def _every_outcome(history: dict[str, list[int]]) -> list[int]:
    import itertools

    return sorted(sum(combo) for combo in itertools.product(*history.values()))


def test_team_range_is_the_exact_quantile_of_every_outcome() -> None:
    """What 10,000 trials approximate, computed exactly: the value at the
    same position of the sorted list of every equally likely outcome."""
    gen = random.Random(5)
    for _ in range(40):
        history = {
            f"m{i}": [gen.randrange(0, 15) for _ in range(gen.randrange(1, 5))] for i in range(gen.randrange(1, 6))
        }
        totals = _every_outcome(history)
        expected = {f"p{c}": totals[(100 - c) * len(totals) // 100] for c in (50, 85, 95)}
        assert team_points_range(history) == expected, history


def test_team_range_on_a_big_team_agrees_with_resampling() -> None:
    """50 members, 12 sprints each: the exact answer sits where 20,000
    resampled trials put it (within a point)."""
    gen = random.Random(11)
    history = {f"rep{i:02d}": [gen.randrange(0, 30) for _ in range(12)] for i in range(50)}
    exact = team_points_range(history)
    assert exact is not None
    draw = random.Random(3)
    trials = sorted(sum(draw.choice(h) for h in history.values()) for _ in range(20_000))
    for c in (50, 85, 95):
        sampled = trials[(100 - c) * len(trials) // 100]
        assert abs(exact[f"p{c}"] - sampled) <= 3, (c, exact, sampled)


def _quota_chance_in_decimals(
    won: Decimal, quota: Decimal, past: list[Decimal], left: float, rng: random.Random, trials: int
) -> Decimal:
    """The reference: the same draws summed as Decimals."""
    whole = int(left)
    part = Decimal(str(round(left - whole, 4)))
    hits = 0
    for _ in range(trials):
        total = won
        for _ in range(whole):
            total += rng.choice(past)
        if part:
            total += rng.choice(past) * part
        if total >= quota:
            hits += 1
    return (Decimal(hits) * 100 / trials).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_quota_chance_in_integers_matches_decimal_sums() -> None:
    gen = random.Random(9)
    for _ in range(30):
        past = [Decimal(gen.randrange(0, 5_000_000)) / 100 for _ in range(gen.randrange(1, 12))]
        won = Decimal(gen.randrange(0, 2_000_000)) / 100
        quota = won + Decimal(gen.randrange(1, 10_000_000)) / 100
        left = round(gen.uniform(0.1, 6), 3)
        got = quota_chance(won, quota, past, left, random.Random(4), 500)
        assert got == _quota_chance_in_decimals(won, quota, past, left, random.Random(4), 500)


def test_a_new_rep_without_closed_sprints_has_an_unknown_chance_not_zero() -> None:
    assert quota_forecast(Decimal(0), Decimal(1000), [], 3, rng()) == (None, "0 closed sprints; a forecast needs 3")
    two = [Decimal(500), Decimal(700)]
    assert quota_forecast(Decimal(0), Decimal(1000), two, 3, rng()) == (None, "2 closed sprints; a forecast needs 3")
    assert quota_forecast(Decimal(0), None, two, 3, rng()) == (None, "no revenue target")
    # Already at quota is a fact, whatever the history.
    assert quota_forecast(Decimal(1000), Decimal(1000), [], 3, rng()) == (Decimal("100.0"), None)
    # Enough history: the resampled chance (every sprint of 500 reaches 1,000 in two).
    three = [Decimal(500)] * 3
    assert quota_forecast(Decimal(0), Decimal(1000), three, 2, rng()) == (Decimal("100.0"), None)
    assert quota_forecast(Decimal(0), Decimal(1000), two, 2, rng(), needed=2) == (Decimal("100.0"), None)


def test_points_by_date_on_a_constant_history_is_exact() -> None:
    # Every sprint exactly 10 points; 2.5 sprints left: 25 points at every confidence.
    assert points_by_date([10, 10, 10], 2.5, rng()) == {"p50": 25, "p85": 25, "p95": 25}
    assert points_by_date([10, 10, 10], 0, rng()) == {"p50": 0, "p85": 0, "p95": 0}
    assert points_by_date([], 3, rng()) is None


def test_points_by_date_is_the_share_of_trials_reaching_it() -> None:
    # One sprint of 0 or 10 with equal chance: at least 0 with 85 %, 10 with 50 %.
    got = points_by_date([0, 10], 1, rng(), trials=10_000)
    assert got == {"p50": 10, "p85": 0, "p95": 0}
    # Two sprints of 0 or 10: 0, 10, 20 with 1/4, 1/2, 1/4; "at least 10" holds in 3/4 of trials.
    assert points_by_date([0, 10], 2, rng(), trials=10_000) == {"p50": 10, "p85": 0, "p95": 0}
    assert points_by_date([10, 20], 2, rng(), trials=10_000) == {"p50": 30, "p85": 20, "p95": 20}


def test_points_by_date_is_seeded() -> None:
    history = [3, 8, 13, 5, 21]
    first = points_by_date(history, 4.4, random.Random(7), trials=2_000)
    assert first == points_by_date(history, 4.4, random.Random(7), trials=2_000)
    assert first is not None and first["p95"] <= first["p85"] <= first["p50"]


def test_when_done_on_a_constant_history_is_exact() -> None:
    # 25 points at 10 a sprint: 2.5 sprints of 5 working days = 12.5 days, so the 13th.
    assert when_done([10, 10, 10], 25, 5, rng()) == {"p50": 13, "p85": 13, "p95": 13}
    # 30 points: exactly 3 sprints, the 15th working day.
    assert when_done([10, 10, 10], 30, 5, rng()) == {"p50": 15, "p85": 15, "p95": 15}
    assert when_done([10, 10, 10], 0, 5, rng()) == {"p50": 0, "p85": 0, "p95": 0}


def test_when_done_is_the_share_of_trials_finished_by_then() -> None:
    # 20 points, sprints of 10 or 20 (5 days): one sprint (20) with 1/2, else
    # two (10 + anything) with 1/2: done in 5 days with 50 %, 10 days with 85 %.
    assert when_done([10, 20], 20, 5, rng(), trials=10_000) == {"p50": 5, "p85": 10, "p95": 10}


def test_when_done_without_throughput_is_unknown() -> None:
    assert when_done([], 10, 5, rng()) is None
    assert when_done([0, 0, 0], 10, 5, rng()) is None
    # A sprint of 1 point in a thousand trials cannot finish 10,000 points in 520 sprints.
    assert when_done([1, 1], 10_000, 5, rng(), trials=100) == {"p50": None, "p85": None, "p95": None}


def test_when_done_is_seeded_and_agrees_with_points_by_date() -> None:
    history = [4, 9, 12, 7, 15]
    done = when_done(history, 60, 5, random.Random(3), trials=5_000)
    assert done == when_done(history, 60, 5, random.Random(3), trials=5_000)
    assert done is not None and done["p50"] is not None and done["p85"] is not None
    assert done["p50"] <= done["p85"]
    # By the p85 day the team has done at least the 60 points in at least ~85 % of trials.
    reach = points_by_date(history, done["p85"] / 5, random.Random(4), trials=5_000)
    assert reach is not None and reach["p85"] >= 55


def test_nth_working_day_counts_the_first_day() -> None:
    thursday = date(2026, 11, 26)
    assert nth_working_day(thursday, 1) == thursday
    assert nth_working_day(thursday, 13) == date(2026, 12, 14)
    assert nth_working_day(date(2026, 11, 28), 1) == date(2026, 11, 30)  # a Saturday starts on Monday
    assert nth_working_day(thursday, 0) == thursday
