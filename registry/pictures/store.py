"""Storing pictures by content (SHA-256, written once, shared by every row that shows them) and
making thumbnails. A pass picture that fails decoding is recorded as invalid with the reason; the pass
itself is still stored."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from registry.pictures.decoding import ImageRejected, decode


@dataclass(frozen=True)
class CheckedImage:
    sha256: str | None
    size: int
    width: int | None
    height: int | None
    content_type: str | None
    valid: bool
    error: str | None = None


def store_image(data: bytes, folder: Path, max_bytes: int) -> tuple[CheckedImage, np.ndarray | None]:
    """Check and decode the picture; store a valid one at folder/ab/abcdef... (written once). Returns
    the record and the decoded picture (None when it is invalid)."""
    try:
        image, content_type = decode(data, max_bytes)
    except ImageRejected as exc:
        return CheckedImage(None, len(data), None, None, None, False, str(exc)), None
    digest = save_content(data, folder)
    height, width = image.shape[:2]
    return CheckedImage(digest, len(data), width, height, content_type, True), image


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


def load_stored(path: Path) -> np.ndarray:
    """A picture stored earlier (it passed every check then, so no size cap applies now)."""
    image, _ = decode(path.read_bytes(), max_bytes=path.stat().st_size)
    return image


def image_path(folder: Path, digest: str) -> Path:
    return folder / digest[:2] / digest
