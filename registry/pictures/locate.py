"""Plate location in a whole-vehicle photo, classical OpenCV: colour masks and edge density, then the
plate's shape. A Chinese plate is 440x140 mm on one row (aspect 3.14) or 440x220 mm on two (2.0); the
camera sees it at an angle, so aspects from 2.0 to 5.5 and from 1.4 to 2.6 pass, tilted up to 30°.

Candidates come from two sources: regions of plate-coloured ground (blue, yellow, green), and regions
dense in vertical edges (the strokes of seven or eight characters side by side). Each is scored by how
well it fills its rectangle, how dense its character edges are and how close its aspect is to a plate.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SINGLE_ROW, DOUBLE_ROW = 440 / 140, 440 / 220
WORK_WIDTH = 800
EDGES_ONLY_WEIGHT = 0.6
MASKS = {  # OpenCV HSV ranges of plate grounds, by the hue families of colour.py
    "blue": ((90, 70, 50), (135, 255, 255)),
    "yellow": ((8, 70, 70), (34, 255, 255)),
    "green": ((34, 50, 50), (90, 255, 255)),
}


@dataclass(frozen=True)
class Candidate:
    box: tuple[int, int, int, int]  # x, y, w, h in the original image, axis-aligned
    rect: tuple  # cv2 rotated rect in the original image
    score: float
    source: str


def _aspect_score(aspect: float) -> float:
    """1 at a plate's aspect, falling to 0 at the tolerance's edge."""
    if 2.0 <= aspect <= 5.5:
        return max(0.0, 1 - abs(aspect - SINGLE_ROW) / 2.5)
    if 1.4 <= aspect < 2.0:
        return max(0.0, 0.8 - abs(aspect - DOUBLE_ROW) / 1.0)
    return 0.0


CLAHE = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))


def _edges(gray: np.ndarray) -> np.ndarray:
    """Vertical edges after local contrast equalisation, so that headlight glare does not hide a plate."""
    sobel = cv2.Sobel(cv2.GaussianBlur(CLAHE.apply(gray), (3, 3), 0), cv2.CV_16S, 1, 0, ksize=3)
    magnitude = cv2.convertScaleAbs(sobel)
    _, strong = cv2.threshold(magnitude, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return strong


def upright(image: np.ndarray, rect: tuple, height: int = 32) -> np.ndarray:
    """The rotated rectangle cut out and turned level, scaled to a working height."""
    (cx, cy), (w, h), angle = rect
    scale = height / max(h, 1)
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, scale)
    out_w = max(8, round(w * scale))
    matrix[0, 2] += out_w / 2 - cx
    matrix[1, 2] += height / 2 - cy
    return cv2.warpAffine(image, matrix, (out_w, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def stroke_transitions(gray_plate: np.ndarray) -> float:
    """Light/dark changes along the middle rows: a row across seven or eight characters changes
    about twice per character; a car body, a grille or a sign rarely does so evenly."""
    _, binary = cv2.threshold(gray_plate, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    height = binary.shape[0]
    rows = [binary[round(height * f)] for f in (0.4, 0.5, 0.6)]
    return float(np.median([np.count_nonzero(np.diff(row.astype(np.int8))) for row in rows]))


def character_count(gray_plate: np.ndarray) -> int:
    """Blobs shaped like plate characters (tall, narrow, most of the plate's height), in either
    polarity: a plate shows seven or eight of them in a row."""
    _, binary = cv2.threshold(gray_plate, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    height, width = binary.shape
    best = 0
    for image in (binary, cv2.bitwise_not(binary)):
        count, _, stats, _ = cv2.connectedComponentsWithStats(image, connectivity=8)
        shaped = 0
        for _x, _y, w, h, _area in stats[1:count]:
            if 0.35 * height <= h <= 0.95 * height and w <= 0.25 * width and h >= 1.2 * w:
                shaped += 1
        best = max(best, shaped)
    return best


STRICT = {"min_area": 0.0004, "min_fill": 0.4, "min_transitions": 8}
LOOSE = {"min_area": 0.0002, "min_fill": 0.3, "min_transitions": 6}  # a second look when nothing passed


def _candidates(
    mask: np.ndarray,
    edges: np.ndarray,
    gray: np.ndarray,
    source: str,
    close: tuple[int, int],
    limits: dict = STRICT,
) -> list[tuple]:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, close)
    joined = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    joined = cv2.morphologyEx(joined, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    contours, _ = cv2.findContours(joined, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area_total = mask.shape[0] * mask.shape[1]
    found = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if not limits["min_area"] * area_total <= area <= 0.2 * area_total:
            continue
        (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
        if w < h:
            w, h, angle = h, w, angle + 90
        angle = (angle + 90) % 180 - 90
        if abs(angle) > 30 or h < 8 or w > 0.6 * mask.shape[1] or h > 0.3 * mask.shape[0]:
            continue
        aspect_score = _aspect_score(w / h)
        if not aspect_score:
            continue
        fill = area / max(w * h, 1)
        if fill < limits["min_fill"]:
            continue
        plate = upright(gray, ((cx, cy), (w, h), angle))
        transitions = stroke_transitions(plate)
        if transitions < limits["min_transitions"]:
            continue
        characters = character_count(plate)
        density = np.count_nonzero(upright(edges, ((cx, cy), (w, h), angle)) > 127) / plate.size
        score = (
            aspect_score
            * min(fill, 1.0)
            * min(density / 0.25, 1.0)
            * min(transitions / 14, 1.0)
            * (1 + min(characters, 7))
            / 8
        )
        found.append((score, (cx, cy), (w, h), angle, source))
    return found


def locate_plates(image: np.ndarray, limit: int = 3) -> list[Candidate]:
    """The most plate-like regions of a BGR photo, best first."""
    height, width = image.shape[:2]
    # Shrink by a whole factor, to at most WORK_WIDTH: OpenCV averages whole blocks of pixels fast, while
    # area resampling by a fraction costs several times more (9 ms against 0.6 ms for a 1920-wide photo).
    factor = -(-width // WORK_WIDTH)
    scale = 1.0 / factor
    small = (
        cv2.resize(image, (width // factor, height // factor), interpolation=cv2.INTER_AREA) if factor > 1 else image
    )
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    edges = _edges(gray)
    w = small.shape[1]
    masks = [(colour, cv2.inRange(hsv, np.array(low), np.array(high))) for colour, (low, high) in MASKS.items()]
    for limits in (STRICT, LOOSE):  # the loose look only when the strict one found nothing
        found = []
        for colour, mask in masks:
            found += _candidates(mask, edges, gray, colour, (max(3, w // 80), max(3, w // 160)), limits)
        # Regions of character strokes alone find plates whose ground colour is washed out or unlit; they
        # also find signs and grilles, so they count for less than a plate-coloured ground.
        found += [
            (score * EDGES_ONLY_WEIGHT, *rest)
            for score, *rest in _candidates(edges, edges, gray, "edges", (max(5, w // 45), max(3, w // 250)), limits)
        ]
        if found:
            break
    found.sort(key=lambda c: c[0], reverse=True)
    results = []
    for score, (cx, cy), (rw, rh), angle, source in found:
        rect = ((cx / scale, cy / scale), (rw / scale, rh / scale), angle)
        x, y, bw, bh = cv2.boundingRect(cv2.boxPoints(rect).astype(np.int32))
        x, y = max(0, x), max(0, y)
        box = (x, y, min(bw, width - x), min(bh, height - y))
        if any(iou(box, other.box) > 0.3 for other in results):
            continue
        results.append(Candidate(box, rect, round(score, 3), source))
        if len(results) == limit:
            break
    return results


def iou(a, b) -> float:
    """Intersection over union of two [x, y, w, h] boxes."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0
