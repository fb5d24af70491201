"""`cam simulate` on a bangle's band: a carved rotary program is approved with the piece and its
face, or with the band's diameter alone; without the band it is refused as unreadable."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from machines.carve import run_cli as carve_cli
from machines.simulate_cli import run_cli

ROOT = Path(__file__).resolve().parents[2]
LEAF = """<svg xmlns="http://www.w3.org/2000/svg" width="60mm" height="40mm" viewBox="0 0 60 40">
  <path d="M10 30 C20 5 40 5 50 30" fill="none" stroke="black"/>
  <circle cx="30" cy="20" r="6" fill="none" stroke="black"/>
</svg>
"""
# a flat section: the band is level across its width, so a program at constant depth below
# the crown is right on it (an oval one is followed: tests/jobs/test_curved_faces_wiring.py)
BANGLE = "bangle:inner=56,width=14,thickness=8,section=flat"


@pytest.fixture(scope="module")
def carved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A leaf carved round the band by `cam ... --wrap-band`, with its report."""
    out = tmp_path_factory.mktemp("bangle")
    design, program, report = out / "leaf.svg", out / "leaf.nc", out / "leaf.json"
    design.write_text(LEAF)
    code = carve_cli(
        [
            str(design),
            "-o",
            str(program),
            "--report",
            str(report),
            "--piece",
            BANGLE,
            "--face",
            "outer",
            "--fit",
            "--machine",
            "rotary-4axis-linuxcnc",
            "--dialect",
            "linuxcnc",
            "--wrap-band",
        ]
    )
    assert code == 0
    placement = json.loads(report.read_text())["placement"]
    return {"design": design, "program": program, "placement": placement}


def _args(carved: dict[str, object], *extra: str) -> list[str]:
    p = carved["placement"]
    assert isinstance(p, dict)
    return [
        str(carved["program"]),
        "--design",
        str(carved["design"]),
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


def test_on_the_piece_and_its_band_face_the_program_is_approved(
    carved: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "sim.json"
    code = run_cli(_args(carved, "--piece", BANGLE, "--face", "outer", "--report", str(report)))
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("cut matches the design")
    assert "rotary program: A axis round a band of diameter 72.000 mm" in out
    doc = json.loads(report.read_text())
    assert doc["ok"] is True and doc["outside_mm2"] == 0.0 and doc["iou"] > 0.95
    assert doc["rotary_diameter"] == 72.0 and doc["band_along"] == "x"
    assert doc["piece"] == "bangle" and doc["face_name"] == "outer"
    # the map is the band unrolled: its whole length (pi D) and its width (a flat band is
    # carvable edge to edge)
    xmin, ymin, xmax, ymax = doc["face"]
    assert xmax - xmin == pytest.approx(72.0 * 3.141592653589793, abs=0.2)
    assert ymax - ymin <= 14.0


def test_the_piece_alone_names_its_band_face(
    carved: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(_args(carved, "--piece", BANGLE)) == 0, capsys.readouterr().out


def test_a_bare_program_with_the_band_diameter_is_approved(
    carved: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(_args(carved, "--band-diameter", "72")) == 0, capsys.readouterr().out


def test_a_program_shifted_round_the_band_is_refused(
    carved: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path(str(carved["program"])).read_text()
    shifted = tmp_path / "shifted.nc"
    shifted.write_text(re.sub(r"A(-?\d+\.\d+)", lambda m: f"A{float(m.group(1)) + 4:.4f}", text))
    args = _args(carved, "--piece", BANGLE)
    args[0] = str(shifted)
    assert run_cli(args) == 1
    out = capsys.readouterr().out
    assert "cut REFUSED" in out and "stone removed outside the design" in out


def test_without_the_band_the_program_cannot_be_read(
    carved: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(_args(carved)) == 2
    err = capsys.readouterr().err
    assert "a rotary program needs the band's diameter" in err
    assert "--piece bangle:... --face outer, or --band-diameter MM" in err


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (("--face", "outer"), "--face NAME needs a piece"),
        (("--piece", BANGLE, "--face", "front"), "a bangle has no face 'front'"),
        (("--piece", BANGLE, "--band-diameter", "66"), "disagrees with the piece's band"),
        (("--piece", BANGLE, "--band-along", "y"), "unrolled with x along the band"),
        (("--band-diameter", "0"), "--band-diameter must be a positive number"),
        (
            ("--piece", "bi_disc:outer=58,inner=20,thickness=5", "--band-diameter", "72"),
            "is not a band",
        ),
        (("--piece", "bangle:inner=56"), "argument --piece: a bangle needs its thickness"),
    ],
)
def test_bad_piece_and_band_options_are_exit_2(
    carved: dict[str, object], extra: tuple[str, ...], needle: str, capsys
) -> None:
    assert run_cli(_args(carved, *extra)) == 2
    assert needle in capsys.readouterr().err


def test_run_py_cam_simulate_end_to_end(carved: dict[str, object], tmp_path: Path) -> None:
    png = tmp_path / "band.png"
    proc = subprocess.run(
        [
            sys.executable,
            "run.py",
            "cam",
            "simulate",
            *_args(carved, "--piece", BANGLE, "--face", "outer", "--png", str(png)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "rotary program" in proc.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
