"""The demo workshop seed."""

from __future__ import annotations

from sqlalchemy import func, select

from workshop.auth import check_password, client_for_key, user_for_token
from workshop.models import ApiClient, Certificate, Design, Job, Machine, Piece, Store, User
from workshop.seed import seed


def test_seed_makes_the_demo_workshop_once(session_factory):
    lines: list[str] = []
    assert seed(session_factory, out=lines.append) is True
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Store)) == 1
        roles = sorted(s.scalars(select(User.role)))
        assert roles == ["admin", "artisan", "artisan", "artisan", "cnc_operator", "store_clerk",
                         "supervisor"]
        assert sorted(s.scalars(select(Machine.profile))) == ["engraver-3axis-grbl",
                                                              "rotary-4axis-linuxcnc"]
        pieces = s.scalars(select(Piece).order_by(Piece.id)).all()
        assert [p.shape for p in pieces] == ["bangle", "bi_disc", "ring", "buckle"]
        assert len({p.set_code for p in pieces}) == 1
        assert all(p.material == "和田玉/软玉" for p in pieces)
        certificates = s.scalars(select(Certificate)).all()
        assert {c.number for c in certificates} == {p.certificate_no for p in pieces}
        assert all(c.content["identification"]["dimensions"] for c in certificates)
        assert s.scalar(select(func.count()).select_from(Design)) >= 3
        assert [j.state for j in s.scalars(select(Job))] == ["awaiting_piece"] * 3
        # the secrets printed once work, and are not stored in clear
        table = [line.split() for line in lines if line.startswith(("admin ", "platform "))]
        admin = s.scalar(select(User).where(User.username == "admin"))
        assert check_password(admin, table[0][2]) and admin.password_hash != table[0][2]
        assert user_for_token(s, table[0][3]).username == "admin"
        assert client_for_key(s, table[1][-1]).name == "platform"
        assert s.scalar(select(ApiClient.key_hash)) != table[1][-1]
    assert seed(session_factory, if_empty=True, out=lines.append) is False
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Store)) == 1


def test_seed_designs_are_carvable_svgs(session_factory):
    import pytest

    carve_module = pytest.importorskip("machines.carve")
    seed(session_factory, out=lambda _line: None)
    with session_factory() as s:
        designs = s.scalars(select(Design)).all()
    for design in designs:
        result = carve_module.carve(design.svg, carve_module.CarveOptions())
        assert "G21" in result.gcode, design.code
