"""Exact money: a ``Decimal`` amount with its currency code, and splits that always add up.

Rounding rule: an amount is kept to its currency's minor unit (CNY, USD, EUR, HKD: 2 places;
JPY, KRW: 0; unknown codes: 2) and every rounding is ROUND_HALF_EVEN (banker's rounding), so
halves do not drift one way over many charges. Floats are refused outright: ``Money("0.1",
"CNY")`` is exact, ``Money(0.1, "CNY")`` is an error.

A split never rounds each part on its own: :func:`split` gives every owner the floor of its
exact share in minor units, then hands the leftover minor units one by one to the largest
remainders (ties to the earlier owner), so the parts add up to the whole exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation

__all__ = [
    "MINOR_UNITS", "Money", "MoneyError", "ROUNDING", "SharesError", "check_shares", "minor_unit",
    "split",
]

ROUNDING = ROUND_HALF_EVEN
# ISO 4217 minor units of the currencies the platform sells in; others default to 2
MINOR_UNITS: dict[str, int] = {"CNY": 2, "HKD": 2, "TWD": 2, "USD": 2, "EUR": 2, "GBP": 2,
                               "SGD": 2, "JPY": 0, "KRW": 0}
HUNDRED = Decimal(100)


class MoneyError(ValueError):
    """An amount that is not exact money (a float, not a number, or currencies mixed)."""


class SharesError(ValueError):
    """Owners' shares that are not positive or do not add up to exactly 100 %."""


def minor_unit(currency: str) -> int:
    return MINOR_UNITS.get(currency, 2)


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(currency))


def _decimal(value: object) -> Decimal:
    if isinstance(value, float | bool):
        raise MoneyError(f"money is never a float: {value!r}; write it as a string")
    try:
        result = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return result


@dataclass(frozen=True, order=False)
class Money:
    """An amount rounded to the currency's minor unit (ROUND_HALF_EVEN)."""

    amount: Decimal
    currency: str = "CNY"

    def __init__(self, amount: object, currency: str = "CNY") -> None:
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isupper()):
            raise MoneyError(f"currency must be an ISO 4217 code like 'CNY': {currency!r}")
        exact = _decimal(amount).quantize(_quantum(currency), rounding=ROUNDING)
        object.__setattr__(self, "amount", exact)
        object.__setattr__(self, "currency", currency)

    @classmethod
    def zero(cls, currency: str = "CNY") -> Money:
        return cls(0, currency)

    @classmethod
    def from_minor(cls, units: int, currency: str = "CNY") -> Money:
        return cls(Decimal(units).scaleb(-minor_unit(currency)), currency)

    @property
    def minor(self) -> int:
        """The amount in minor units (cents / fen): exact, an integer."""
        return int(self.amount.scaleb(minor_unit(self.currency)))

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise MoneyError(f"cannot combine {self} with {other!r}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            raise MoneyError("money times money has no meaning")
        return Money(self.amount * _decimal(factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def percent(self, pct: object) -> Money:
        """``pct`` per cent of this amount, rounded once."""
        return Money(self.amount * _decimal(pct) / HUNDRED, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def to_json(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}


def check_shares(shares: Sequence[object]) -> list[Decimal]:
    """The shares as Decimals (per cent); SharesError unless all > 0 and the sum is exactly 100."""
    values = [_decimal(s) for s in shares]
    if not values:
        raise SharesError("a split needs at least one share")
    if any(v <= 0 for v in values):
        raise SharesError(f"every share must be above 0 %: {[str(v) for v in values]}")
    total = sum(values, Decimal(0))
    if total != HUNDRED:
        raise SharesError(f"shares must add up to exactly 100 %, they add up to {total} %")
    return values


def split(amount: Money, shares: Sequence[object]) -> list[Money]:
    """``amount`` split by ``shares`` (per cent, adding up to 100) by largest remainder.

    The parts are in the order of the shares and add up to ``amount`` exactly; a negative
    amount (a reversal) splits as the mirror image of the positive one.
    """
    values = check_shares(shares)
    if amount.minor < 0:
        return [-part for part in split(-amount, values)]
    units = amount.minor
    exact = [Decimal(units) * v / HUNDRED for v in values]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    leftover = units - sum(floors)
    # largest remainder first; equal remainders go to the earlier owner (stable sort)
    order = sorted(range(len(values)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:leftover]:
        floors[i] += 1
    return [Money.from_minor(u, amount.currency) for u in floors]
