"""flask uplink ...: the relay, the targets and the outbox's pruning (registry.uplink)."""

import signal
import threading
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from registry.common.errors import DomainError
from registry.common.time import utcnow
from registry.extensions import db
from registry.uplink import services
from registry.uplink.outbox import prune
from registry.uplink.relay import relay_round, run_relay

uplink_cli = AppGroup("uplink", help="数据上报 / Reporting upward to higher platforms.")


@uplink_cli.command("relay")
@click.option("--once", is_flag=True, help="发送一轮后退出 / one round, then exit")
def relay_command(once):
    """Send the outbox to every enabled target until stopped (SIGTERM or Ctrl-C)."""
    if once:
        relay_round()
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"上报中继已启动 / uplink relay running as {current_app.config['UPLINK_SOURCE']}")
    run_relay(stop, current_app.config["UPLINK_POLL_SECONDS"])


@uplink_cli.command("add-target")
@click.argument("name")
@click.argument("url")
@click.option("--token", prompt="目标平台令牌 / the target's token", hide_input=True)
@click.option(
    "--ca-file", default=None, help="私有 CA 证书：UPLINK_CA_DIR 中的文件名 / a CA certificate's name in UPLINK_CA_DIR"
)
@click.option("--batch-size", default=200, type=click.IntRange(1, 5000))
def add_target_command(name, url, token, ca_file, batch_size):
    """Add a higher platform to report to (JSON over HTTPS)."""
    try:
        target = services.add_target(
            None, {"name": name, "url": url, "token": token, "ca_file": ca_file, "batch_size": batch_size}
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"已添加上报目标 / added uplink target {target.name} ({target.id})")


@uplink_cli.command("status")
def status_command():
    """Each target's backlog, last success and last error."""
    for row in services.targets_status():
        target = row["target"]
        click.echo(
            f"{target.name}\t{'启用' if target.enabled else '停用'}\t待发送 backlog {row['backlog']}\t"
            f"已发送 delivered {target.delivered}\t最近成功 {target.last_success_at or '-'}\t"
            f"最近错误 {target.last_error or '-'}"
        )


@uplink_cli.command("prune")
def prune_command():
    """Delete the outbox records every enabled target has taken (run daily)."""
    removed = prune(utcnow() - timedelta(days=current_app.config["UPLINK_KEEP_DAYS"]))
    db.session.commit()
    click.echo(f"已清理 / pruned {removed} outbox records")
