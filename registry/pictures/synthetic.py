"""Synthetic plates drawn to GA 36-2018, under the light and optics gate cameras meet: what the colour
model is trained on besides real photos (which are scarce for green, yellow-green, white and black
plates). Pure NumPy and OpenCV; seeded, so a training run is repeatable.

Geometry (GA 36-2018): a single-row plate is 440x140 mm with seven characters 45 mm wide and 90 mm
high (eight on a new-energy plate, 480x140 mm); a double-row plate (the rear plate of a truck) is
440x220 mm, two characters on the upper row and five larger ones below. Colour pairs: blue ground and
white characters, yellow and black, gradient green and black (small new-energy), yellow left and green
right with black characters (large new-energy), white and black (police, with a red character), black
and white. Ground colours here are nominal sRGB values near the standard's; the model must not depend
on the exact shade, which light changes far more than manufacturers do.

Conditions drawn at random: the light's colour (daylight, overcast blue, sodium orange, LED white,
infrared night that washes colour out), brightness from night to glare, over-exposure, a shadow
across the plate, dirt, blur and motion, sensor noise, JPEG, slight rotation and perspective, loose
crops showing the vehicle around the plate, and small plates far from the camera."""

from __future__ import annotations

import cv2
import numpy as np

COLOURS = ("blue", "yellow", "yellow_green", "green", "white", "black")

# Nominal grounds and characters, BGR.
BLUE, YELLOW, GREEN = (160, 70, 10), (10, 190, 245), (80, 190, 60)
WHITE, BLACK, RED = (245, 245, 245), (20, 20, 20), (30, 30, 200)
GROUND = {"blue": BLUE, "yellow": YELLOW, "white": WHITE, "black": BLACK}
YELLOW_SHADES = (YELLOW, (0, 150, 250), (40, 170, 210), (70, 180, 200), (20, 210, 240))
INK = {"blue": WHITE, "yellow": BLACK, "yellow_green": BLACK, "green": BLACK, "white": BLACK, "black": WHITE}
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
MM = 2  # pixels per millimetre on the drawn plate


