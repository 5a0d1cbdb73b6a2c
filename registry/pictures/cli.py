"""flask pictures classify FILE... — where the plate is, its colour, the picture's quality, the time taken."""

import json
import time
from pathlib import Path

import click
import numpy as np
from flask.cli import AppGroup

from registry.events.pictures import analyse_pending
from registry.extensions import db
from registry.pictures.analysis import PLATE, VEHICLE, analyse
from registry.pictures.decoding import ImageRejected, decode

pictures_cli = AppGroup("pictures", help="车牌图片 / Plate pictures.")


@pictures_cli.command("classify")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="每个文件输出一行 JSON / one JSON object per line")
@click.option(
    "--kind",
    type=click.Choice(["auto", PLATE, VEHICLE]),
    default="auto",
    help="plate = 车牌截图, vehicle = 整车照片; auto: 宽高比像车牌的按车牌截图 / by aspect ratio",
)
def classify_command(files, as_json, kind):
    """Locate the plate, classify its colour and measure the picture's quality, per file."""
    for path in files:
        started = time.perf_counter()
        try:
            image, _ = decode(path.read_bytes())
        except ImageRejected as exc:
            result = {"file": str(path), "colour": None, "confidence": 0.0, "box": None, "sharpness": None}
            result |= {"error": str(exc), "ms": round((time.perf_counter() - started) * 1000, 2)}
        else:
            chosen = kind if kind != "auto" else _guess_kind(image)
            analysis = analyse(image, chosen)
            result = {"file": str(path), "kind": chosen} | analysis.as_dict()
            result["ms"] = round((time.perf_counter() - started) * 1000, 2)  # decoding included
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False))
        else:
            click.echo(_line(result))


def _guess_kind(image: np.ndarray) -> str:
    """A picture shaped like a plate (wider than 2:1, or small) is a crop; anything else a vehicle photo."""
    height, width = image.shape[:2]
    return PLATE if width / height >= 2.0 or width <= 320 else VEHICLE


def _line(result: dict) -> str:
    if result.get("error"):
        return f"{result['file']}: 无法读取 / unreadable: {result['error']} ({result['ms']} ms)"
    if result["colour"] is None:
        return f"{result['file']}: 未找到车牌 / no plate found ({result['ms']} ms)"
    quality = result["quality"]
    return (
        f"{result['file']}: {result['colour']} ({result['confidence']:.2f}) box={result['box']}"
        f" sharpness={quality['sharpness']} brightness={quality['brightness']}"
        f" overexposed={quality['overexposed']} plate={quality['plate_width']}x{quality['plate_height']}px"
        f" {result['ms']} ms"
    )


@pictures_cli.command("analyse-pending")
@click.option("--limit", type=click.IntRange(1), default=1000, help="最多处理张数 / at most this many pictures")
def analyse_pending_command(limit):
    """Analyse stored pass pictures the rules did not need at ingest (the gateway does this when idle)."""
    done = 0
    while done < limit:
        count = analyse_pending(min(50, limit - done))
        db.session.commit()
        if not count:
            break
        done += count
    click.echo(f"已分析 / analysed: {done}")


@pictures_cli.command("fetch")
@click.option("--watch", type=float, default=0, help="每隔若干秒再取一次 / keep fetching, every N seconds")
@click.option("--limit", type=int, default=20, show_default=True)
def fetch_command(watch, limit):
    """Download pictures cameras sent by reference, from PICTURE_FETCH_HOSTS only."""
    from flask import current_app

    from registry.events.fetching import download, pictures_to_fetch, record_fetches

    if not current_app.config["PICTURE_FETCH_HOSTS"]:
        raise click.ClickException("PICTURE_FETCH_HOSTS 为空，不下载 / is empty: fetching is off")
    while True:
        waiting = pictures_to_fetch(limit)
        db.session.rollback()  # no transaction stays open over the downloads
        stored = record_fetches(download(waiting)) if waiting else 0
        db.session.commit()
        if waiting:
            click.echo(f"{stored}/{len(waiting)} 张已下载 / fetched")
        if not watch:
            return
        if len(waiting) < limit:
            time.sleep(watch)
