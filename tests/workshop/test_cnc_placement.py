"""The set-up sheet's 3D view and adjustable placement, on a real database, the real CAM and
the real workflow: the picture, the glTF, the check answered at once, the save as an event."""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import Any

import numpy as np
import trimesh
from sqlalchemy import select

from cam.pieces.render import LINE_OK, LINE_REFUSED
from tests.workshop import production_desk as desk
from workshop.models import Job

JSON = {"Accept": "application/json"}
# the seeded machine job: bi disc, outer 50, hole 12, 5 thick: the stone is r 6..25 mm


def _png_pixels(data: bytes) -> np.ndarray:
    """(h, w, 3) of an 8-bit RGB PNG written with filter 0 (cam.simulate.render.write_png)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,), tag = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if tag == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    w, h = size
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + 3 * w)
    assert not rows[:, 0].any()  # filter 0 on every row
    return rows[:, 1:].reshape(h, w, 3)


def _count(pixels: np.ndarray, colour: np.ndarray) -> int:
    return int(np.all(np.abs(pixels.astype(float) - colour * 255) <= 1, axis=2).sum())


def _ready(seeded: Any, settings: Any) -> int:
    return desk.program_ready_job(seeded, settings, simulated=False)  # the cut sim is not ours


def test_the_sheet_shows_the_piece_beside_the_simulation(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, _ = client_as("cnc_operator")
    html = client.get(f"/cnc/jobs/{job_id}?lang=en").get_data(as_text=True)
    visuals = html.split('<div class="visuals">')[1].split('id="actions"')[0]
    assert visuals.index('id="simulation"') < visuals.index('id="piece3d"')
    version = desk.job_row(seeded, job_id).version
    assert f'id="piece3d-image" src="/cnc/jobs/{job_id}/piece.png?v={version}"' in visuals
    assert f'href="/cnc/jobs/{job_id}/piece.glb"' in visuals
    assert f'data-check-url="/cnc/jobs/{job_id}/placement/check"' in html
    image = client.get(f"/cnc/jobs/{job_id}/piece.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    pixels = _png_pixels(image.data)
    assert pixels.shape == (360, 480, 3)
    assert _count(pixels, LINE_OK) > 50  # the fitted design drawn on the stone
    assert _count(pixels, LINE_REFUSED) == 0


def test_the_gltf_download_is_the_piece(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, _ = client_as("cnc_operator")
    glb = client.get(f"/cnc/jobs/{job_id}/piece.glb")
    assert glb.status_code == 200 and "attachment" in glb.headers["Content-Disposition"]
    mesh = trimesh.load(io.BytesIO(glb.data), file_type="glb", force="mesh")
    ring = np.pi * (25.0**2 - 6.0**2) * 5.0
    assert abs(mesh.volume - ring) / ring < 0.005  # 128 sides round the axis


def test_a_check_answers_ok_with_the_fitted_placement(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, csrf = client_as("cnc_operator")
    before = desk.job_row(seeded, job_id)
    answer = client.post(f"/cnc/jobs/{job_id}/placement/check",
                         json={"mode": "fit", "rotation_deg": "45"},
                         headers={"X-CSRFToken": csrf, **JSON})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["ok"] is True and body["placement"]["rotation_deg"] == 45.0
    assert f"scale {body['placement']['scale']:g}, rotation 45 deg" in body["message"]
    assert body["preview_url"].startswith(f"/cnc/jobs/{job_id}/piece.png?")
    assert "rotation_deg=45" in body["preview_url"]
    after = desk.job_row(seeded, job_id)  # a check stores nothing
    assert (after.version, after.placement, after.state) == (
        before.version, before.placement, before.state)


def test_a_check_off_the_stone_says_by_how_much_and_where(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, csrf = client_as("cnc_operator")
    body = client.post(f"/cnc/jobs/{job_id}/placement/check",
                       json={"mode": "centre", "scale": "1", "offset_x": "24", "offset_y": "0"},
                       headers={"X-CSRFToken": csrf, **JSON}).get_json()
    assert body["ok"] is False and body["placement"] is None
    assert re.search(r"overflows face 'front' by \d+\.\d\d mm over the outer edge", body["message"])
    preview = client.get(body["preview_url"])
    pixels = _png_pixels(preview.data)
    assert _count(pixels, LINE_REFUSED) > 20 and _count(pixels, LINE_OK) == 0


def test_a_check_needs_the_csrf_header_and_numbers(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, csrf = client_as("cnc_operator")
    url = f"/cnc/jobs/{job_id}/placement/check"
    assert client.post(url, json={"mode": "fit"}, headers=JSON).status_code == 400
    bad = client.post(url, json={"mode": "centre", "scale": "large"},
                      headers={"X-CSRFToken": csrf, **JSON})
    assert bad.status_code == 422 and "scale" in bad.get_json()["details"]["fields"]
    face = client.post(url, json={"mode": "fit", "face": "outer"},
                       headers={"X-CSRFToken": csrf, **JSON})
    assert face.status_code == 422 and "outer" in face.get_json()["message"]


def test_saving_records_an_event_and_generates_again(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, csrf = client_as("cnc_operator")
    version = desk.job_row(seeded, job_id).version
    answer = client.post(f"/cnc/jobs/{job_id}/placement", json={
        "version": version, "mode": "centre", "scale": "0.5", "rotation_deg": "90",
        "offset_x": "0", "offset_y": "15", "face": "back", "reason": "the front has a flaw"},
        headers={"X-CSRFToken": csrf, **JSON})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["state"] == "toolpath_pending"
    job = desk.job_row(seeded, job_id)
    assert (job.face, job.placement["mode"], job.placement["offset_y"]) == ("back", "centre", 15.0)
    event = desk.events(seeded, job_id)[-1]
    assert event.event == "set_placement" and event.note == "the front has a flaw"
    assert event.actor_id == desk.user_id(seeded, _operator_name(seeded))
    assert event.data["from"]["face"] == "front" and event.data["to"]["face"] == "back"
    from jobs.tasks import generate_program

    assert generate_program(job_id, settings=settings, factory=seeded) == "ready"


def _operator_name(factory: Any) -> str:
    from workshop.models import User

    with factory() as session:
        return session.scalars(select(User.username).where(User.role == "cnc_operator")).first()


def test_saving_off_the_stone_is_refused_with_the_overflow(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, csrf = client_as("cnc_operator")
    job = desk.job_row(seeded, job_id)
    answer = client.post(f"/cnc/jobs/{job_id}/placement", json={
        "version": job.version, "mode": "centre", "scale": "2", "reason": "bigger"},
        headers={"X-CSRFToken": csrf, **JSON})
    assert answer.status_code == 409
    assert re.search(r"overflows face 'front' by \d+\.\d\d mm", answer.get_json()["message"])
    after = desk.job_row(seeded, job_id)
    assert (after.version, after.state, after.placement) == (job.version, job.state, job.placement)


def test_a_stale_page_cannot_save(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, csrf = client_as("cnc_operator")
    stale = desk.job_row(seeded, job_id).version - 1
    answer = client.post(f"/cnc/jobs/{job_id}/placement", json={
        "version": stale, "mode": "fit", "reason": "again"}, headers={"X-CSRFToken": csrf, **JSON})
    assert answer.status_code == 409


def test_the_form_posts_without_script(client_as, seeded, settings) -> None:
    job_id = _ready(seeded, settings)
    client, csrf = client_as("supervisor")
    version = desk.job_row(seeded, job_id).version
    answer = client.post(f"/cnc/jobs/{job_id}/placement", data={
        "csrf_token": csrf, "version": str(version), "mode": "fit", "rotation_deg": "30",
        "offset_x": "", "offset_y": "", "face": "front", "reason": "turned a little"})
    assert answer.status_code == 302
    with seeded() as s:
        assert s.get_one(Job, job_id).placement["rotation_deg"] == 30.0
