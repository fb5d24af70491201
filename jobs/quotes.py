"""The quote for one piece + design + carving mode: the lines of the bill the platform charges.

Lines, in this order, each an exact :class:`jobs.money.Money` in the workshop's currency:

- ``design``: the design fee of a paid design, or the royalty of a co-designed one under the
  terms in force on the day (zero once its term has ended); zero for free designs and the
  customer's own;
- ``carving``: hand carving is the design's estimated hours (or the default) times the artisan
  rate, each line rounded once, half-even to the fen; machine carving is free;
- ``return_shipping``: by courier, the flat return shipping; pickup at the store is free.

A design with recorded fits is offered only on a piece it fits (shape, face, size); otherwise
the quote is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.money import Money
from jobs.royalties import royalty_on, term_end, terms_on
from workshop.config import Settings
from workshop.models import (
    CarvingMode,
    Delivery,
    Design,
    DesignFit,
    DesignSource,
    DesignTerms,
    Piece,
)

__all__ = ["Quote", "QuoteError", "QuoteLine", "fits", "piece_size_mm", "quote"]

# a piece's face size: its outer diameter, else the largest of these (mm)
SIZE_KEYS = ("width_mm", "length_mm", "height_mm")


class QuoteError(ValueError):
    """A quote that cannot be made (a design not offered on this piece, an unknown mode)."""


@dataclass(frozen=True)
class QuoteLine:
    code: str  # design | carving | return_shipping
    description: str
    amount: Money

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "description": self.description, **self.amount.to_json()}


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine]
    currency: str

    @property
    def total(self) -> Money:
        return sum((ln.amount for ln in self.lines), Money.zero(self.currency))

    def to_json(self) -> dict[str, object]:
        return {"lines": [ln.to_json() for ln in self.lines], "currency": self.currency,
                "total": str(self.total.amount),
                "rounding": "ROUND_HALF_EVEN to the currency's minor unit, once per line"}


def piece_size_mm(piece: Piece) -> Decimal | None:
    dims = piece.dimensions or {}
    try:
        if dims.get("outer_diameter_mm"):
            return Decimal(str(dims["outer_diameter_mm"]))
        sizes = [Decimal(str(dims[k])) for k in SIZE_KEYS if dims.get(k)]
    except InvalidOperation:
        return None
    return max(sizes) if sizes else None


def fits(session: Session, design: Design, piece: Piece, face: str) -> str | None:
    """None when ``design`` is offered on ``piece``'s ``face``; otherwise the reason why not.
    A design without recorded fits is offered everywhere (the CAM still checks the cut)."""
    rows = list(session.scalars(select(DesignFit).where(DesignFit.design_id == design.id)))
    if not rows:
        return None
    size = piece_size_mm(piece)
    for fit in rows:
        if fit.shape != piece.shape or (fit.faces and face not in fit.faces):
            continue
        if size is None:
            return f"the piece's size is unknown: design {design.code} needs one"
        if Decimal(fit.min_size_mm) <= size and (
                fit.max_size_mm is None or size <= Decimal(fit.max_size_mm)):
            return None
    return (f"design {design.code} is not offered on a {piece.shape} of "
            f"{size if size is not None else 'unknown'} mm ({face})")


def _design_line(design: Design | None, terms: DesignTerms | None, day: dt.date,
                 currency: str) -> QuoteLine:
    zero = Money.zero(currency)
    if design is None:
        return QuoteLine("design", "no design", zero)
    if terms is None or design.source in (DesignSource.FREE, DesignSource.CUSTOMER):
        return QuoteLine("design", f"design {design.code} ({design.source}): free", zero)
    _same_currency(terms.currency, currency)
    if design.source == DesignSource.CO_DESIGNED:
        royalty = royalty_on(terms, day)
        end = term_end(terms)
        if royalty.minor == 0 and end is not None and day >= end:
            return QuoteLine("design", f"design {design.code}: free since {end}", royalty)
        return QuoteLine("design", f"royalty for design {design.code}", royalty)
    return QuoteLine("design", f"design fee for {design.code}",
                     Money.from_minor(terms.design_fee_minor, currency))


def _same_currency(terms_currency: str, currency: str) -> None:
    if terms_currency != currency:
        raise QuoteError(f"the design's terms are in {terms_currency}, the shop bills {currency}")


def _carving_line(mode: str, terms: DesignTerms | None, settings: Settings) -> QuoteLine:
    if mode == CarvingMode.MACHINE:
        return QuoteLine("carving", "machine carving", Money.zero(settings.currency))
    if mode != CarvingMode.HAND:
        raise QuoteError(f"carving mode must be machine or hand, not {mode!r}")
    hours = Decimal(terms.hand_hours) if terms is not None and Decimal(terms.hand_hours) > 0 \
        else settings.default_hand_hours
    rate = Money(settings.artisan_rate_per_hour, settings.currency)
    return QuoteLine("carving", f"hand carving: {hours} h x {rate.amount}", rate * hours)


def _shipping_line(delivery: str, settings: Settings) -> QuoteLine:
    if delivery == Delivery.COURIER:
        return QuoteLine("return_shipping", "return shipping by courier",
                         Money(settings.return_shipping, settings.currency))
    if delivery == Delivery.PICKUP:
        return QuoteLine("return_shipping", "pickup at the store", Money.zero(settings.currency))
    raise QuoteError(f"delivery must be courier or pickup, not {delivery!r}")


def quote(session: Session, piece: Piece, design: Design | None, carving_mode: str,
          delivery: str, settings: Settings, *, face: str = "front",
          day: dt.date | None = None) -> Quote:
    """The bill for carving ``design`` on ``piece`` by ``carving_mode`` and returning it by
    ``delivery`` on ``day`` (default today, UTC). Raises QuoteError with the reason."""
    day = day or dt.datetime.now(dt.UTC).date()
    terms = None
    if design is not None:
        reason = fits(session, design, piece, face)
        if reason is not None:
            raise QuoteError(reason)
        terms = terms_on(session, design.id, day)
    return Quote([_design_line(design, terms, day, settings.currency),
                  _carving_line(carving_mode, terms, settings),
                  _shipping_line(delivery, settings)], settings.currency)
