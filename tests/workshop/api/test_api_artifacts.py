"""Photo upload (content addressed), download for staff, and photos attached to an event."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

from tests.workshop.api.flow import WEDDING_SET, job, line, order_body, place_order, register


def _png(seed: int) -> bytes:
    """A real 1x1 PNG; ``seed`` changes its colour (and so its sha256)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, seed % 256, 120, 80]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b"")


def _upload(client, headers, data: bytes, name: str = "rim.png", **form):
    return client.post("/api/v1/artifacts", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), **form})


def test_upload_is_content_addressed_and_downloadable_by_staff(client, crew):
    data = _png(1)
    r = _upload(client, crew["store_clerk"], data, "../../etc/rim photo.png")
    assert r.status_code == 201
    art = r.get_json()
    assert art["sha256"] == hashlib.sha256(data).hexdigest()
    assert (art["media_type"], art["size"], art["kind"]) == ("image/png", len(data), "photo")
    assert art["filename"] == "rim photo.png"
    again = _upload(client, crew["store_clerk"], data)
    assert again.status_code == 200 and again.get_json()["sha256"] == art["sha256"]
    got = client.get(art["url"], headers=crew["artisan"])
    assert got.status_code == 200 and got.data == data and got.mimetype == "image/png"
    assert client.get(art["url"], headers=crew["platform"]).status_code == 403
    assert client.get(art["url"]).status_code == 401


def test_refused_uploads(client, crew):
    r = _upload(client, crew["supervisor"], b"#!/bin/sh\nrm -rf /\n", "photo.jpg")
    assert r.status_code == 422 and "JPEG" in r.get_json()["message"]
    r = _upload(client, crew["supervisor"], b"", "empty.png")
    assert r.status_code == 422 and "empty" in r.get_json()["message"]
    r = client.post("/api/v1/artifacts", headers=crew["supervisor"],
                    content_type="multipart/form-data", data={"kind": "photo"})
    assert r.status_code == 422 and "'file'" in r.get_json()["message"]
    r = _upload(client, crew["supervisor"], _png(2), kind="selfie")
    assert r.status_code == 422 and "kind" in r.get_json()["message"]
    r = _upload(client, crew["supervisor"], _png(2), job_id="77")
    assert r.status_code == 422 and "no job" in r.get_json()["message"]


def test_unknown_or_malformed_sha_is_404(client, crew):
    assert client.get("/api/v1/artifacts/" + "a" * 64, headers=crew["admin"]).status_code == 404
    assert client.get("/api/v1/artifacts/..%2Fsecret_key",
                      headers=crew["admin"]).status_code == 404


def test_receipt_photos_are_attached_to_the_event_and_listed_on_the_job(client, crew):
    register(client, crew, WEDDING_SET[0])
    [job_id] = place_order(client, crew, order_body("TM-PHOTO", [line(WEDDING_SET[0][0])]))
    shas = [_upload(client, crew["store_clerk"], _png(i), f"side-{i}.png",
                    job_id=str(job_id)).get_json()["sha256"] for i in (10, 11)]
    r = client.post(f"/api/v1/jobs/{job_id}/events", headers=crew["store_clerk"], json={
        "event": "receive", "version": job(client, crew, job_id)["version"],
        "data": {"channel": "store_counter", "mass_g": WEDDING_SET[0][2],
                 "condition": "a natural inclusion near the rim"},
        "note": "photographed both sides", "attachments": shas})
    assert r.status_code == 200, r.get_json()
    detail = r.get_json()
    receipt = next(e for e in detail["events"] if e["event"] == "receive")
    assert receipt["attachments"] == shas and receipt["note"] == "photographed both sides"
    assert receipt["data"]["condition"] == "a natural inclusion near the rim"
    assert {a["sha256"] for a in detail["artifacts"]} == set(shas)
