"""A printable walk sheet (PDF, ReportLab): the turf's map and its doors in walking
order with a tick box for each outcome, for campaigns that walk with paper."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from turfmap.inputs.text import neutralise

MAP_HEIGHT = 95 * mm
COLUMNS = ["Spoke", "Not in", "Moved", "Refused", "Call back"]  # canvass.OUTCOMES, short
ROW = 6.2 * mm
MARGIN = 14 * mm


def walk_sheet_pdf(data: dict) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    turf = data["turf"]
    pdf.setTitle(f"Turf {turf['number']}, {turf['district']}")
    width, height = A4
    top = height - MARGIN
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(MARGIN, top, f"Turf {turf['number']} in {turf['district']}: "
                                f"{turf['doors']} doors")  # fmt: skip
    pdf.setFont("Helvetica", 9)
    how = "in straight lines (no street map)" if turf["street_blind"] else "along the streets"
    pdf.drawString(MARGIN, top - 5 * mm, f"About {turf['minutes_estimate']} minutes (an estimate: "
                   f"{turf['metres'] / 1000:.1f} km {how} and time at each door). "
                   "Walk the doors in the order shown.")  # fmt: skip
    box = (MARGIN, top - 8 * mm - MAP_HEIGHT, width - 2 * MARGIN, MAP_HEIGHT)
    _map(pdf, data, box)
    y = _header(pdf, box[1] - 8 * mm)
    for number, door in enumerate(data["doors"], 1):
        if y < MARGIN + ROW:
            pdf.showPage()
            y = _header(pdf, height - MARGIN)
        _row(pdf, number, door, y)
        y -= ROW
    pdf.save()
    return buffer.getvalue()


def _header(pdf, y) -> float:
    pdf.setFont("Helvetica-Bold", 8)
    pdf.setStrokeColor(colors.black)
    pdf.drawString(MARGIN, y, "#")
    pdf.drawString(MARGIN + 9 * mm, y, "Door")
    for i, name in enumerate([*COLUMNS, "Support 1-5"]):
        pdf.drawString(MARGIN + 88 * mm + i * 17 * mm, y, name)
    return y - ROW


def _row(pdf, number, door, y) -> None:
    columns = COLUMNS
    pdf.setFont("Helvetica", 9)
    pdf.drawString(MARGIN, y, str(number))
    where = door["address"] or f"building at {door['lat']:.5f}, {door['lon']:.5f}"
    pdf.drawString(MARGIN + 9 * mm, y, str(neutralise(where))[:48])
    for i in range(len(columns)):
        pdf.rect(MARGIN + 88 * mm + i * 17 * mm, y - 1 * mm, 3.5 * mm, 3.5 * mm)
    pdf.line(MARGIN + 88 * mm + len(columns) * 17 * mm, y - 1 * mm,
             MARGIN + 88 * mm + len(columns) * 17 * mm + 14 * mm, y - 1 * mm)  # fmt: skip


def _map(pdf, data, box) -> None:
    """The outline, the route and the numbered doors, scaled into ``box``."""
    x0, y0, w, h = box
    points = [(d["lon"], d["lat"]) for d in data["doors"]]
    rings = [ring for polygon in data["outline"]["coordinates"] for ring in polygon]
    every = points + [xy for ring in rings for xy in ring]
    lons, lats = [p[0] for p in every], [p[1] for p in every]
    import math

    squash = math.cos(math.radians(sum(lats) / len(lats)))  # degrees of longitude are shorter
    span = max((max(lons) - min(lons)) * squash, max(lats) - min(lats), 1e-6)
    scale = min(w, h) / span

    def at(lon, lat):
        return (x0 + (w - (max(lons) - min(lons)) * squash * scale) / 2
                + (lon - min(lons)) * squash * scale, y0 + (lat - min(lats)) * scale)  # fmt: skip

    pdf.setStrokeColor(colors.HexColor("#1d4f91"))
    pdf.setFillColor(colors.HexColor("#dde8f6"))
    for ring in rings:
        path = pdf.beginPath()
        path.moveTo(*at(*ring[0]))
        for xy in ring[1:]:
            path.lineTo(*at(*xy))
        path.close()
        pdf.drawPath(path, fill=1, stroke=1)
    if data["route"]:
        pdf.setStrokeColor(colors.HexColor("#c0392b"))
        path = pdf.beginPath()
        coords = data["route"]["coordinates"]
        path.moveTo(*at(*coords[0]))
        for xy in coords[1:]:
            path.lineTo(*at(*xy))
        pdf.drawPath(path, fill=0, stroke=1)
    pdf.setFillColor(colors.black)
    pdf.setFont("Helvetica", 5)
    for number, (lon, lat) in enumerate(points, 1):
        x, y = at(lon, lat)
        pdf.circle(x, y, 0.7 * mm, fill=1, stroke=0)
        if number % 5 == 1 or number == len(points):
            pdf.drawString(x + 1 * mm, y + 0.5 * mm, str(number))
