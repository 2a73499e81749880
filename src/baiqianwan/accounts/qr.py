"""A QR code as the parts of an inline SVG: its size in modules and one path of dark squares.

The template writes ``<svg viewBox="0 0 {size} {size}"><path d="{path}"/></svg>``: the path holds
only digits and the letters M h v z, so nothing needs marking safe, and the page needs no image
request or script (the Content-Security-Policy allows neither inline scripts nor foreign images).
"""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
import qrcode.constants

QUIET_ZONE = 4  # modules of white around the code, as scanners expect


@dataclass(frozen=True)
class QrSvg:
    size: int
    path: str


def qr_svg(data: str) -> QrSvg:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    return QrSvg(size=len(matrix), path="".join(parts))
