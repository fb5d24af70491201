"""Design rights: versioned terms, the royalty ledger, and statements per owner.

- Terms are versioned: :func:`set_terms` adds a version with its ``valid_from`` date and the
  owners' shares (per cent, exactly 100 in all); a use is charged under the version in force on
  the day of the use (:func:`terms_on`), so a change of terms applies only from its date.
- A royalty runs ``term_years`` from ``term_start``; on and after the anniversary the design is
  free: the royalty is zero and no entry is written.
- The ledger is append-only. :func:`record_use` writes one entry per owner, split by
  ``jobs.money.split`` (largest remainder, the parts add up to the royalty exactly). A refund
  after cancellation (:func:`reverse_job`) and a correction (:func:`correct`) are new entries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs.money import Money, check_shares, split
from workshop.models import (
    Design,
    DesignOwner,
    DesignTerms,
    EntryKind,
    Job,
    RoyaltyEntry,
    TermShare,
)

__all__ = [
    "RoyaltyError", "Statement", "StatementLine", "correct", "entries_for_job", "parties",
    "record_use", "reverse_job", "royalty_on", "set_terms", "statement", "term_end", "terms_on",
]


class RoyaltyError(ValueError):
    """Terms that cannot be recorded (owners of another design, both kinds of royalty, ...)."""


def term_end(terms: DesignTerms) -> dt.date | None:
    """The first day the design is free under ``terms`` (None: the royalty never ends)."""
    if terms.term_start is None or terms.term_years is None:
        return None
    start = terms.term_start
    try:
        return start.replace(year=start.year + terms.term_years)
    except ValueError:  # 29 February: the term ends on 1 March of a common year
        return dt.date(start.year + terms.term_years, 3, 1)


def set_terms(session: Session, design: Design, *, valid_from: dt.date,
              shares: Sequence[tuple[DesignOwner, object]], currency: str = "CNY",
              design_fee: Money | None = None, royalty: Money | None = None,
              royalty_pct: object = None, term_start: dt.date | None = None,
              term_years: int | None = None, hand_hours: object = "0") -> DesignTerms:
    """Add the next version of ``design``'s terms (flushed, not committed).

    Raises SharesError when the shares are not all positive or do not add up to exactly 100,
    RoyaltyError when an owner belongs to another design or both royalty kinds are given.
    """
    if shares:
        check_shares([pct for _, pct in shares])
    if any(owner.design_id != design.id for owner, _ in shares):
        raise RoyaltyError("every owner in the shares must be an owner of this design")
    if royalty is not None and royalty_pct is not None:
        raise RoyaltyError("a royalty is per use or a percentage of the design fee, not both")
    fee = design_fee or Money.zero(currency)
    for amount in (fee, royalty):
        if amount is not None and amount.currency != currency:
            raise RoyaltyError(f"amounts must be in {currency}: {amount}")
    if (term_start is None) != (term_years is None):
        raise RoyaltyError("a term needs both its start date and its number of years")
    latest = session.scalar(select(func.max(DesignTerms.version))
                            .where(DesignTerms.design_id == design.id)) or 0
    terms = DesignTerms(
        design_id=design.id, version=latest + 1, valid_from=valid_from, currency=currency,
        design_fee_minor=fee.minor, royalty_minor=None if royalty is None else royalty.minor,
        royalty_pct=None if royalty_pct is None else str(Decimal(str(royalty_pct))),
        term_start=term_start, term_years=term_years, hand_hours=str(Decimal(str(hand_hours))))
    session.add(terms)
    session.flush()
    for owner, pct in shares:
        session.add(TermShare(terms_id=terms.id, owner_id=owner.id, share_pct=str(pct)))
    session.flush()
    session.refresh(terms)
    return terms


def terms_on(session: Session, design_id: int, day: dt.date) -> DesignTerms | None:
    """The version of the terms in force on ``day`` (the latest valid_from on or before it)."""
    return session.scalar(
        select(DesignTerms).where(DesignTerms.design_id == design_id,
                                  DesignTerms.valid_from <= day)
        .order_by(DesignTerms.valid_from.desc(), DesignTerms.version.desc()).limit(1))


def royalty_on(terms: DesignTerms, day: dt.date) -> Money:
    """The royalty one use on ``day`` owes under ``terms``; zero once the term has ended."""
    zero = Money.zero(terms.currency)
    end = term_end(terms)
    if end is not None and day >= end:
        return zero
    if terms.royalty_minor is not None:
        return Money.from_minor(terms.royalty_minor, terms.currency)
    if terms.royalty_pct is not None:
        return Money.from_minor(terms.design_fee_minor, terms.currency).percent(terms.royalty_pct)
    return zero


def entries_for_job(session: Session, job_id: int) -> list[RoyaltyEntry]:
    return list(session.scalars(select(RoyaltyEntry).where(RoyaltyEntry.job_id == job_id)
                                .order_by(RoyaltyEntry.id)))


def _write_split(session: Session, job: Job, terms: DesignTerms, amount: Money, day: dt.date,
                 kind: str, note: str) -> list[RoyaltyEntry]:
    parts = split(amount, [s.share_pct for s in terms.shares])
    rows = [RoyaltyEntry(job_id=job.id, design_id=terms.design_id, terms_id=terms.id,
                         owner_id=share.owner_id, kind=kind, amount_minor=part.minor,
                         currency=part.currency, share_pct=share.share_pct, booked_on=day,
                         note=note)
            for share, part in zip(terms.shares, parts, strict=True) if part.minor != 0]
    session.add_all(rows)
    session.flush()
    return rows


def record_use(session: Session, job: Job, day: dt.date) -> list[RoyaltyEntry]:
    """Write the royalty of ``job``'s paid use of its design on ``day`` (flushed, not committed).

    Idempotent: a job already charged is not charged again (its entries are returned). Nothing
    is written for a job without a design, a design without terms or shares on that day, or a
    use after the term ended.
    """
    existing = [e for e in entries_for_job(session, job.id) if e.kind == EntryKind.ROYALTY]
    if existing or job.design_id is None:
        return existing
    terms = terms_on(session, job.design_id, day)
    if terms is None or not terms.shares:
        return []
    amount = royalty_on(terms, day)
    if amount.minor == 0:
        return []
    return _write_split(session, job, terms, amount, day, EntryKind.ROYALTY,
                        f"use by job {job.id}")


def reverse_job(session: Session, job: Job, day: dt.date,
                note: str = "refund after cancellation") -> list[RoyaltyEntry]:
    """Reverse every royalty entry of ``job`` not yet reversed, by new negative entries dated
    ``day`` (the refund's day: a statement of that period shows it)."""
    entries = entries_for_job(session, job.id)
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    rows = [RoyaltyEntry(job_id=e.job_id, design_id=e.design_id, terms_id=e.terms_id,
                         owner_id=e.owner_id, kind=EntryKind.REVERSAL,
                         amount_minor=-e.amount_minor, currency=e.currency,
                         share_pct=e.share_pct, reverses_id=e.id, booked_on=day, note=note)
            for e in entries if e.kind == EntryKind.ROYALTY and e.id not in reversed_ids]
    session.add_all(rows)
    session.flush()
    return rows


def correct(session: Session, job: Job, amount: Money, day: dt.date,
            note: str) -> list[RoyaltyEntry]:
    """A correction of ``job``'s royalty by ``amount`` (positive or negative), dated ``day`` and
    split under the terms of its original use; never an edit of the entries already written."""
    original = next((e for e in entries_for_job(session, job.id)
                     if e.kind == EntryKind.ROYALTY), None)
    if original is None:
        raise RoyaltyError(f"job {job.id} has no royalty to correct")
    terms = session.get_one(DesignTerms, original.terms_id)
    if amount.currency != terms.currency:
        raise RoyaltyError(f"a correction must be in {terms.currency}")
    return _write_split(session, job, terms, amount, day, EntryKind.CORRECTION, note)


# ---- statements ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementLine:
    booked_on: dt.date
    design_code: str
    job_id: int
    kind: str
    share_pct: str
    amount: Money
    note: str


@dataclass(frozen=True)
class Statement:
    """What one owner (designer, customer or shop, by ``party_ref``) earned in a period."""

    party_ref: str
    start: dt.date
    end: dt.date  # inclusive
    lines: list[StatementLine]
    totals: dict[str, Money]  # per currency

    CSV_HEADER = ("booked_on", "design", "job", "kind", "share_pct", "amount", "currency",
                  "note")

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.CSV_HEADER)
        for ln in self.lines:
            writer.writerow([ln.booked_on.isoformat(), ln.design_code, ln.job_id, ln.kind,
                             ln.share_pct, str(ln.amount.amount), ln.amount.currency, ln.note])
        for currency, total in sorted(self.totals.items()):
            writer.writerow(["total", "", "", "", "", str(total.amount), currency, ""])
        return out.getvalue()


