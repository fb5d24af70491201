"""The printed certificate: an A4 PDF, bilingual 中文/English, with the signed JSON attached.

Chinese text is set in a TrueType CJK font that is *embedded* (subset) in the file, so a
viewer without Chinese fonts still shows it; reportlab's built-in CID fonts (STSong-Light)
are only referenced, never embedded, and therefore not used. The signed document travels
inside the PDF as an embedded file, so paper and data cannot drift apart.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .content import format_mass, subject_of
from .errors import ContentError, FontNotFound, ImageError
from .numbers import format_code
from .qr import qr_png, url_host

__all__ = ["FONT_CANDIDATES", "find_cjk_font", "render_pdf", "attachment_name"]

# TrueType (glyf) CJK fonts from Debian packages, most preferred first. OpenType/CFF fonts
# such as Noto Sans CJK cannot be embedded by reportlab and are deliberately absent.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # fonts-arphic-uming
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # fonts-droid-fallback
)
_FONT_NAME = "CertificateCJK"
_registered: dict[str, str] = {}

_INK = colors.HexColor("#1f3d2b")  # jade green for rules and headings
_PHOTO_BOX = (80 * mm, 62 * mm)
_QR_SIZE = 36 * mm


def find_cjk_font(font_path: str | Path | None = None) -> tuple[Path, int]:
    """(path, subfont index) of the font to embed; FontNotFound names the package to install."""
    if font_path is not None:
        path = Path(font_path)
        if not path.is_file():
            raise FontNotFound(f"font file not found: {path}")
        return path, 0
    for candidate, index in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate), index
    raise FontNotFound(
        "no embeddable CJK TrueType font: install the Debian package "
        "fonts-wqy-microhei (or pass font_path)"
    )


def _register_font(font_path: str | Path | None) -> str:
    path, index = find_cjk_font(font_path)
    key = f"{path}#{index}"
    if key not in _registered:
        name = f"{_FONT_NAME}{len(_registered)}"
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        _registered[key] = name
    return _registered[key]


def attachment_name(number: str) -> str:
    return f"{number}.json"


def _image(png: bytes, box: tuple[float, float], what: str) -> Image:
    try:
        with PILImage.open(io.BytesIO(png)) as probe:
            probe.verify()
        with PILImage.open(io.BytesIO(png)) as probe:
            width, height = probe.size
    except Exception as exc:  # Pillow raises many types for a bad image
        raise ImageError(f"{what} is not a readable image: {exc}") from exc
    scale = min(box[0] / width, box[1] / height)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale)


def _attach(canvas: Canvas, name: str, data: bytes, description: str) -> None:
    """Add `data` as a document-level embedded file (Names/EmbeddedFiles, plus AF)."""
    doc = canvas._doc
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": PDFName("EmbeddedFile"),
                "Subtype": PDFName("application#2Fjson"),
                "Params": PDFDictionary({"Size": len(data)}),
            }
        ),
        content=data,
    )
    filespec = doc.Reference(
        PDFDictionary(
            {
                "Type": PDFName("Filespec"),
                "F": PDFString(name),
                "UF": PDFString(name),
                "Desc": PDFString(description),
                "AFRelationship": PDFName("Data"),
                "EF": PDFDictionary({"F": doc.Reference(stream)}),
            }
        )
    )
    names = PDFDictionary(
        {"EmbeddedFiles": PDFDictionary({"Names": PDFArray([PDFString(name), filespec])})}
    )
    canvas.setCatalogEntry("Names", names)
    canvas.setCatalogEntry("PageMode", PDFName("UseAttachments"))


class _Styles:
    def __init__(self, font: str) -> None:
        base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
        self.body = base
        self.label = ParagraphStyle("label", parent=base, textColor=colors.HexColor("#555555"))
        self.title = ParagraphStyle(
            "title", parent=base, fontSize=18, leading=24, alignment=1, textColor=_INK
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=11, leading=15, alignment=1
        )
        self.small = ParagraphStyle("small", parent=base, fontSize=7, leading=9)
        self.caption = ParagraphStyle("caption", parent=self.small, alignment=1)
        self.host = ParagraphStyle("host", parent=base, fontSize=13, leading=17, textColor=_INK)


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _carver_line(carving: Mapping[str, Any]) -> str:
    if carving.get("mode") == "hand":
        return f"手工雕刻 Hand-carved — {_esc(carving.get('artisan', ''))}"
    program = str(carving.get("programSha256", ""))
    return (
        f"机器雕刻 Machine-carved — {_esc(carving.get('machine', ''))}<br/>"
        f"程序 Program SHA-256: {program}"
    )


def _rows(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    subject = subject_of(document)
    ident = subject.get("identification") or {}
    carving = subject.get("carving") or {}
    design = carving.get("design") or {}
    original = ident.get("originalCertificate") or {}
    rows = [
        ("证书编号 Certificate No.", _esc(subject.get("certificateNumber", ""))),
        ("取代证书 Supersedes", _esc(subject.get("supersedes", ""))),
        (
            "原证书 Original certificate",
            f"{_esc(original.get('number', ''))} — {_esc(original.get('issuingLab', ''))}",
        ),
        (
            "名称 Name (GB/T 16552)",
            f"{_esc(ident.get('name', ''))} — {_esc(ident.get('treatment', ''))}",
        ),
        (
            "质量 Mass",
            f"雕刻前 before carving: {format_mass(int(ident.get('massBeforeCarvingMg', 0)))}"
            f"<br/>雕刻后 after carving: {format_mass(int(ident.get('massAfterCarvingMg', 0)))}",
        ),
        ("形状 Shape", _esc(ident.get("shape", ""))),
        ("尺寸 Dimensions", _esc(ident.get("dimensions", ""))),
        ("颜色 Colour", _esc(ident.get("colour", ""))),
    ]
    if "refractiveIndex" in ident:
        rows.append(("折射率 Refractive index", _esc(ident["refractiveIndex"])))
    if "density" in ident:
        rows.append(("密度 Density (g/cm³)", _esc(ident["density"])))
    owners = "、".join(_esc(o) for o in design.get("coOwners", [])) or "—"
    rows += [
        ("设计 Design", f"{_esc(design.get('title', ''))} ({_esc(design.get('id', ''))})"),
        ("设计师 Designer", _esc(design.get("designer", ""))),
        ("设计共有人 Co-owners", owners),
        ("雕刻 Carving", _carver_line(carving)),
        ("工艺 Style", "、".join(_esc(s) for s in carving.get("styles", [])) or "—"),
        ("日期 Date", _esc(carving.get("date", ""))),
        ("工作室 Workshop", _esc(carving.get("workshop", ""))),
        ("照片 Photo SHA-256", _esc(ident.get("photoSha256", ""))),
    ]
    return rows


def _field_table(document: Mapping[str, Any], styles: _Styles) -> Table:
    data = [
        [Paragraph(label, styles.label), Paragraph(value, styles.body)]
        for label, value in _rows(document)
    ]
    table = Table(data, colWidths=[48 * mm, 122 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d5cc")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _images_row(photo_png: bytes, design_png: bytes, styles: _Styles) -> Table:
    photo = _image(photo_png, _PHOTO_BOX, "photo after carving")
    design = _image(design_png, _PHOTO_BOX, "design image")
    table = Table(
        [
            [photo, design],
            [
                Paragraph("雕刻后照片 Photo after carving", styles.caption),
                Paragraph("设计图 Design", styles.caption),
            ],
        ],
        colWidths=[85 * mm, 85 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("BOX", (0, 0), (0, 0), 0.25, colors.HexColor("#c8d5cc")),
                ("BOX", (1, 0), (1, 0), 0.25, colors.HexColor("#c8d5cc")),
            ]
        )
    )
    return table


def _code_from_url(verify_url: str) -> str:
    codes = parse_qs(urlsplit(verify_url).query).get("c")
    if not codes:
        raise ContentError(f"verification URL carries no code: {verify_url!r}")
    return codes[0]


def _verification_block(verify_url: str, key_id: str, created: str, styles: _Styles) -> Table:
    qr = Image(io.BytesIO(qr_png(verify_url, scale=6)), width=_QR_SIZE, height=_QR_SIZE)
    text = [
        Paragraph("扫码验证 Scan to verify at", styles.body),
        Paragraph(_esc(url_host(verify_url)), styles.host),
        Paragraph(
            f"验证码 Verification code: {format_code(_code_from_url(verify_url))}", styles.body
        ),
        Spacer(1, 2 * mm),
        Paragraph(f"签名密钥 Signing key: {_esc(key_id)}", styles.small),
        Paragraph(f"签名时间 Signed: {_esc(created)} — eddsa-jcs-2022", styles.small),
        Paragraph(
            "已签名的证书数据作为附件嵌入本文件 "
            "The signed certificate data is attached to this PDF.",
            styles.small,
        ),
    ]
    table = Table([[qr, text]], colWidths=[40 * mm, 130 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _proof(document: Mapping[str, Any]) -> Mapping[str, Any]:
    proof = document.get("proof")
    if not isinstance(proof, Mapping) or "verificationMethod" not in proof:
        raise ContentError("render_pdf needs a signed document (with a proof)")
    return proof


def render_pdf(
    signed_doc: Mapping[str, Any],
    *,
    photo_png: bytes,
    design_png: bytes,
    verify_url: str,
    font_path: str | Path | None = None,
) -> bytes:
    """The certificate as PDF bytes; deterministic for the same inputs (invariant mode)."""
    proof = _proof(signed_doc)
    number = str(subject_of(signed_doc).get("certificateNumber", ""))
    styles = _Styles(_register_font(font_path))
    payload = json.dumps(signed_doc, ensure_ascii=False, indent=2).encode("utf-8")
    flow: Sequence[Any] = [
        Paragraph("玉雕作品证书", styles.title),
        Paragraph("Certificate of Carved Jade", styles.subtitle),
        Spacer(1, 4 * mm),
        _images_row(photo_png, design_png, styles),
        Spacer(1, 3 * mm),
        _field_table(signed_doc, styles),
        Spacer(1, 4 * mm),
        _verification_block(
            verify_url, str(proof["verificationMethod"]), str(proof.get("created", "")), styles
        ),
    ]

    def first_page(canvas: Canvas, _doc: Any) -> None:
        _attach(canvas, attachment_name(number), payload, "Signed certificate (VC 2.0, JSON)")

    buf = io.BytesIO()
    template = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=14 * mm,
        bottomMargin=12 * mm,
        title=f"玉雕作品证书 Certificate {number}",
        author=str(signed_doc.get("issuer", "")),
        subject=number,
        invariant=1,
    )
    template.build(list(flow), onFirstPage=first_page)
    return buf.getvalue()
