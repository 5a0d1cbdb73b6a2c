"""flask demo seed"""

import json
import os

import click
from flask import current_app
from flask.cli import AppGroup

from registry.demo.seed import already_seeded, seed_demo
from registry.extensions import db

demo_cli = AppGroup("demo", help="演示数据 / Demo data.")


@demo_cli.command("seed")
@click.option(
    "--credentials",
    "credentials_file",
    default=None,
    help="保存演示令牌与门禁密钥的文件 / where to save demo tokens and gate secrets"
    " (default instance/demo-credentials.json)",
)
def seed_command(credentials_file):
    """Seed the demo district once; a second run changes nothing."""
    if already_seeded():
        click.echo("演示数据已存在，未作改动 / demo data already present: nothing changed")
        return
    secrets, tokens, passwords = seed_demo()
    db.session.commit()
    path = credentials_file or os.path.join(current_app.instance_path, "demo-credentials.json")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
        json.dump(
            {"page_passwords": passwords, "api_tokens": tokens, "gate_secrets": secrets},
            out,
            ensure_ascii=False,
            indent=2,
        )
    click.echo(f"已创建演示数据 / demo district seeded: {len(secrets)} gates, {len(tokens)} users")
    click.echo(f"演示令牌与门禁密钥 / demo tokens and gate secrets: {path}")
