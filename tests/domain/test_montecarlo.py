"""Monte Carlo forecasts: seeded, bounded, and exact where the answer is certain."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from salessprint.domain.montecarlo import quota_chance, quota_forecast, team_points_range


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
