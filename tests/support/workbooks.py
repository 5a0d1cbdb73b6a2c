"""Reading the registry's exported workbooks in tests: a sheet's table starts below the lines that say
what it is (title, firm, period, export time)."""


def header_row(sheet) -> int:
    """The row number of the sheet's header: the first row with two or more cells filled."""
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        if sum(1 for value in cells if value not in (None, "")) >= 2:
            return number
    raise AssertionError(f"no header row in sheet {sheet.title}")


def table(sheet) -> list[tuple]:
    """The sheet's table: its header row, then its rows (the lines above it left out)."""
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, cells in enumerate(rows) if sum(1 for v in cells if v not in (None, "")) >= 2)
    return rows[top:]


def csv_table(data: bytes | str) -> list[list[str]]:
    """An exported CSV's header and rows, after checking it is whole: its last line says it is complete
    and counts exactly the rows above it."""
    import csv
    import io
    import re

    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    said = re.fullmatch(r"# (?:导出完整，共 (\d+) 行|export complete: (\d+) rows)", rows[-1][0] if rows else "")
    assert said and len(rows[-1]) == 1, f"the export does not end with its completion line: {rows[-1:]}"
    assert int(said.group(1) or said.group(2)) == len(rows) - 2, "the completion line counts other rows"
    return rows[:-1]
