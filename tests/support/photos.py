"""Real picture bytes for upload tests: encoded by OpenCV, so they are genuine JPEG and PNG files."""

import cv2
import numpy as np


def picture(width: int = 640, height: int = 480, fmt: str = ".jpg", seed: int = 0) -> bytes:
    """A nameplate-like picture: a smooth background with text (compresses like a photo, not like noise)."""
    x = np.linspace(0, 255, width, dtype=np.uint8)
    image = np.dstack(
        [np.tile(x, (height, 1)), np.full((height, width), (seed * 40) % 256, np.uint8), np.tile(x[::-1], (height, 1))]
    )
    image = np.ascontiguousarray(image)
    cv2.putText(image, f"NAMEPLATE {seed}", (20, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3)
    ok, data = cv2.imencode(fmt, image)
    assert ok
    return data.tobytes()
