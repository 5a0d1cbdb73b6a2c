"""flask reports add-source: allow a lower platform to report here (registry.reports)."""

import click
from flask.cli import AppGroup

from registry.common.errors import DomainError
from registry.extensions import db
from registry.reports.services import add_source

reports_cli = AppGroup("reports", help="下级平台上报 / Reports from lower platforms.")


@reports_cli.command("add-source")
@click.argument("code")
@click.argument("name")
def add_source_command(code, name):
    """Allow a lower platform (its UPLINK_SOURCE is CODE) to report here; the last line is its token."""
    try:
        source, token = add_source(None, code, name)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"已登记下级平台 {source.code} / registered lower platform {source.code}")
    click.echo("令牌仅显示一次 / the token below is shown only once:")
    click.echo(token)
