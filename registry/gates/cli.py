"""flask gates ...: gates from the command line."""

import click
from flask.cli import AppGroup

from registry.common.errors import DomainError
from registry.extensions import db
from registry.firms.services import get_firm
from registry.gates.services import create_gate

gates_cli = AppGroup("gates", help="门禁 / Gates.")


@gates_cli.command("create")
@click.option("--firm", "firm_id", required=True, type=int, help="企业编号 / firm id")
@click.option("--code", default=None, help="门禁编码（默认自动生成）/ gate code (generated if omitted)")
@click.argument("name")
def create_command(firm_id, code, name):
    """Add a gate to a firm; the last line printed is its secret (shown only once)."""
    try:
        gate, secret = create_gate(None, get_firm(firm_id), name, code)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"已创建门禁 {gate.code}（{gate.name}）/ created gate {gate.code}")
    click.echo("门禁密钥仅显示一次 / the gate secret below is shown only once:")
    click.echo(secret)
