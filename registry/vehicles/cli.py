"""flask vehicles import FILE.csv"""

import csv
import io
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from registry.common.exports import inert
from registry.common.text import decode_spreadsheet_text
from registry.extensions import db
from registry.vehicles.importing import describe, header_problem, import_vehicles

vehicles_cli = AppGroup("vehicles", help="车辆 / Vehicles.")


def read_text(path: Path) -> str:
    """UTF-8 (with or without BOM), else GB 18030, as Chinese spreadsheets often save."""
    text = decode_spreadsheet_text(path.read_bytes())
    if text is not None:
        return text
    raise click.ClickException(f"无法识别文件编码（应为 UTF-8 或 GBK）/ {path}: not UTF-8 or GBK text")


@vehicles_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="导入有效行，跳过出错行 / store valid rows, skip bad ones")
@click.option("--update-existing", is_flag=True, help="已登记号牌则更新 / update vehicles already registered")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="将出错行写入 CSV 文件 / write failed rows to this CSV file",
)
def import_command(path, partial, update_existing, errors_path):
    """Import vehicles from a CSV file whose header uses the API field names."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    problem = header_problem(reader.fieldnames or [])
    if problem:
        raise click.ClickException(problem)
    rows = list(enumerate(reader, start=2))
    with click.progressbar(length=len(rows), label="导入 / importing", file=sys.stderr) as bar:
        report = import_vehicles(None, rows, partial, update_existing, progress=bar.update)
    for line, problems in report.errors:
        click.echo(f"第 {line} 行 / line {line}: {describe(problems)}", err=True)
    if errors_path and report.errors:
        with errors_path.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "error"])
            writer.writerows((line, inert(describe(problems))) for line, problems in report.errors)
    if report.errors and not partial:
        db.session.rollback()
        raise click.ClickException(
            f"{len(report.errors)} 行有误，未导入任何数据 / {len(report.errors)} bad row(s): nothing was"
            " imported (use --partial to store the valid rows)"
        )
    db.session.commit()
    click.echo(
        f"新增 {report.created}，更新 {report.updated}，失败 {len(report.errors)}"
        f" / created {report.created}, updated {report.updated}, failed {len(report.errors)}"
    )
    if report.errors:
        raise SystemExit(1)  # partial: stored what was valid, and says so above
