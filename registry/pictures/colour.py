"""Plate colour from a plate crop, by the colour pairs GA 36-2018 defines for plates:

    blue plate         white characters on blue            (small vehicles)
    yellow plate       black characters on yellow          (large vehicles)
    yellow_green plate black characters on yellow and green (large new-energy vehicles; yellow part left)
    green plate        black characters on gradient green  (small new-energy vehicles)
    white plate        black (and red) characters on white (police)
    black plate        white characters on black           (embassy, consulate, HK/Macau)

Hue families are the plain geometry of the hue circle (OpenCV hue, 0-180): yellow (including the orange
that sodium street light turns it to) 5-34, green 34-90, blue 90-135; pixels with too little saturation
or light carry no hue. The pairs decide the hard cases: a crop with almost no hue is white or black, and
a blue plate under a colour cast is known by its white strokes (`_blue_under_a_cast`), and a coloured
plate whose characters are lighter than its ground can only be blue (`LIGHT_CHARACTERS_SHARE`). Nothing
here is fitted to particular photos.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

COLOURS = ("blue", "yellow", "yellow_green", "green", "white", "black")

HUE_YELLOW = (5, 34)  # 10°-68°: yellow and the orange cast street lighting gives it
HUE_GREEN = (34, 90)  # 68°-180°
HUE_BLUE = (90, 135)  # 180°-270°
CHROMA_SATURATION = 60  # below this (of 255) a pixel's hue is not trusted
CHROMA_VALUE = 45  # nor in near darkness
FAINT_SATURATION = 25  # a faint tint: enough to tell a coloured ground seen in bad light from grey
FAINT_VALUE = 20  # and a navy ground at night is dark but still blue
WORK_HEIGHT = 40  # crops are compared at one size
MAX_CAST_GAIN = 3.0  # a lamp or a camera tints a channel by a factor of a few, never by a hundred
GROUND_TO_STROKE = 0.3  # a blue ground is at least this bright against white strokes; black ink is not
# GA 36-2018 characters are 45 mm wide with 10 mm strokes, seven of them across 315 of the plate's 440 mm:
# through the middle of the characters, strokes cover about 0.35 of the plate, the ground the other 0.65.
# So the lighter class covers about 0.35 when the characters are the light ones (white on blue or black)
# and about 0.65 when they are dark (black on yellow, green or white). Below this share the characters
# are taken to be light; it sits near the 0.35 so that a smudged yellow plate is not called blue.
LIGHT_CHARACTERS_SHARE = 0.4


@dataclass(frozen=True)
class ColourReading:
    colour: str
    confidence: float  # 0..1
    shares: dict[str, float]  # hue family -> share of the crop's coloured pixels


def _normalise(crop: np.ndarray) -> np.ndarray:
    """Scale to a working height and trim the margins, where loose crops show the car body or frame."""
    height, width = crop.shape[:2]
    scale = WORK_HEIGHT / height
    small = cv2.resize(crop, (max(8, round(width * scale)), WORK_HEIGHT), interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    return small[round(h * 0.12) : round(h * 0.88), round(w * 0.06) : round(w * 0.94)]


def hue_shares(
    hsv: np.ndarray, mask: np.ndarray, min_saturation: int = CHROMA_SATURATION, min_value: int = CHROMA_VALUE
) -> tuple[dict[str, float], float]:
    """Share of each hue family among the masked pixels that carry a hue, and how many of them do."""
    h, s, v = (hsv[..., i][mask] for i in range(3))
    chromatic = (s >= min_saturation) & (v >= min_value)
    hues = h[chromatic]
    total = max(len(hues), 1)
    shares = {
        "yellow": np.count_nonzero((hues >= HUE_YELLOW[0]) & (hues < HUE_YELLOW[1])) / total,
        "green": np.count_nonzero((hues >= HUE_GREEN[0]) & (hues < HUE_GREEN[1])) / total,
        "blue": np.count_nonzero((hues >= HUE_BLUE[0]) & (hues < HUE_BLUE[1])) / total,
    }
    return shares, len(hues) / max(np.count_nonzero(mask), 1)


def classify_crop(crop: np.ndarray) -> ColourReading:
    """The plate colour of a BGR crop of the plate, with a confidence."""
    work = _normalise(crop)
    hsv = cv2.cvtColor(work, cv2.COLOR_BGR2HSV)
    everything = np.ones(hsv.shape[:2], bool)
    shares, coloured = hue_shares(hsv, everything)
    if coloured < 0.25:  # a grey plate: white with dark characters, or black with light ones
        # ... or a coloured ground seen at night or washed out: a faint but consistent tint decides,
        # since white (police) and black (embassy, HK/Macau) plates are rare at a freight gate.
        faint, tinted = hue_shares(hsv, everything, FAINT_SATURATION, FAINT_VALUE)
        tint = max(faint, key=faint.get)
        if tinted >= 0.3 and faint[tint] >= 0.6:
            return ColourReading(tint, _sure(0.3 + 0.3 * faint[tint]), faint)
        brightness = float(np.median(hsv[..., 2]))
        colour = "white" if brightness >= 128 else "black"
        if colour == "black" and _blue_under_a_cast(work):  # a dark, tinted blue plate
            return ColourReading("blue", 0.5, shares)
        return ColourReading(colour, _sure(1 - coloured / 0.25), shares)
    family = max(shares, key=shares.get)
    if family != "blue" and _blue_under_a_cast(work):
        return ColourReading("blue", _sure(0.5 + shares["blue"] / 2), shares)
    light_share = _light_share(work)
    if family != "blue" and light_share < LIGHT_CHARACTERS_SHARE:
        # Light characters on a coloured ground: of the GA 36 pairs only the blue plate has them, so the
        # hue is a cast (sodium light, a camera's white balance) too strong to correct.
        return ColourReading("blue", _sure(0.5 + (0.5 - light_share)), shares)
    if shares["green"] >= 0.2 and shares["yellow"] >= 0.2 and _yellow_left_of_green(hsv, everything):
        return ColourReading("yellow_green", _sure(shares["green"] + shares["yellow"]), shares)
    return ColourReading(family, _sure(shares[family]), shares)


def _blue_under_a_cast(work: np.ndarray) -> bool:
    """A blue plate is a blue ground with white characters. Under a colour cast its hue lies, but if
    taking the light strokes as the white they are (a von Kries correction by their mean colour)
    turns the dark ground blue, it is a blue plate. A yellow, green or white plate fails this: its
    dark strokes are black and stay without hue; a black plate's ground stays too dark."""
    value = cv2.cvtColor(work, cv2.COLOR_BGR2GRAY)
    _, bright = cv2.threshold(value, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = bright > 0
    if not bright.any() or bright.all():
        return False
    light = work[bright].reshape(-1, 3).astype(np.float32).mean(axis=0)
    gains = np.clip(light.mean() / np.maximum(light, 1.0), 1 / MAX_CAST_GAIN, MAX_CAST_GAIN)
    corrected = np.clip(work.astype(np.float32) * gains, 0, 255).astype(np.uint8)
    hsv = cv2.cvtColor(corrected, cv2.COLOR_BGR2HSV)
    shares, coloured = hue_shares(hsv, ~bright)
    # The light strokes must come out white (a cast within a plausible gain), and a blue ground reflects
    # a good part of what its white strokes do, black ink almost nothing.
    strokes_grey = float(np.median(hsv[..., 1][bright])) < CHROMA_SATURATION
    ground = float(np.median(hsv[..., 2][~bright]))
    strokes = float(np.median(hsv[..., 2][bright]))
    return strokes_grey and coloured >= 0.5 and shares["blue"] >= 0.6 and ground >= GROUND_TO_STROKE * strokes


def _light_share(work: np.ndarray) -> float:
    """The share of the lighter class (Otsu) through the middle of the characters."""
    grey = cv2.cvtColor(work, cv2.COLOR_BGR2GRAY)
    height = grey.shape[0]
    band = grey[height // 4 : 3 * height // 4]
    _, light = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(np.count_nonzero(light)) / max(light.size, 1)


def _yellow_left_of_green(hsv: np.ndarray, mask: np.ndarray) -> bool:
    h, s = hsv[..., 0], hsv[..., 1]
    columns = np.indices(h.shape)[1]
    chroma = mask & (s >= CHROMA_SATURATION)
    yellow = chroma & (h >= HUE_YELLOW[0]) & (h < HUE_YELLOW[1])
    green = chroma & (h >= HUE_GREEN[0]) & (h < HUE_GREEN[1])
    if not yellow.any() or not green.any():
        return False
    return columns[yellow].mean() < columns[green].mean()


def _sure(value: float) -> float:
    return round(float(min(max(value, 0.0), 1.0)), 3)
