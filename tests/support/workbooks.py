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
