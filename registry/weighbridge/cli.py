"""flask weighbridge match: tickets whose pass arrived after them (a camera's backlog) find it."""

import click
from flask.cli import AppGroup

from registry.extensions import db
from registry.weighbridge.services import rematch

weighbridge_cli = AppGroup("weighbridge", help="地磅磅单 / Weighbridge tickets.")


@weighbridge_cli.command("match")
@click.option("--firm", "firm_id", type=int, default=None, help="只处理该企业 / one firm only")
def match_command(firm_id):
    """Match again the tickets still without a pass (run after a gate's backlog, or hourly)."""
    matched = rematch(firm_id)
    db.session.commit()
    click.echo(f"已匹配 / matched: {matched}")
