"""flask obd days"""

import click
from flask import current_app
from flask.cli import AppGroup

from registry.common.time import today_local
from registry.extensions import db
from registry.obd.days import around, retire

obd_cli = AppGroup("obd", help="远程排放监控 / Trucks' remote emission monitoring.")


@obd_cli.command("days")
@click.option("--ahead", default=7, show_default=True, help="提前建立几天的分区 / days made ahead")
def days_command(ahead):
    """Make the frames' day partitions around today and drop the days older than OBD_RAW_DAYS (run daily)."""
    today = today_local()
    made = around(today, ahead=ahead)
    gone = retire(today, current_app.config["OBD_RAW_DAYS"])
    db.session.commit()
    click.echo(f"原始帧分区 / frame days: {len(made.created)} 新建 / made, {len(made.skipped)} 跳过 / skipped, "
               f"{len(gone.dropped)} 删除 / dropped, {gone.deleted} 行删除 / rows deleted")  # fmt: skip
    for day, reason in made.skipped:
        click.echo(f"  {day}: {reason}")
