"""Safe decoding of pictures from gates and users: JPEG and PNG only, a byte cap, a pixel cap read
from the header before anything is decoded (a decompression bomb is refused), and a clear reason when the
data is corrupt. Pure: no Flask."""

from __future__ import annotations

import struct

import cv2
import numpy as np

MAX_PIXELS = 40_000_000  # a 40-megapixel frame is far above any gate camera; more is a bomb
MAX_BYTES = 8 * 1024 * 1024  # one picture; the event's own cap (MAX_EVENT_BYTES) usually binds first
JPEG, PNG = "image/jpeg", "image/png"


class ImageRejected(ValueError):
    """Why a picture cannot be used."""


def sniff(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    raise ImageRejected("只接受 JPEG 或 PNG / only JPEG and PNG pictures are accepted")


def declared_size(data: bytes, content_type: str) -> tuple[int, int]:
    """Width and height from the header, read before any decoding (decompression-bomb guard)."""
    if content_type == PNG:
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise ImageRejected("PNG 文件头损坏 / corrupt PNG header")
        return struct.unpack(">II", data[16:24])
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            raise ImageRejected("JPEG 文件头损坏 / corrupt JPEG header")
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + length
    raise ImageRejected("JPEG 缺少尺寸信息 / JPEG without a frame header")


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> tuple[np.ndarray, str]:
    """The picture as a BGR array, after the size, type and pixel-count checks."""
    if len(data) > max_bytes:
        raise ImageRejected(f"图片过大 / picture too large: {len(data)} bytes (at most {max_bytes})")
    content_type = sniff(data)
    width, height = declared_size(data, content_type)
    if width * height > MAX_PIXELS or width == 0 or height == 0:
        raise ImageRejected(f"图片尺寸不可接受 / unacceptable picture size {width}x{height}")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageRejected("图片数据损坏，无法解码 / corrupt picture: it does not decode")
    return image, content_type
