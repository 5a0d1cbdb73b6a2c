"""The annotated evidence picture for a violation page: the plate boxed, and the gate, the local time
and the decision written on the picture in Chinese (a CJK font from Debian's fonts-noto-cjk package,
installed by the bootstrap; never downloaded at run time)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
DECISION_COLOURS = {"pass": (46, 160, 67), "deny": (200, 30, 30), "review": (230, 150, 0)}


class FontMissing(RuntimeError):
    """No CJK font: install Debian's fonts-noto-cjk (`make run` and `make test` do)."""


@lru_cache(maxsize=4)
def cjk_font(size: int, configured: str | None = None) -> ImageFont.FreeTypeFont:
    for path in (configured, *FONT_CANDIDATES):
        if path and Path(path).exists():
            return ImageFont.truetype(path, size)
    raise FontMissing("找不到中文字体，请安装 fonts-noto-cjk / no CJK font found: install fonts-noto-cjk")


def annotate(
    image: np.ndarray,
    box: tuple[int, int, int, int] | None,
    lines: list[str],
    decision: str,
    font_path: str | None = None,
    max_width: int = 1280,
) -> bytes:
    """A JPEG of the picture with the plate boxed and `lines` in a banner under it."""
    height, width = image.shape[:2]
    scale = min(1.0, max_width / width)
    if scale < 1:
        image = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    colour = DECISION_COLOURS.get(decision, (80, 80, 80))
    picture = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    font = cjk_font(max(14, picture.width // 40), font_path)
    line_height = int(font.size * 1.4)
    canvas = Image.new("RGB", (picture.width, picture.height + line_height * len(lines) + 10), (20, 20, 20))
    canvas.paste(picture, (0, 0))
    draw = ImageDraw.Draw(canvas)
    if box:
        x, y, w, h = (round(v * scale) for v in box)
        draw.rectangle((x, y, x + w, y + h), outline=colour, width=max(2, picture.width // 300))
    for i, line in enumerate(lines):
        draw.text(
            (8, picture.height + 5 + i * line_height), line, font=font, fill=colour if i == 0 else (235, 235, 235)
        )
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=85)
    return out.getvalue()
