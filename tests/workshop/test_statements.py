"""Owners' royalty statements (page and CSV): their totals equal the ledger, over random uses,
refunds and corrections."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from jobs import royalties
from jobs.intake import accept_order, register_piece
from jobs.money import Money
from jobs.types import Actor
from workshop.models import Design, DesignOwner, Job, Order, RoyaltyEntry

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20mm" height="20mm" viewBox="0 0 20 20">'
       '<path d="M2 2 L18 18" stroke="black"/></svg>')
PARTIES = ("cust", "des", "shop")
YEAR = dt.date(2026, 1, 1)
_serial = itertools.count()

use = st.tuples(st.integers(0, 364), st.one_of(st.none(), st.integers(0, 30)),
                st.integers(-500, 500))  # day of use, refund n days later, correction (fen)
scenario = st.fixed_dictionaries({
    "royalty": st.integers(1, 1_000_000),
    "weights": st.tuples(*(st.integers(1, 1000) for _ in PARTIES)),
    "uses": st.lists(use, min_size=1, max_size=3),
    "period": st.tuples(st.integers(0, 364), st.integers(0, 400)),
})


def _shares(weights: tuple[int, ...]) -> list[Decimal]:
    total = sum(weights)
    pct = [(Decimal(w) * 100 / total).quantize(Decimal("0.01")) for w in weights]
    pct[0] += 100 - sum(pct)
    return pct if pct[0] > 0 else [Decimal("98"), Decimal("1"), Decimal("1")]


def _make_ledger(factory: Any, data: dict) -> None:
    n = next(_serial)
    with factory() as s:
        design = Design(code=f"CO-{n}", title="t", source="co_designed", svg=SVG,
                        svg_sha256="0" * 64)
        s.add(design)
        s.flush()
        owners = [DesignOwner(design_id=design.id, kind=k, name=k, party_ref=k) for k in PARTIES]
        s.add_all(owners)
        s.flush()
        royalties.set_terms(s, design, valid_from=YEAR,
                            royalty=Money.from_minor(data["royalty"]),
                            shares=list(zip(owners, _shares(data["weights"]), strict=True)))
        numbers = [f"ST-{n}-{i}" for i in range(len(data["uses"]))]
        for number in numbers:
            register_piece(s, {"certificate_no": number, "shape": "bi_disc", "material": "玉",
                               "mass_g": "10"}, Actor.system())
        accept_order(s, {"reference": f"ST-{n}", "delivery": "courier", "amount_paid": "0",
                         "lines": [{"certificate_no": c, "carving_mode": "machine",
                                    "design_code": design.code} for c in numbers]},
                     Actor.system())
        jobs = list(s.scalars(select(Job).join(Order).where(Order.platform_ref == f"ST-{n}")
                              .order_by(Job.line_no)))
        for job, (day, refund_after, correction) in zip(jobs, data["uses"], strict=True):
            used = YEAR + dt.timedelta(days=day)
            royalties.record_use(s, job, used)
            if correction:
                royalties.correct(s, job, Money.from_minor(correction), used, "correction")
            if refund_after is not None:
                royalties.reverse_job(s, job, used + dt.timedelta(days=refund_after))
        s.commit()


def _ledger_sum(factory: Any, party: str | None, start: dt.date, end: dt.date) -> int:
    query = (select(func.coalesce(func.sum(RoyaltyEntry.amount_minor), 0))
             .join(DesignOwner, DesignOwner.id == RoyaltyEntry.owner_id)
             .where(RoyaltyEntry.booked_on >= start, RoyaltyEntry.booked_on <= end))
    if party is not None:
        query = query.where(DesignOwner.party_ref == party)
    with factory() as s:
        return int(s.scalar(query))


def _page_total(html: str) -> Decimal:
    found = re.findall(r'data-total="(-?[0-9.]+)"', html)
    return Decimal(found[0]) if found else Decimal(0)


def _csv_total(text: str) -> tuple[Decimal, int]:
    rows = list(csv.reader(io.StringIO(text)))
    totals = [Decimal(r[5]) for r in rows if r[0] == "total"]
    lines = [r for r in rows[1:] if r[0] != "total"]
    return (totals[0] if totals else Decimal(0)), len(lines)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=scenario)
def test_statements_equal_the_ledger(client_as: Any, seeded: Any, data: dict) -> None:
    _make_ledger(seeded, data)
    client, _csrf = client_as("supervisor")
    start = YEAR + dt.timedelta(days=data["period"][0])
    end = start + dt.timedelta(days=data["period"][1])
    grand = 0
    for party in PARTIES:
        ledger = _ledger_sum(seeded, party, start, end)
        grand += ledger
        with seeded() as s:
            found = royalties.statement(s, party, start, end)
        assert sum(m.minor for m in found.totals.values()) == ledger
        assert sum(ln.amount.minor for ln in found.lines) == ledger
        query = {"party_ref": party, "start": start.isoformat(), "end": end.isoformat()}
        page = client.get("/designs/statement", query_string=query)
        assert page.status_code == 200
        assert _page_total(page.get_data(as_text=True)) == Money.from_minor(ledger).amount
        sheet = client.get("/designs/statement.csv", query_string=query)
        assert sheet.mimetype == "text/csv"
        assert _csv_total(sheet.get_data(as_text=True)) == (Money.from_minor(ledger).amount,
                                                            len(found.lines))
    assert grand == _ledger_sum(seeded, None, start, end)


def test_only_managers_open_the_statements(client_as: Any) -> None:
    client, _csrf = client_as("artisan")
    answer = client.get("/designs/statement", query_string={"party_ref": "shop"})
    assert answer.status_code == 403
    manager, _csrf = client_as("supervisor")
    assert manager.get("/designs/statement").status_code == 400  # no owner chosen
    assert manager.get("/designs/").status_code == 200


def test_the_station_speaks_chinese(client_as: Any) -> None:
    client, _csrf = client_as("supervisor")
    page = client.get("/designs/?lang=zh").get_data(as_text=True)
    assert "图案库" in page and "版税对账单" in page
