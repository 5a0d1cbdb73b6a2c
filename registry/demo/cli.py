"""flask demo seed"""

import json
import os
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from registry.accounts.models import User
from registry.common.time import utcnow
from registry.demo.history import record_history
from registry.demo.roadside import record_roadside_history, seed_roadside
from registry.demo.seed import already_seeded, seed_demo
from registry.demo.terminals import record_obd_history
from registry.extensions import db

DEMO_OFFICERS = ("demo-bureau", "demo-police")  # who reviews and issues in the demo's roadside records
OBD_HOURS = 3  # the terminals' last hours of frames (a frame every ten seconds a truck)

demo_cli = AppGroup("demo", help="演示数据 / Demo data.")


@demo_cli.command("seed")
@click.option(
    "--credentials",
    "credentials_file",
    default=None,
    help="保存演示令牌与门禁密钥的文件 / where to save demo tokens and gate secrets"
    " (default instance/demo-credentials.json)",
)
@click.option(
    "--history-hours",
    type=click.IntRange(0, 24 * 7),
    default=0,
    help="同时生成最近若干小时的过车（含图片）/ also record the last N hours of traffic, with pictures",
)
def seed_command(credentials_file, history_hours):
    """Seed the demo district once; a second run changes nothing."""
    if already_seeded():
        click.echo("演示数据已存在，未作改动 / demo data already present: nothing changed")
        return
    secrets, tokens, passwords = seed_demo()
    officer, police = (db.session.scalar(select(User).where(User.username == name)) for name in DEMO_OFFICERS)
    roadside = seed_roadside(officer, police)
    db.session.commit()
    if history_hours:
        end = utcnow() - timedelta(minutes=5)
        stored = record_history(end - timedelta(hours=history_hours), end)
        click.echo(
            f"已生成最近 {history_hours} 小时的过车 {stored} 次 / recorded {stored} reads of the last {history_hours} h"
        )
        frames = record_obd_history(end - timedelta(hours=min(history_hours, OBD_HOURS)), end)
        click.echo(f"已生成远程排放监控数据帧 {frames} 帧 / recorded {frames} remote emission frames")
        records = record_roadside_history(officer, end)
        db.session.commit()
        click.echo(f"已生成路侧监测记录 {records} 条 / recorded {records} roadside records")
    path = credentials_file or os.path.join(current_app.instance_path, "demo-credentials.json")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
        json.dump(
            {"page_passwords": passwords, "api_tokens": tokens, "gate_secrets": secrets, "roadside_secrets": roadside},
            out,
            ensure_ascii=False,
            indent=2,
        )
    click.echo(f"已创建演示数据 / demo district seeded: {len(secrets)} gates, {len(tokens)} users")
    click.echo(f"演示令牌与门禁密钥 / demo tokens and gate secrets: {path}")
