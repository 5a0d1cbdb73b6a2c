"""flask partitions ensure | list"""

import click
from flask import current_app
from flask.cli import AppGroup

from registry.common.time import today_local
from registry.extensions import db
from registry.partitions.services import analyze_parents, ensure_around, is_partitioned, months

partitions_cli = AppGroup("partitions", help="按月分区 / Monthly partitions of the passes (PostgreSQL).")


@partitions_cli.command("ensure")
@click.option("--ahead", type=click.IntRange(1, 24), help="提前建立的月数 / months ahead (PARTITION_MONTHS_AHEAD)")
@click.option("--behind", type=click.IntRange(0, 36), help="向前补建的月数 / months behind (PARTITION_MONTHS_BEHIND)")
@click.option(
    "--analyze/--no-analyze", default=True, help="同时分析分区表 / also ANALYZE the partitioned tables (default)"
)
def ensure_command(ahead, behind, analyze):
    """Make the partitions of the months around today that lack them, and ANALYZE the partitioned tables
    (run daily: autovacuum never analyzes a partitioned table; the gateway makes months at start too)."""
    if not is_partitioned():
        click.echo("此数据库不分区（SQLite）/ this database keeps plain tables: nothing to do")
        return
    config = current_app.config
    result = ensure_around(
        today_local(), behind if behind is not None else config["PARTITION_MONTHS_BEHIND"],
        ahead or config["PARTITION_MONTHS_AHEAD"],
    )  # fmt: skip
    db.session.commit()
    if analyze:
        analyze_parents()
        db.session.commit()
        click.echo("已更新统计信息 / the partitioned tables analysed")
    for month in result.created:
        click.echo(f"已建立 / created {month:%Y-%m}")
    for month, reason in result.skipped:
        click.echo(f"未建立 / not created {month:%Y-%m}: {reason}")
    click.echo(f"分区月份 / months partitioned: {', '.join(f'{m:%Y-%m}' for m in months())}")


@partitions_cli.command("list")
def list_command():
    """The months that have partitions."""
    if not is_partitioned():
        click.echo("此数据库不分区（SQLite）/ this database keeps plain tables")
        return
    for month in months():
        click.echo(f"{month:%Y-%m}")
