"""A tiny drawing surface for problem visualisers: rectangles, circles, lines, polylines, text.

A problem's ``vis.py`` returns a :class:`Canvas`; :meth:`Canvas.svg` writes standalone SVG and
:meth:`Canvas.png` draws the same shapes with Pillow. Coordinates are in canvas pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Shape:
    kind: str
    """``rect``, ``circle``, ``line``, ``polyline`` or ``text``."""
    points: tuple[float, ...]
    """rect: x, y, w, h; circle: cx, cy, r; line: x1, y1, x2, y2; polyline: x1, y1, x2, y2, ...;
    text: x, y."""
    fill: str | None = None
    stroke: str | None = None
    width: float = 1.0
    text: str = ""


@dataclass
class Canvas:
    """Shapes drawn in order on a ``width`` × ``height`` white canvas."""

    width: int
    height: int
    background: str = "#ffffff"
    shapes: list[Shape] = field(default_factory=list)
    title: str = ""

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None = None,
             stroke: str | None = None, width: float = 1.0) -> None:
        self.shapes.append(Shape("rect", (x, y, w, h), fill, stroke, width))

    def circle(self, cx: float, cy: float, r: float, fill: str | None = None,
               stroke: str | None = None, width: float = 1.0) -> None:
        self.shapes.append(Shape("circle", (cx, cy, r), fill, stroke, width))

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#000000",
             width: float = 1.0) -> None:
        self.shapes.append(Shape("line", (x1, y1, x2, y2), None, stroke, width))

    def polyline(self, points: list[tuple[float, float]], stroke: str = "#000000",
                 width: float = 1.0) -> None:
        flat = tuple(v for p in points for v in p)
        if len(flat) >= 4:
            self.shapes.append(Shape("polyline", flat, None, stroke, width))

    def text(self, x: float, y: float, text: str, fill: str = "#000000", size: float = 12.0) -> None:
        self.shapes.append(Shape("text", (x, y), fill, None, size, text))

    # ------------------------------------------------------------------ output
    def svg(self) -> str:
        """Standalone SVG text."""
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}">'
        ]
        if self.title:
            parts.append(f"<title>{escape(self.title)}</title>")
        parts.append(f'<rect x="0" y="0" width="{self.width}" height="{self.height}" fill="{self.background}"/>')
        for s in self.shapes:
            style = (
                f'fill="{s.fill or "none"}" stroke="{s.stroke or "none"}" stroke-width="{s.width:g}"'
            )
            p = s.points
            if s.kind == "rect":
                parts.append(f'<rect x="{p[0]:g}" y="{p[1]:g}" width="{p[2]:g}" height="{p[3]:g}" {style}/>')
            elif s.kind == "circle":
                parts.append(f'<circle cx="{p[0]:g}" cy="{p[1]:g}" r="{p[2]:g}" {style}/>')
            elif s.kind == "line":
                parts.append(f'<line x1="{p[0]:g}" y1="{p[1]:g}" x2="{p[2]:g}" y2="{p[3]:g}" {style}/>')
            elif s.kind == "polyline":
                pts = " ".join(f"{p[i]:g},{p[i + 1]:g}" for i in range(0, len(p), 2))
                parts.append(f'<polyline points="{pts}" {style}/>')
            elif s.kind == "text":
                parts.append(
                    f'<text x="{p[0]:g}" y="{p[1]:g}" font-size="{s.width:g}" '
                    f'fill="{s.fill or "#000"}" font-family="monospace">{escape(s.text)}</text>'
                )
        parts.append("</svg>")
        return "\n".join(parts)

    def png(self) -> bytes:
        """The same drawing as PNG bytes (Pillow)."""
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (max(1, self.width), max(1, self.height)), self.background)
        draw = ImageDraw.Draw(image)
        for s in self.shapes:
            p = s.points
            width = max(1, round(s.width))
            kw: dict[str, Any] = {}
            if s.kind == "rect":
                if p[2] <= 0 or p[3] <= 0:
                    continue
                draw.rectangle((p[0], p[1], p[0] + p[2] - 1, p[1] + p[3] - 1), fill=s.fill,
                               outline=s.stroke, width=width if s.stroke else 0)
            elif s.kind == "circle":
                draw.ellipse((p[0] - p[2], p[1] - p[2], p[0] + p[2], p[1] + p[2]), fill=s.fill,
                             outline=s.stroke, width=width if s.stroke else 0)
            elif s.kind in ("line", "polyline"):
                kw["fill"] = s.stroke or "#000000"
                draw.line(list(p), width=width, **kw)
            elif s.kind == "text":
                draw.text((p[0], p[1] - s.width), s.text, fill=s.fill or "#000000")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()


PALETTE = (
    "#f2f2f2", "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
    "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324", "#800000", "#aaffc3", "#000075",
)
"""Distinct colours for categorical data (index 0 is a light background grey)."""
