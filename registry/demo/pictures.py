"""A gate camera's picture of a demo truck: the cab seen from the front, and its plate drawn to GA 36-2018
(ground and character colours, 440 x 140 mm, the characters in a CJK font) with the truck's own plate
number, so that the picture analysis finds the plate, measures its colour and reads its text as it would
on a camera's photo. Seeded by the plate and the pass: the same pass draws the same picture. Pure: OpenCV,
NumPy and Pillow (for the characters), no Flask."""

from __future__ import annotations

import hashlib
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from registry.pictures.evidence import cjk_font
from registry.pictures.synthetic import GREEN, INK, YELLOW
from registry.pictures.synthetic import GROUND as PLAIN_GROUNDS

WIDTH, HEIGHT = 960, 600
CABS = ((40, 40, 170), (150, 90, 20), (210, 210, 215), (30, 120, 40), (20, 110, 200), (70, 70, 70))  # BGR


def _rgb(bgr) -> tuple[int, int, int]:
    return int(bgr[2]), int(bgr[1]), int(bgr[0])


def plate_image(plate: str, colour: str, width: int = 220, font_path: str | None = None) -> np.ndarray:
    """The plate alone, BGR, `width` pixels across (440 mm; 480 mm for a new-energy plate)."""
    nev = colour in ("green", "yellow_green")
    mm = width / (480 if nev else 440)
    height = round(140 * mm)
    cell = ((480 if nev else 440) - 30 - 10) * mm / len(plate)  # 15 mm margins, a 10 mm gap after two
    gap_at = 15 * mm + 2 * cell + 5 * mm  # the dot between the authority's letter and the serial
    picture = Image.new("RGB", (width, height), _rgb(PLAIN_GROUNDS.get(colour, YELLOW)))
    draw = ImageDraw.Draw(picture)
    if colour == "green":  # a gradient, light at the top to green at the bottom
        top, bottom = np.array((200, 240, 200)), np.array(GREEN)
        for y in range(height):
            t = y / max(1, height - 1)
            draw.line([(0, y), (width, y)], fill=_rgb(top * (1 - t) + bottom * t))
    elif colour == "yellow_green":  # yellow under the province and the letter, green under the serial
        draw.rectangle([0, 0, round(gap_at), height], fill=_rgb(YELLOW))
        draw.rectangle([round(gap_at), 0, width, height], fill=_rgb(GREEN))
    ink = _rgb(INK.get(colour, (20, 20, 20)))
    draw.rectangle([round(3 * mm), round(3 * mm), width - round(3 * mm), height - round(3 * mm)], outline=ink,
                   width=max(1, round(2 * mm)))  # fmt: skip
    font = cjk_font(round(88 * mm), font_path)
    for i, char in enumerate(plate):
        x = 15 * mm + i * cell + (10 * mm if i >= 2 else 0)
        left, top, right, bottom = draw.textbbox((0, 0), char, font=font)
        draw.text((x + (cell - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top), char, font=font,
                  fill=ink)  # fmt: skip
    if len(plate) > 2:
        draw.ellipse([gap_at - 3 * mm, height / 2 - 3 * mm, gap_at + 3 * mm, height / 2 + 3 * mm], fill=ink)
    return cv2.cvtColor(np.asarray(picture), cv2.COLOR_RGB2BGR)


def plate_jpeg(plate: str, colour: str, font_path: str | None = None) -> bytes:
    """The plate crop a camera sends beside its picture of the vehicle."""
    return cv2.imencode(".jpg", plate_image(plate, colour, font_path=font_path), [cv2.IMWRITE_JPEG_QUALITY, 90])[
        1
    ].tobytes()


def truck_picture(plate: str, colour: str, seed: str = "", font_path: str | None = None, body: str = "") -> bytes:
    """A JPEG of the truck at the gate, its plate on the bumper. The cab's colour is the truck's own (by its
    plate, or by `body` for another vehicle carrying the same plate); the rest varies with `seed`."""
    rng = random.Random(hashlib.sha256(f"{plate}|{seed}".encode()).digest())
    own = hashlib.sha256(plate.encode()).digest()[0] % len(CABS)
    if body:  # another vehicle: never the truck's own colour
        other = hashlib.sha256(f"{plate}|{body}".encode()).digest()[0] % len(CABS)
        own = other if other != own else (own + 1) % len(CABS)
    scene = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    for y in range(HEIGHT):  # the road, lighter far away
        scene[y] = (95 + 40 * (1 - y / HEIGHT), 98 + 40 * (1 - y / HEIGHT), 100 + 40 * (1 - y / HEIGHT))
    for x in (150, WIDTH - 150):
        cv2.line(scene, (x, HEIGHT), (WIDTH // 2 + (x - WIDTH // 2) // 4, 0), (220, 220, 220), 6)
    cab = CABS[own]
    left, right, top = 230 + rng.randrange(-30, 30), 730 + rng.randrange(-30, 30), 40 + rng.randrange(0, 40)
    cv2.rectangle(scene, (left, top), (right, 520), cab, -1)  # the cab
    cv2.rectangle(scene, (left + 30, top + 30), (right - 30, top + 200), (50, 45, 40), -1)  # the windscreen
    cv2.rectangle(scene, (left + 60, top + 250), (right - 60, 420), (35, 35, 35), -1)  # the grille
    for y in range(top + 265, 420, 18):
        cv2.line(scene, (left + 70, y), (right - 70, y), (90, 90, 90), 3)
    cv2.rectangle(scene, (left - 10, 430), (right + 10, 520), (45, 45, 45), -1)  # the bumper
    for x in (left + 20, right - 120):  # the lamps
        cv2.rectangle(scene, (x, 300), (x + 100, 340), (200, 230, 240), -1)
    tag = plate_image(plate, colour, 220 if colour not in ("green", "yellow_green") else 240, font_path)
    ph, pw = tag.shape[:2]
    px, py = (left + right) // 2 - pw // 2, 446
    scene[py : py + ph, px : px + pw] = tag
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 4, scene.shape)
    scene = np.clip(scene.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    return cv2.imencode(".jpg", scene, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()
