"""Pass pictures: checked (type, size, pixel count), decoded, then stored by content (SHA-256).

A picture that fails is recorded as invalid with the reason; the pass itself is still stored.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

MAX_PIXELS = 40_000_000  # a 40-megapixel frame is far above any gate camera; more is a bomb
JPEG, PNG = "image/jpeg", "image/png"


class ImageRejected(ValueError):
    """Why a picture cannot be used."""


@dataclass(frozen=True)
class CheckedImage:
    sha256: str | None
    size: int
    width: int | None
    height: int | None
    content_type: str | None
    valid: bool
    error: str | None = None


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


def decode(data: bytes) -> tuple[np.ndarray, str]:
    """The picture as a BGR array, after the type and pixel-count checks."""
    content_type = sniff(data)
    width, height = declared_size(data, content_type)
    if width * height > MAX_PIXELS or width == 0 or height == 0:
        raise ImageRejected(f"图片尺寸不可接受 / unacceptable picture size {width}x{height}")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ImageRejected("图片数据损坏，无法解码 / corrupt picture: it does not decode")
    return image, content_type


def store_image(data: bytes, folder: Path) -> CheckedImage:
    """Check and decode the picture; store a valid one at folder/ab/abcdef... (written once)."""
    try:
        image, content_type = decode(data)
    except ImageRejected as exc:
        return CheckedImage(None, len(data), None, None, None, False, str(exc))
    digest = save_content(data, folder)
    height, width = image.shape[:2]
    return CheckedImage(digest, len(data), width, height, content_type, True)


def save_content(data: bytes, folder: Path) -> str:
    """Store bytes under their SHA-256 (written once, atomically; the same picture twice is one file)."""
    digest = hashlib.sha256(data).hexdigest()
    path = image_path(folder, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)
    return digest


def thumbnail(image: np.ndarray, longest_side: int = 320) -> bytes:
    """A small JPEG of the picture for lists and review queues."""
    height, width = image.shape[:2]
    scale = min(1.0, longest_side / max(height, width))
    if scale < 1.0:
        image = cv2.resize(
            image, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA
        )
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise ImageRejected("无法生成缩略图 / could not make a thumbnail")
    return encoded.tobytes()


def image_path(folder: Path, digest: str) -> Path:
    return folder / digest[:2] / digest