def parties(session: Session) -> list[tuple[str, str, str]]:
    """Every owner known to the ledger as (party_ref, kind, name), one row per party."""
    rows = session.execute(select(DesignOwner.party_ref, DesignOwner.kind, DesignOwner.name)
                           .order_by(DesignOwner.party_ref, DesignOwner.id))
    seen: dict[str, tuple[str, str, str]] = {}
    for ref, kind, name in rows:
        seen.setdefault(ref, (ref, kind, name))
    return list(seen.values())


def statement(session: Session, party_ref: str, start: dt.date, end: dt.date) -> Statement:
    """Every ledger entry of the owner ``party_ref`` booked from ``start`` to ``end``
    (inclusive), with totals per currency; the totals are the sums of the ledger's rows."""
    query = (select(RoyaltyEntry, Design.code)
             .join(DesignOwner, DesignOwner.id == RoyaltyEntry.owner_id)
             .join(Design, Design.id == RoyaltyEntry.design_id)
             .where(DesignOwner.party_ref == party_ref, RoyaltyEntry.booked_on >= start,
                    RoyaltyEntry.booked_on <= end)
             .order_by(RoyaltyEntry.booked_on, RoyaltyEntry.id))
    lines: list[StatementLine] = []
    totals: dict[str, Money] = {}
    for entry, code in session.execute(query):
        amount = Money.from_minor(entry.amount_minor, entry.currency)
        lines.append(StatementLine(entry.booked_on, code, entry.job_id, entry.kind,
                                   entry.share_pct, amount, entry.note))
        totals[entry.currency] = totals.get(entry.currency, Money.zero(entry.currency)) + amount
    return Statement(party_ref, start, end, lines, totals)
