"""QR codes as inline SVG, for the class board and the parents' letters."""

import segno
from markupsafe import Markup


def qr_svg(text: str) -> Markup:
    """The QR code as inline SVG: a viewBox to scale by CSS, and a size for when CSS is absent."""
    svg = segno.make(text, error="m").svg_inline(omitsize=True, svgclass="qr-code", lineclass=None)
    return Markup(svg.replace("<svg ", '<svg width="296" height="296" ', 1))  # noqa: S704
