"""Royalties: terms in force on a date, shares of exactly 100 %, the end of the term, and the
append-only ledger (splits that add up, reversals as new entries)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from jobs import royalties
from jobs.money import Money, SharesError
from workshop.models import Design, DesignOwner, DesignTerms, EntryKind, Job, RoyaltyEntry

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="20mm" viewBox="0 0 20 20">'
       '<path d="M2 2 L18 18" stroke="black"/></svg>')
THIRDS = ("33.34", "33.33", "33.33")
D = dt.date


def co_design(session: Any, code: str = "CO-PEONY") -> tuple[Design, list[DesignOwner]]:
    design = Design(code=code, title="Peony", source="co_designed", svg=SVG, svg_sha256="0" * 64)
    session.add(design)
    session.flush()
    owners = [DesignOwner(design_id=design.id, kind=kind, name=name, party_ref=ref)
              for kind, name, ref in (("customer", "Wang Fang", "cust-wang"),
                                      ("designer", "Li Ming", "des-li"),
                                      ("shop", "Workshop", "shop"))]
    session.add_all(owners)
    session.flush()
    return design, owners


def job_with(world: Any, design_code: str, ref: str = "TM-1", n: int = 1) -> list[int]:
    numbers = [f"{ref}-P{i}" for i in range(n)]
    for number in numbers:
        world.piece(number)
    return world.order(ref, [{"certificate_no": c, "carving_mode": "machine",
                              "design_code": design_code} for c in numbers])


def ledger_total(session: Any, job_id: int) -> int:
    return session.scalar(select(func.coalesce(func.sum(RoyaltyEntry.amount_minor), 0))
                          .where(RoyaltyEntry.job_id == job_id))


def test_shares_that_do_not_add_up_are_refused_and_nothing_is_written(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        with pytest.raises(SharesError):
            royalties.set_terms(s, design, valid_from=D(2026, 1, 1),
                                shares=list(zip(owners, ("50", "30", "19.99"), strict=True)),
                                royalty=Money("100.00"))
        assert s.scalar(select(func.count()).select_from(DesignTerms)) == 0


def test_a_royalty_of_100_among_three_owners_adds_up_exactly(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        royalties.set_terms(s, design, valid_from=D(2026, 1, 1), royalty=Money("100.00"),
                            shares=list(zip(owners, THIRDS, strict=True)))
        s.commit()
    (job_id,) = job_with(world, "CO-PEONY")
    with world.session() as s:
        entries = royalties.record_use(s, s.get_one(Job, job_id), D(2026, 3, 1))
        s.commit()
        assert sorted(e.amount_minor for e in entries) == [3333, 3333, 3334]
        assert ledger_total(s, job_id) == 10000
        # charging the same job again writes nothing more
        royalties.record_use(s, s.get_one(Job, job_id), D(2026, 3, 2))
        assert ledger_total(s, job_id) == 10000


def test_one_fen_goes_to_one_owner_only(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        royalties.set_terms(s, design, valid_from=D(2026, 1, 1), royalty=Money("0.01"),
                            shares=list(zip(owners, THIRDS, strict=True)))
        s.commit()
    (job_id,) = job_with(world, "CO-PEONY")
    with world.session() as s:
        entries = royalties.record_use(s, s.get_one(Job, job_id), D(2026, 3, 1))
        assert [(e.owner_id, e.amount_minor) for e in entries] == [(owners_of(s)[0], 1)]


def owners_of(session: Any) -> list[int]:
    return list(session.scalars(select(DesignOwner.id).order_by(DesignOwner.id)))


def test_a_use_after_the_term_is_free_and_writes_no_entry(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        terms = royalties.set_terms(s, design, valid_from=D(2020, 1, 1), royalty=Money("50.00"),
                                    shares=list(zip(owners, THIRDS, strict=True)),
                                    term_start=D(2020, 2, 29), term_years=5)
        s.commit()
        assert royalties.term_end(terms) == D(2025, 3, 1)
        assert royalties.royalty_on(terms, D(2025, 2, 28)).minor == 5000
        assert royalties.royalty_on(terms, D(2025, 3, 1)).minor == 0
    first, second = job_with(world, "CO-PEONY", n=2)
    with world.session() as s:
        assert royalties.record_use(s, s.get_one(Job, first), D(2025, 3, 1)) == []
        assert len(royalties.record_use(s, s.get_one(Job, second), D(2025, 2, 28))) == 3
        s.commit()
        assert ledger_total(s, first) == 0 and ledger_total(s, second) == 5000


def test_a_change_of_terms_applies_only_from_its_date(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        pairs = list(zip(owners, THIRDS, strict=True))
        royalties.set_terms(s, design, valid_from=D(2026, 1, 1), royalty=Money("100.00"),
                            shares=pairs)
        royalties.set_terms(s, design, valid_from=D(2026, 6, 1), royalty=Money("150.00"),
                            shares=list(zip(owners, ("50", "25", "25"), strict=True)))
        s.commit()
        assert royalties.terms_on(s, design.id, D(2025, 12, 31)) is None
    before, on_the_day = job_with(world, "CO-PEONY", n=2)
    with world.session() as s:
        royalties.record_use(s, s.get_one(Job, before), D(2026, 5, 31))
        royalties.record_use(s, s.get_one(Job, on_the_day), D(2026, 6, 1))
        s.commit()
        assert ledger_total(s, before) == 10000
        assert ledger_total(s, on_the_day) == 15000
        assert sorted(e.amount_minor for e in royalties.entries_for_job(s, on_the_day)) == [
            3750, 3750, 7500]


def test_a_percentage_of_the_design_fee(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        terms = royalties.set_terms(s, design, valid_from=D(2026, 1, 1), royalty_pct="12.5",
                                    design_fee=Money("99.99"),
                                    shares=list(zip(owners, THIRDS, strict=True)))
        # 12.5 % of 99.99 is 12.49875: rounded half-even to the fen
        assert royalties.royalty_on(terms, D(2026, 1, 1)).amount == Money("12.50").amount


def test_a_refund_reverses_by_new_entries_once(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        royalties.set_terms(s, design, valid_from=D(2026, 1, 1), royalty=Money("10.01"),
                            shares=list(zip(owners, THIRDS, strict=True)))
        s.commit()
    (job_id,) = job_with(world, "CO-PEONY")
    with world.session() as s:
        job = s.get_one(Job, job_id)
        charged = royalties.record_use(s, job, D(2026, 2, 1))
        s.commit()
        reversed_ = royalties.reverse_job(s, job, D(2026, 2, 3))
        s.commit()
        assert royalties.reverse_job(s, job, D(2026, 2, 4)) == []  # nothing left to reverse
        assert ledger_total(s, job_id) == 0
        assert {r.reverses_id for r in reversed_} == {c.id for c in charged}
        assert all(r.kind == EntryKind.REVERSAL for r in reversed_)
        # the original entries are untouched
        assert sorted(e.amount_minor for e in royalties.entries_for_job(s, job_id)
                      if e.kind == EntryKind.ROYALTY) == sorted(c.amount_minor for c in charged)


def test_a_correction_is_a_new_split_entry(world: Any) -> None:
    with world.session() as s:
        design, owners = co_design(s)
        royalties.set_terms(s, design, valid_from=D(2026, 1, 1), royalty=Money("30.00"),
                            shares=list(zip(owners, THIRDS, strict=True)))
        s.commit()
    (job_id,) = job_with(world, "CO-PEONY")
    with world.session() as s:
        job = s.get_one(Job, job_id)
        royalties.record_use(s, job, D(2026, 2, 1))
        royalties.correct(s, job, Money("-0.02"), D(2026, 2, 5), "overcharged")
        s.commit()
        assert ledger_total(s, job_id) == 2998