def _ground(colour: str, width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    plate = np.zeros((height, width, 3), np.float32)
    if colour == "green":  # GA 36: a gradient, light at the top to green at the bottom
        top = np.array((200, 240, 200), np.float32) * rng.uniform(0.85, 1.0)
        bottom = np.array(GREEN, np.float32) * rng.uniform(0.8, 1.1)
        t = np.linspace(0, 1, height, dtype=np.float32)[:, None, None] ** rng.uniform(0.6, 1.4)
        plate[:] = top * (1 - t) + bottom * t
    elif colour == "yellow_green":  # yellow on the left part, green on the right
        split = int(width * rng.uniform(0.22, 0.34))
        plate[:, :split] = YELLOW
        plate[:, split:] = GREEN
    elif colour == "yellow":  # from orange to a faded khaki
        plate[:] = YELLOW_SHADES[int(rng.integers(len(YELLOW_SHADES)))]
    else:
        plate[:] = GROUND[colour]
    jitter = rng.normal(0, 12, 3).astype(np.float32)  # manufacturers and fading
    return np.clip(plate + jitter, 0, 255)


def _glyph(image: np.ndarray, x: int, y: int, w: int, h: int, ink, rng: np.random.Generator, chinese: bool) -> None:
    """One character in a w x h cell: a Latin letter or digit drawn with a Hershey font, or for the
    province's Chinese character a block of strokes of about its density."""
    thickness = max(2, round(w * rng.uniform(0.35, 0.6)))  # drawn wide, squeezed into the cell: bold strokes
    if chinese:
        thickness = max(2, round(w * 0.13))
        for _ in range(int(rng.integers(5, 9))):
            if rng.random() < 0.5:
                yy = int(rng.integers(y, y + h))
                cv2.line(image, (x, yy), (x + w, yy), ink, thickness)
            else:
                xx = int(rng.integers(x, x + w))
                cv2.line(image, (xx, y), (xx, y + h), ink, thickness)
        return
    text = str(rng.choice(list(LETTERS)))
    scale = cv2.getFontScaleFromHeight(cv2.FONT_HERSHEY_SIMPLEX, 100, thickness)
    canvas = np.zeros((160, 160), np.uint8)
    cv2.putText(canvas, text, (20, 130), cv2.FONT_HERSHEY_SIMPLEX, scale, 255, max(2, round(100 * 10 / 90)))
    ys, xs = np.nonzero(canvas)
    glyph = canvas[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    # GA 36 characters fill their 45 x 90 mm cell (a "1" keeps its own width), strokes about 10 mm
    glyph_w = w if glyph.shape[1] > glyph.shape[0] * 0.3 else max(2, round(w * 0.35))
    glyph = cv2.resize(glyph, (glyph_w, h), interpolation=cv2.INTER_AREA)
    mask = glyph > 96
    x += (w - glyph_w) // 2
    region = image[y : y + h, x : x + glyph_w]
    region[mask[: region.shape[0], : region.shape[1]]] = ink


def draw_plate(colour: str, rng: np.random.Generator, double_row: bool = False) -> np.ndarray:
    """A clean plate of the colour pair, BGR uint8, at MM pixels a millimetre."""
    nev = colour in ("green", "yellow_green")
    width, height = (480 if nev else 440) * MM, (220 if double_row else 140) * MM
    plate = _ground(colour, width, height, rng)
    ink = np.array(INK[colour], np.float32) + rng.normal(0, 8, 3).astype(np.float32)
    ink = tuple(float(v) for v in np.clip(ink, 0, 255))
    border = 3 * MM
    cv2.rectangle(plate, (border, border), (width - border, height - border), ink, MM)
    if double_row:  # upper row: province and letter, 80x60 mm; lower row: five characters 65x110 mm
        cells = [(110 + i * 120, 15, 80, 60, i == 0) for i in range(2)]
        cells += [(27 + i * 80, 95, 65, 110, False) for i in range(5)]
    else:
        count = 8 if nev else 7
        step = (width / MM - 30) / count
        cells = [(15 + i * step + (10 if i >= 2 else 0), 25, 45 if not nev else 43, 90, i == 0) for i in range(count)]
    for i, (x, y, w, h, chinese) in enumerate(cells):
        glyph_ink = RED if colour == "white" and i == len(cells) - 1 else ink
        _glyph(plate, int(x * MM), int(y * MM), int(w * MM), int(h * MM), glyph_ink, rng, chinese)
    return np.clip(plate, 0, 255).astype(np.uint8)


# The colour of the light, as gains on B, G, R.
LIGHTS = {
    "daylight": (1.0, 1.0, 1.0),
    "overcast": (1.15, 1.0, 0.85),
    "sodium": (0.45, 0.85, 1.35),
    "led": (1.05, 1.0, 0.95),
    "warm": (0.75, 0.95, 1.2),
    "green_cast": (0.85, 1.2, 0.85),
}


def _light(plate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    image = plate.astype(np.float32)
    if rng.random() < 0.12:  # infrared at night: colour mostly gone, a grey or greenish picture
        grey = cv2.cvtColor(plate, cv2.COLOR_BGR2GRAY).astype(np.float32)[..., None]
        keep = rng.uniform(0.05, 0.35)
        image = image * keep + grey * (1 - keep) * np.array((1.0, rng.uniform(1.0, 1.15), 1.0), np.float32)
    name = str(rng.choice(list(LIGHTS)))
    gains = np.array(LIGHTS[name], np.float32) * rng.uniform(0.85, 1.15, 3).astype(np.float32)
    image *= gains
    image *= rng.choice([rng.uniform(0.15, 0.5), rng.uniform(0.5, 1.3), rng.uniform(1.3, 2.2)], p=[0.2, 0.6, 0.2])
    if rng.random() < 0.3:  # a shadow or a headlight's glare across part of the plate
        h, w = image.shape[:2]
        ramp = np.linspace(rng.uniform(0.4, 1.6), rng.uniform(0.4, 1.6), w, dtype=np.float32)
        image *= ramp[None, :, None] if rng.random() < 0.5 else np.resize(ramp, h)[:, None, None]
    if rng.random() < 0.25:  # dirt
        image = image * 0.7 + np.array((60, 75, 85), np.float32) * 0.3
    image = np.clip(image, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:  # faded paint, a camera's weak colour: less saturation, another gamma
        hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV).astype(np.float32)
        hsv[..., 1] *= rng.uniform(0.3, 1.0)
        hsv[..., 2] = 255 * (hsv[..., 2] / 255) ** rng.uniform(0.6, 1.5)
        image = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2BGR)
    return image


def _surround(plate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A tight crop that cuts into the plate's edge, or a loose one with some of the vehicle around it,
    slightly rotated."""
    h, w = plate.shape[:2]
    if rng.random() < 0.6:  # cut down to the characters, as many plate detectors do
        top, bottom = int(h * rng.uniform(0, 0.2)), int(h * rng.uniform(0, 0.2))
        left, right = int(w * rng.uniform(0, 0.05)), int(w * rng.uniform(0, 0.05))
        return plate[top : h - bottom, left : w - right]
    pad_y, pad_x = int(h * rng.uniform(0, 0.2)), int(w * rng.uniform(0, 0.06))
    grey = rng.integers(20, 230)
    body = np.full(3, grey) if rng.random() < 0.6 else rng.integers(0, 256, 3)  # most vehicles are grey
    canvas = np.empty((h + 2 * pad_y, w + 2 * pad_x, 3), np.uint8)
    canvas[:] = body
    canvas[pad_y : pad_y + h, pad_x : pad_x + w] = plate
    angle = rng.uniform(-6, 6)
    matrix = cv2.getRotationMatrix2D((canvas.shape[1] / 2, canvas.shape[0] / 2), angle, 1.0)
    return cv2.warpAffine(canvas, matrix, (canvas.shape[1], canvas.shape[0]), borderValue=tuple(int(v) for v in body))


def _optics(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    height = int(rng.integers(18, 70))  # far and near plates
    width = max(8, round(image.shape[1] * height / image.shape[0]))
    small = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.4:
        k = int(rng.choice([3, 5]))
        small = cv2.GaussianBlur(small, (k, k), 0) if rng.random() < 0.5 else cv2.blur(small, (k, 1))
    noise = rng.normal(0, rng.choice([2, 6, 14]), small.shape)
    small = np.clip(small.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    _, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 95))])
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def synthetic_plate(colour: str, rng: np.random.Generator, double_row: bool | None = None) -> np.ndarray:
    """A plate crop as a gate camera might send it."""
    if double_row is None:
        double_row = colour == "yellow" and rng.random() < 0.4
    plate = draw_plate(colour, rng, double_row)
    return _optics(_surround(_light(plate, rng), rng), rng)


def synthetic_set(per_colour: int, seed: int = 36) -> list[tuple[np.ndarray, str]]:
    rng = np.random.default_rng(seed)
    return [(synthetic_plate(colour, rng), colour) for colour in COLOURS for _ in range(per_colour)]
