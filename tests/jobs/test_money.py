"""Money: exact amounts, the rounding rule, and splits that always add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobs.money import Money, MoneyError, SharesError, check_shares, split

THIRDS = ["33.34", "33.33", "33.33"]


def test_amounts_round_half_even_to_the_minor_unit() -> None:
    assert Money("0.125", "CNY").amount == Decimal("0.12")
    assert Money("0.135", "CNY").amount == Decimal("0.14")
    assert Money("1.5", "JPY").amount == Decimal("2")
    assert Money("2.5", "JPY").amount == Decimal("2")


def test_floats_and_mixed_currencies_are_refused() -> None:
    with pytest.raises(MoneyError):
        Money(0.1, "CNY")
    with pytest.raises(MoneyError):
        Money("1.00", "CNY") + Money("1.00", "USD")
    with pytest.raises(MoneyError):
        Money("1", "cny")


@pytest.mark.parametrize("shares", [["50", "40"], ["50", "50.01"], ["100", "0"], [], ["-10", "110"]])
def test_shares_that_do_not_add_up_to_100_are_refused(shares: list[str]) -> None:
    with pytest.raises(SharesError):
        check_shares(shares)


def test_one_fen_among_three_goes_to_the_largest_share() -> None:
    parts = split(Money("0.01"), THIRDS)
    assert [p.minor for p in parts] == [1, 0, 0]


def test_a_hundred_among_three_equal_thirds_adds_up() -> None:
    third = Decimal(100) / 3
    parts = split(Money("100.00"), [third, third, Decimal(100) - 2 * third])
    assert sum(p.minor for p in parts) == 10000
    assert sorted(p.minor for p in parts) == [3333, 3333, 3334]


def test_a_reversal_splits_as_the_mirror_image() -> None:
    forward = split(Money("10.01"), THIRDS)
    backward = split(Money("-10.01"), THIRDS)
    assert [p.minor for p in backward] == [-p.minor for p in forward]


shares_strategy = st.lists(st.integers(1, 10_000), min_size=1, max_size=6).map(
    lambda ws: _to_percent(ws))


def _to_percent(weights: list[int]) -> list[Decimal]:
    total = sum(weights)
    pct = [(Decimal(w) * 100 / total).quantize(Decimal("0.0001")) for w in weights]
    pct[0] += Decimal(100) - sum(pct)  # make them exactly 100 whatever the rounding
    return pct if pct[0] > 0 else [Decimal(100)]


@given(st.integers(-10**9, 10**9), shares_strategy)
def test_parts_always_add_up_to_the_whole(units: int, shares: list[Decimal]) -> None:
    amount = Money.from_minor(units, "CNY")
    parts = split(amount, shares)
    assert sum(p.minor for p in parts) == amount.minor
    for part, share in zip(parts, shares, strict=True):
        exact = Decimal(units) * share / 100
        assert abs(Decimal(part.minor) - exact) < 1  # never off by a whole minor unit
