"""`cam simulate --piece buckle:... --face dome`: the program is judged on the dome's surface.
A program carved with `--follow-surface` is approved; the flat one is refused for cutting air;
on a flat face `--piece` changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from machines.carve import run_cli as carve_cli
from machines.simulate_cli import run_cli

LEAF = """<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="40mm" viewBox="0 0 60 40">
  <path d="M10 30 C20 5 40 5 50 30" fill="none" stroke="black"/>
  <circle cx="30" cy="20" r="6" fill="none" stroke="black"/>
</svg>
"""
BUCKLE = "buckle:outer=30,thickness=6,dome=3"


def _carve(out: Path, name: str, *extra: str) -> tuple[Path, Path, dict[str, float]]:
    design, program, report = out / "leaf.svg", out / f"{name}.nc", out / f"{name}.json"
    design.write_text(LEAF)
    code = carve_cli([str(design), "-o", str(program), "--report", str(report), "--fit", *extra])
    assert code == 0
    return design, program, json.loads(report.read_text())["placement"]


def _args(design: Path, program: Path, p: dict[str, float], *extra: str) -> list[str]:
    return [
        str(program),
        "--design",
        str(design),
        "--tool",
        "ball-1.0",
        "--depth",
        "0.3",
        "--resolution",
        "0.1",
        "--scale",
        repr(p["scale"]),
        "--rotate",
        repr(p["rotation_deg"]),
        f"--offset={p['offset_x']!r},{p['offset_y']!r}",
        *extra,
    ]


@pytest.fixture(scope="module")
def dome(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("dome")
    on_dome = ("--piece", BUCKLE, "--face", "dome")
    design, followed, placement = _carve(out, "followed", *on_dome, "--follow-surface")
    _, flat, flat_placement = _carve(out, "flat", *on_dome)
    assert flat_placement == placement  # the same fit: only the Z differs
    return {"design": design, "followed": followed, "flat": flat, "placement": placement}


def test_a_program_following_the_dome_is_approved_on_the_dome(
    dome: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "sim.json"
    args = _args(dome["design"], dome["followed"], dome["placement"])  # type: ignore[arg-type]
    code = run_cli([*args, "--piece", BUCKLE, "--face", "dome", "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "cut matches the design" in out and "curved face" in out
    doc = json.loads(report.read_text())
    assert doc["ok"] and doc["curved_surface"] and doc["face_name"] == "dome"
    assert doc["face"] == pytest.approx([-15.0, -15.0, 15.0, 15.0], abs=0.1)  # the face's box
    assert doc["max_depth"] == pytest.approx(0.3, abs=0.01)
    assert doc["outside_mm2"] == 0.0 and doc["uncut_mm"] == 0.0 and doc["iou"] > 0.9


def test_without_the_piece_the_followed_program_looks_far_too_deep(
    dome: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(dome["design"], dome["followed"], dome["placement"])  # type: ignore[arg-type]
    assert run_cli(args) == 1
    assert "deeper than the requested" in capsys.readouterr().out


def test_a_flat_program_on_the_dome_is_refused_for_cutting_air(
    dome: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    args = _args(dome["design"], dome["flat"], dome["placement"])  # type: ignore[arg-type]
    assert run_cli([*args, "--piece", BUCKLE, "--face", "dome"]) == 1
    out = capsys.readouterr().out
    assert "cut REFUSED" in out
    assert "not cut to full depth below the stone's surface" in out
    assert "passes above the stone" in out


def test_on_a_flat_face_the_piece_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    disc = "bi_disc:outer=50,inner=16,thickness=5"
    design, program, placement = _carve(tmp_path, "disc", "--piece", disc, "--face", "front")
    report = tmp_path / "sim.json"
    args = _args(design, program, placement, "--report", str(report))
    assert run_cli([*args, "--piece", disc, "--face", "front"]) == 0
    doc = json.loads(report.read_text())
    assert doc["ok"] and not doc["curved_surface"] and doc["face_name"] == "front"
    assert "curved face" not in capsys.readouterr().out
