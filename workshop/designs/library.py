"""The design library: adding a design (checked by the CAM first), its terms, and its JSON.

Shared by the API (``workshop/api/designs.py``) and the station pages. A design is refused
with the CAM's own reason when it cannot be carved: the upload is carved once at its own size
on the default engraver, exactly as a job would be, and the preview it draws is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobs import royalties
from jobs.money import Money, MoneyError, SharesError
from workshop import artifacts
from workshop.config import Settings
from workshop.errors import Conflict, Invalid, NotFound
from workshop.models import (
    Design,
    DesignFit,
    DesignOwner,
    DesignPatent,
    DesignPreview,
    DesignSource,
    DesignTerms,
)

__all__ = ["add_terms", "cam_check", "create_design", "design_json", "design_summary",
           "get_design"]


def get_design(session: Session, code: str) -> Design:
    design = session.scalar(select(Design).where(Design.code == code))
    if design is None:
        raise NotFound(f"no design {code}", design_code=code)
    return design


def cam_check(svg: str, code: str) -> tuple[str | None, dict[str, Any]]:
    """Carve ``svg`` at its own size; (the preview SVG, a summary). Raises the CAM's CamError
    (answered 422 ``cam_refused`` with its reason) when it cannot be carved."""
    from machines.carve import CarveOptions, carve

    result = carve(svg, CarveOptions(job=f"design {code}"))
    report = result.report if isinstance(result.report, dict) else {}
    kept = ("bbox_mm", "estimated_seconds", "path_count", "warnings")
    summary: dict[str, Any] = {k: report[k] for k in kept if k in report}
    return result.preview_svg, summary


def _money(value: Any, currency: str, field: str) -> Money | None:
    if value is None:
        return None
    try:
        return Money(str(value), currency)
    except MoneyError as exc:
        raise Invalid(f"{field}: {exc}", field=field) from exc


def _date(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise Invalid(f"{field} must be a date, YYYY-MM-DD", field=field) from exc


def add_terms(session: Session, design: Design, data: Mapping[str, Any]) -> DesignTerms:
    """A new version of ``design``'s terms; shares name owners by ``party_ref``. Refused (422)
    when the shares do not add up to exactly 100 % or name an unknown owner."""
    owners = {o.party_ref: o for o in session.scalars(
        select(DesignOwner).where(DesignOwner.design_id == design.id))}
    shares = []
    for item in data.get("shares", []):
        owner = owners.get(item["party_ref"])
        if owner is None:
            raise Invalid(f"{item['party_ref']!r} is not an owner of design {design.code}",
                          field="shares")
        shares.append((owner, Decimal(str(item["share_pct"]))))
    currency = str(data.get("currency", "CNY"))
    try:
        return royalties.set_terms(
            session, design, valid_from=_date(data["valid_from"], "valid_from") or dt.date.min,
            shares=shares, currency=currency,
            design_fee=_money(data.get("design_fee"), currency, "design_fee"),
            royalty=_money(data.get("royalty"), currency, "royalty"),
            royalty_pct=data.get("royalty_pct"),
            term_start=_date(data.get("term_start"), "term_start"),
            term_years=data.get("term_years"), hand_hours=data.get("hand_hours", "0"))
    except SharesError as exc:
        raise Invalid(str(exc), field="shares") from exc
    except royalties.RoyaltyError as exc:
        raise Invalid(str(exc)) from exc


def create_design(session: Session, settings: Settings, data: Mapping[str, Any],
                  created_by: str) -> Design:
    """Check the SVG with the CAM, then add the design with its fits, owners, terms and patent
    data (committed). Nothing is written when anything is refused."""
    code = data["code"]
    if session.scalar(select(Design.id).where(Design.code == code)) is not None:
        raise Conflict(f"design {code} already exists", design_code=code)
    source = data.get("source", DesignSource.FREE)
    if source == DesignSource.CO_DESIGNED and not (data.get("owners") and data.get("terms")):
        raise Invalid("a co-designed design needs its owners and terms", field="owners")
    preview, summary = cam_check(data["svg"], code)
    svg = data["svg"]
    design = Design(code=code, title=data.get("title", code), source=source, svg=svg,
                    svg_sha256=hashlib.sha256(svg.encode()).hexdigest(),
                    tags=list(data.get("tags", [])), designer=data.get("designer", ""))
    session.add(design)
    session.flush()
    for fit in data.get("suits", []):
        session.add(DesignFit(design_id=design.id, shape=fit["shape"],
                              faces=list(fit.get("faces", [])),
                              min_size_mm=str(fit.get("min_size_mm", "0")),
                              max_size_mm=None if fit.get("max_size_mm") is None
                              else str(fit["max_size_mm"])))
    for owner in data.get("owners", []):
        session.add(DesignOwner(design_id=design.id, kind=owner["kind"], name=owner["name"],
                                party_ref=owner["party_ref"]))
    session.flush()
    if data.get("terms"):
        add_terms(session, design, data["terms"])
    if data.get("patent"):
        patent = data["patent"]
        session.add(DesignPatent(design_id=design.id, applicants=list(patent.get("applicants", [])),
                                 application_no=patent.get("application_no", ""),
                                 status=patent.get("status", "not_filed")))
    if preview:
        art = artifacts.save(session, settings, preview.encode(), kind="design_preview",
                             filename=f"design-{code}-preview.svg", media_type="image/svg+xml",
                             created_by=created_by)
        session.add(DesignPreview(design_id=design.id, sha256=art.sha256, summary=summary))
    try:
        session.commit()
    except IntegrityError as exc:  # the same code uploaded at the same moment won
        session.rollback()
        raise Conflict(f"design {code} already exists", design_code=code) from exc
    return design


def design_summary(design: Design) -> dict[str, Any]:
    return {"code": design.code, "title": design.title, "source": design.source,
            "tags": list(design.tags or []), "designer": design.designer}


def _terms_json(terms: DesignTerms) -> dict[str, Any]:
    end = royalties.term_end(terms)
    return {
        "version": terms.version, "valid_from": terms.valid_from.isoformat(),
        "currency": terms.currency,
        "design_fee": str(Money.from_minor(terms.design_fee_minor, terms.currency).amount),
        "royalty": None if terms.royalty_minor is None
        else str(Money.from_minor(terms.royalty_minor, terms.currency).amount),
        "royalty_pct": terms.royalty_pct,
        "term_start": terms.term_start.isoformat() if terms.term_start else None,
        "term_years": terms.term_years, "free_from": end.isoformat() if end else None,
        "hand_hours": terms.hand_hours,
        "shares": [{"party_ref": s.owner.party_ref, "kind": s.owner.kind,
                    "share_pct": s.share_pct} for s in terms.shares],
    }


def design_json(session: Session, design: Design) -> dict[str, Any]:
    """Everything the library knows of a design, terms newest first."""
    fits = session.scalars(select(DesignFit).where(DesignFit.design_id == design.id))
    owners = session.scalars(select(DesignOwner).where(DesignOwner.design_id == design.id))
    terms = session.scalars(select(DesignTerms).where(DesignTerms.design_id == design.id)
                            .order_by(DesignTerms.version.desc()))
    patent = session.scalar(select(DesignPatent).where(DesignPatent.design_id == design.id))
    preview = session.scalar(select(DesignPreview).where(DesignPreview.design_id == design.id))
    return {
        **design_summary(design), "svg_sha256": design.svg_sha256,
        "suits": [{"shape": f.shape, "faces": f.faces, "min_size_mm": f.min_size_mm,
                   "max_size_mm": f.max_size_mm} for f in fits],
        "owners": [{"kind": o.kind, "name": o.name, "party_ref": o.party_ref} for o in owners],
        "terms": [_terms_json(t) for t in terms],
        "patent": None if patent is None else {
            "applicants": patent.applicants, "application_no": patent.application_no,
            "status": patent.status},
        "preview_sha256": preview.sha256 if preview else None,
    }
