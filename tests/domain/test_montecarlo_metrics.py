"""Monte Carlo forecasts: seeded, bounded, and exact where the answer is certain."""

from __future__ import annotations

import random
from decimal import Decimal

from salessprint.domain.montecarlo import quota_chance, team_points_range


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
    assert team_points_range({"a": [10], "b": [5]}, rng()) == {"p50": 15, "p85": 15, "p95": 15}


def test_team_range_confidence_levels() -> None:
    # 3 in 4 sprints give 10 points, 1 in 4 gives 0: the median is 10, but
    # 85 % confidence only promises 0.
    assert team_points_range({"a": [0, 10, 10, 10]}, rng()) == {"p50": 10, "p85": 0, "p95": 0}


def test_team_range_without_history() -> None:
    assert team_points_range({}, rng()) is None
    assert team_points_range({"a": []}, rng()) is None


def test_team_range_is_seeded() -> None:
    history = {"a": [3, 8, 13, 5], "b": [2, 9, 4]}
    assert team_points_range(history, random.Random(1)) == team_points_range(history, random.Random(1))
    result = team_points_range(history, random.Random(1))
    assert result is not None and result["p95"] <= result["p85"] <= result["p50"]
