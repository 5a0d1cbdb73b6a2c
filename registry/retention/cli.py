"""flask retention run"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from registry.retention.services import MIN_LEDGER_MONTHS, run_retention

retention_cli = AppGroup("retention", help="数据保存期限 / Retention of pictures and ledger rows.")


@retention_cli.command("run")
@click.option(
    "--image-months", type=click.IntRange(1), default=None, help="过车图片保存月数 / keep pass pictures (default 12)"
)
@click.option(
    "--ledger-months",
    type=click.IntRange(MIN_LEDGER_MONTHS),
    default=None,
    help=f"台账保存月数，不少于 {MIN_LEDGER_MONTHS} / keep ledger rows, at least {MIN_LEDGER_MONTHS} (default 24)",
)
@click.option("--dry-run", is_flag=True, help="只统计不删除 / report what would be removed, remove nothing")
def run_command(image_months, ledger_months, dry_run):
    """Remove old pass pictures and ledger rows; a confirmed violation's evidence is never touched."""
    config = current_app.config
    report = run_retention(
        image_months or config["IMAGE_RETENTION_MONTHS"],
        ledger_months or config["LEDGER_RETENTION_MONTHS"],
        Path(config["IMAGE_DIR"]),
        dry_run=dry_run,
    )
    verb = "将删除 / would remove" if dry_run else "已删除 / removed"
    click.echo(f"{verb}:")
    click.echo(f"  过车图片 / pass pictures captured before {report.images_cutoff}: {report.images_purged}")
    click.echo(f"  图片文件 / picture files: {report.files_deleted} ({report.bytes_freed / 1048576:.1f} MiB)")
    click.echo(f"  台账记录 / ledger rows (passes) captured before {report.ledger_cutoff}: {report.passes_deleted}")
    if report.months_retired:
        months = ", ".join(f"{m:%Y-%m}" for m in report.months_retired)
        click.echo(f"  按月整体删除 / whole months dropped (partitions): {months}")
    click.echo(f"保留（已确认违规的证据）/ kept as evidence of confirmed violations: {report.kept_as_evidence} passes")
    if report.missing_files:
        click.echo(f"文件已不存在 / files already missing: {len(report.missing_files)}")
