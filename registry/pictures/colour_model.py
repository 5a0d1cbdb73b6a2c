"""Plate colour by a small classifier over features that GA 36-2018's colour pairs make meaningful.

A plate is a ground and characters of a known pair (registry.pictures.colour lists them). The crop is
split into its lighter and darker classes (Otsu through the characters' band); the characters are
the class covering about 0.35 of the band. The features describe the ground and the characters in CIE
Lab as photographed and under two colour-constancy assumptions (the light class is white; the picture
averages to grey), the hue histogram of the coloured pixels, the polarity (light characters: only blue
and black plates have them), the ground's left part against its right (yellow-green) and its top
against its bottom (the green plate's gradient), and how much colour the picture holds at all (night,
infrared). A one-hidden-layer network maps them to the six colours.

The network is trained by scripts/train_colour_model.py on synthetic plates (registry.pictures.synthetic:
every pair, double-row plates, under varied light and optics) and the real crops of ../shared/data/plates;
its weights ship in colour_model.npz beside this file. scripts/eval_pictures.py fits it again for each
source it leaves out. Nothing is downloaded at run time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from registry.pictures.colour import COLOURS, ColourReading, classify_crop

MODEL_FILE = Path(__file__).with_name("colour_model.npz")
# How often each colour comes to a freight gate before the picture is seen (blue, yellow, yellow_green,
# green, white, black): trucks' yellow and cars' blue most, new-energy plates some, police and consular
# plates seldom. The network is trained with every colour weighted alike; its probabilities are
# weighed by these before the choice (Bayes' rule), so that a faded yellow plate is not called white.
PRIORS = np.array([0.40, 0.40, 0.06, 0.10, 0.02, 0.02], np.float32)
WORK_HEIGHT = 40
SYNTHETIC_SEED = 36  # member i of the shipped network trained on synthetic_set(..., seed=SYNTHETIC_SEED + i)
HUE_BINS = 12


def _work(crop: np.ndarray) -> np.ndarray:
    """The crop at the working height, its margins (vehicle, frame, screws) trimmed."""
    height, width = crop.shape[:2]
    small = cv2.resize(crop, (max(8, round(width * WORK_HEIGHT / height)), WORK_HEIGHT), interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    return small[round(h * 0.12) : round(h * 0.88), round(w * 0.05) : round(w * 0.95)]


def _lab(pixels: np.ndarray) -> np.ndarray:
    """Mean L, a, b (0-100, about -128-127) of BGR float pixels (N x 3, 0-255)."""
    if len(pixels) == 0:
        return np.zeros(3, np.float32)
    lab = cv2.cvtColor(pixels.reshape(-1, 1, 3).astype(np.float32) / 255.0, cv2.COLOR_BGR2LAB)
    return lab.reshape(-1, 3).mean(axis=0)


def _chroma(lab: np.ndarray) -> list[float]:
    """L, a, b scaled, the chroma, and the hue angle as a point on the circle weighted by chroma."""
    _, a, b = lab
    chroma = float(np.hypot(a, b))
    angle = np.arctan2(b, a)
    weight = min(chroma / 30.0, 1.0)
    return [lab[0] / 100, a / 64, b / 64, chroma / 64, weight * np.cos(angle), weight * np.sin(angle)]


def features(crop: np.ndarray) -> np.ndarray:
    """The feature vector of a BGR plate crop. Which class is the ground is not decided here: a bold
    tight crop can show as much ink as ground, so both classes are described and the network weighs
    them with the polarity."""
    work = _work(crop)
    pixels = work.reshape(-1, 3).astype(np.float32)
    grey = cv2.cvtColor(work, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    band = grey[h // 4 : 3 * h // 4]
    threshold, _ = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    light = (grey > threshold).reshape(-1)
    if not light.any() or light.all():
        light = grey.reshape(-1) >= np.median(grey)
    light_share = float(np.count_nonzero(band > threshold)) / max(band.size, 1)
    # The ground shows between the characters: columns of the band that are almost all one class.
    # Light such columns, dark characters (yellow, green, white plates); dark ones, light characters
    # (blue and black plates), however bold the strokes.
    column_light = (band > threshold).mean(axis=0)
    gaps_light = float(np.mean(column_light > 0.9))
    gaps_dark = float(np.mean(column_light < 0.1))
    bright, dark = pixels[light], pixels[~light]
    # Colour constancy: the light class taken as white (right for blue and black plates, whose
    # characters are white, and for white plates' ground), and the grey world.
    bright_mean = bright.mean(axis=0) if len(bright) else pixels.mean(axis=0)
    white_gains = np.clip(bright_mean.mean() / np.maximum(bright_mean, 1.0), 1 / 3, 3)
    grey_mean = pixels.mean(axis=0)
    grey_gains = np.clip(grey_mean.mean() / np.maximum(grey_mean, 1.0), 1 / 3, 3)
    hsv = cv2.cvtColor(work, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.float32)
    coloured = (hsv[:, 1] >= 60) & (hsv[:, 2] >= 45)
    hist, _ = np.histogram(hsv[coloured, 0], bins=HUE_BINS, range=(0, 180), weights=hsv[coloured, 1] / 255)
    hist = hist / max(len(hsv), 1)
    columns = np.tile(np.arange(w), h)
    rows = np.repeat(np.arange(h), w)
    bright_lab, dark_lab = _lab(bright), _lab(dark)
    top = _lab(pixels[light & (rows < h * 0.35)])
    bottom = _lab(pixels[light & (rows > h * 0.65)])
    vector = [
        *_chroma(bright_lab),
        *_chroma(dark_lab),
        *_chroma(_lab(bright * grey_gains)),
        *_chroma(_lab(dark * grey_gains)),
        *_chroma(_lab(dark * white_gains)),
        *_chroma(_lab(pixels[light & (columns < w * 0.28)])),
        *_chroma(_lab(pixels[light & (columns > w * 0.4)])),
        *_chroma(_lab(pixels[~light & (columns < w * 0.28)])),
        *_chroma(_lab(pixels[~light & (columns > w * 0.4)])),
        (top[0] - bottom[0]) / 100,
        (top[1] - bottom[1]) / 64,
        (top[2] - bottom[2]) / 64,
        (bright_lab[0] - dark_lab[0]) / 100,
        light_share,
        gaps_light,
        gaps_dark,
        gaps_light - gaps_dark,
        float(np.count_nonzero(coloured)) / max(len(hsv), 1),
        float(np.median(hsv[:, 1])) / 255,
        float(np.median(hsv[:, 2])) / 255,
        *hist,
        *_rules(crop),
    ]
    return np.asarray(vector, np.float32)


def _rules(crop: np.ndarray) -> list[float]:
    """What the GA 36 rules (registry.pictures.colour) read, as evidence the network weighs."""
    reading = classify_crop(crop)
    return [reading.confidence if colour == reading.colour else 0.0 for colour in COLOURS]


def _member_forward(z: np.ndarray, w1, b1, w2, b2) -> np.ndarray:
    hidden = np.maximum(z @ w1 + b1, 0)
    logits = hidden @ w2 + b2
    logits -= logits.max(axis=-1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=-1, keepdims=True)


def _forward(x: np.ndarray, weights: dict) -> np.ndarray:
    """The members' probabilities, averaged (networks trained from different seeds disagree where the
    training plates say little; their mean is steadier than any one)."""
    z = (x - weights["mean"]) / weights["scale"]
    members = int(weights["members"])
    return (
        sum(_member_forward(z, *(weights[f"{i}_{k}"] for k in ("w1", "b1", "w2", "b2"))) for i in range(members))
        / members
    )


def train(sets: list[tuple[np.ndarray, np.ndarray]], seed: int = 36) -> dict:
    """One network per training set (each its own draw of synthetic plates, with the same real ones),
    on features standardised over all of them: the members differ where the synthetic draw does."""
    x = np.vstack([features for features, _ in sets])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    weights = {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32), "members": np.array(len(sets))}
    for i, (features, labels) in enumerate(sets):
        for key, value in _train_member((features - mean) / scale, labels, seed + i).items():
            weights[f"{i}_{key}"] = value
    return weights


def _train_member(z: np.ndarray, y: np.ndarray, seed: int, hidden: int = 48, epochs: int = 600, l2: float = 1e-3):
    """One network by full-batch Adam on softmax cross-entropy, each colour weighted alike."""
    rng = np.random.default_rng(seed)
    classes = len(COLOURS)
    counts = np.bincount(y, minlength=classes).astype(np.float32)
    sample_weight = (len(y) / (classes * np.maximum(counts, 1)))[y][:, None]
    target = np.eye(classes, dtype=np.float32)[y]
    params = {
        "w1": rng.normal(0, np.sqrt(2 / z.shape[1]), (z.shape[1], hidden)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": rng.normal(0, np.sqrt(1 / hidden), (hidden, classes)).astype(np.float32),
        "b2": np.zeros(classes, np.float32),
    }
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    rate, beta1, beta2 = 0.01, 0.9, 0.999
    for step in range(1, epochs + 1):
        pre = z @ params["w1"] + params["b1"]
        hid = np.maximum(pre, 0)
        logits = hid @ params["w2"] + params["b2"]
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        d_logits = (p - target) * sample_weight / len(y)
        grads = {"w2": hid.T @ d_logits + l2 * params["w2"], "b2": d_logits.sum(axis=0)}
        d_hid = (d_logits @ params["w2"].T) * (pre > 0)
        grads["w1"] = z.T @ d_hid + l2 * params["w1"]
        grads["b1"] = d_hid.sum(axis=0)
        for k, g in grads.items():
            m, v = moments[k]
            m[:] = beta1 * m + (1 - beta1) * g
            v[:] = beta2 * v + (1 - beta2) * g * g
            params[k] -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return params


def training_arrays(samples: list[tuple[np.ndarray, str]]) -> tuple[np.ndarray, np.ndarray]:
    x = np.stack([features(crop) for crop, _ in samples])
    y = np.array([COLOURS.index(colour) for _, colour in samples])
    return x, y


def probabilities(vector: np.ndarray, weights: dict) -> np.ndarray:
    """Each colour's probability (in COLOURS' order) for a feature vector, at a freight gate's priors."""
    p = _forward(vector[None, :], weights)[0] * PRIORS * len(PRIORS)
    return p / p.sum()


def classify(crop: np.ndarray, weights: dict | None = None) -> ColourReading:
    """The plate colour of a BGR crop by the network (the shipped one unless weights are given)."""
    weights = weights if weights is not None else shipped()
    p = probabilities(features(crop), weights)
    best = int(p.argmax())
    return ColourReading(
        COLOURS[best], round(float(p[best]), 3), {c: round(float(v), 3) for c, v in zip(COLOURS, p, strict=True)}
    )


@lru_cache(maxsize=1)
def shipped() -> dict:
    with np.load(MODEL_FILE) as data:
        return {key: data[key] for key in data.files}


def save(weights: dict, path: Path = MODEL_FILE) -> None:
    np.savez_compressed(path, **weights)
