"""flask statistics rebuild | check | delivery | clean-transport"""

from datetime import timedelta

import click
from flask.cli import AppGroup

from registry.common.time import today_local
from registry.dashboard.clean_share import count_closed_months, months_back
from registry.extensions import db
from registry.gates.delivery import count_closed_days
from registry.statistics.services import differences, rebuild

statistics_cli = AppGroup("statistics", help="按日统计 / Daily counts of passes and violations.")
DAY = click.DateTime(formats=["%Y-%m-%d"])


@statistics_cli.command("rebuild")
@click.option("--from", "first", type=DAY, help="首日（本地日期）/ first local day (default: all)")
@click.option("--to", "last", type=DAY, help="末日（本地日期）/ last local day (default: all)")
def rebuild_command(first, last):
    """Count the days again from the passes (after a bulk import that went around ingest)."""
    passes, violations = rebuild(first and first.date(), last and last.date())
    db.session.commit()
    click.echo(f"已重新统计 / counted again: {passes} 行过车统计 / pass rows, {violations} 行违规统计 / violation rows")


@statistics_cli.command("check")
@click.option("--from", "first", type=DAY, help="首日（本地日期）/ first local day (default: all)")
@click.option("--to", "last", type=DAY, help="末日（本地日期）/ last local day (default: all)")
def check_command(first, last):
    """Compare the stored counts with a count of the passes; exit 1 when they differ."""
    found = differences(first and first.date(), last and last.date())
    for line in found[:50]:
        click.echo(line)
    if found:
        raise SystemExit(f"统计不一致 / the counts differ on {len(found)} keys")
    click.echo("统计一致 / the counts agree")


@statistics_cli.command("delivery")
@click.option("--days", default=7, show_default=True, help="最近几个已结束的日子 / the last N closed days")
@click.option("--from", "first", type=DAY, help="首日（本地日期）/ first local day (instead of --days)")
@click.option("--to", "last", type=DAY, help="末日（本地日期）/ last local day (default: yesterday)")
def delivery_command(days, first, last):
    """Count each gate's delivery on closed days and keep it (run daily: the last week is counted again,
    for the backlogs that arrived since)."""
    yesterday = today_local() - timedelta(days=1)
    last_day = last.date() if last else yesterday
    first_day = first.date() if first else last_day - timedelta(days=days - 1)
    kept = count_closed_days(first_day, last_day)
    db.session.commit()
    click.echo(f"已统计数据上传率 / delivery counted: {first_day} – {min(last_day, yesterday)}, {kept} 行 / rows")


@statistics_cli.command("clean-transport")
@click.option("--months", default=2, show_default=True, help="最近几个已结束的月份 / the last N closed months")
def clean_transport_command(months):
    """Count each firm's clean transport in closed months and keep it (run daily: the last closed months
    are counted again, for the weighbridge tickets matched since)."""
    closed = months_back(today_local(), months + 1)[1:]
    kept = count_closed_months(closed)
    db.session.commit()
    shown = ", ".join(m.strftime("%Y-%m") for m in sorted(closed))
    click.echo(f"已统计清洁运输比例 / clean transport counted: {shown}, {kept} 行 / rows")
