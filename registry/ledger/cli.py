"""flask ledger seal | verify: the gate ledger's chain of daily digests (registry.ledger)."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from registry.common.workbooks import WorkbookRefused
from registry.extensions import db
from registry.gates.models import Gate
from registry.labels.table import words
from registry.ledger.files import verify_workbook
from registry.ledger.sealing import Report, seal_all, verify_firm

ledger_cli = AppGroup("ledger", help="门禁电子台账 / The gate ledger's integrity.")


@ledger_cli.command("seal")
def seal_command():
    """Seal every firm's finished days (run daily, after midnight)."""
    added = seal_all()
    db.session.commit()
    click.echo(f"已封存 / sealed: {sum(added.values())} links for {sum(1 for n in added.values() if n)} firms")


def _say(report: Report) -> bool:
    for problem in report.problems:
        click.echo(f"  {problem.day} {words('ledger_problem', problem.kind)} / {problem.kind}: {problem.detail}")
    verdict = "完好 / intact" if report.intact else "发现篡改 / TAMPERED"
    amended = f"，其中补录 {report.amendments} / {report.amendments} amendments" if report.amendments else ""
    click.echo(f"企业 / firm {report.firm_id}: {report.links} links{amended}, {verdict}")
    return report.intact


@ledger_cli.command("verify")
@click.option("--firm", "firm_id", type=int, default=None, help="只核验该企业 / one firm only")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="核验导出的台账 XLSX / check an exported ledger workbook (needs --firm)")  # fmt: skip
def verify_command(firm_id, path):
    """Check the chain against the database (or an exported workbook); exit 1 when anything was tampered with."""
    if path is not None:
        if firm_id is None:
            raise click.UsageError("--file needs --firm")
        try:
            intact = _say(verify_workbook(path.read_bytes(), firm_id))
        except WorkbookRefused as exc:
            raise click.ClickException(str(exc)) from None
    else:
        firms = [firm_id] if firm_id else db.session.scalars(select(Gate.firm_id).distinct()).all()
        intact = all([_say(verify_firm(firm)) for firm in firms])
    if not intact:
        raise SystemExit(1)
