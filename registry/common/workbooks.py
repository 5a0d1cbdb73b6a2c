"""Reading workbooks a person uploads (XLSX: a zip of XML), bounded before anything is parsed.

An XLSX of 311 KB can inflate to 300 MB (a "zip bomb"): openpyxl reads whatever the archive holds, and a
worker kept 570 MB after one. The archive's directory says how large each member is once inflated, and
Python's zip reader never inflates a member past what its directory says; so the sizes are checked first:
at most MAX_UNCOMPRESSED_BYTES inflated in all, and no member inflating more than MAX_RATIO times. Rows
are then read one at a time in openpyxl's read-only mode, up to the caller's limit, and the archive closed.
Pure of Flask: the caller turns WorkbookRefused into its own error."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from itertools import islice

from openpyxl import load_workbook

MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024  # a weighbridge's month of tickets is a few MB
MAX_RATIO = 200  # XML of spreadsheet rows inflates 5-30 times; 1000 is a bomb


class WorkbookRefused(ValueError):
    """Not a workbook this platform reads, or one that inflates beyond the limits (zh, en)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def is_workbook(data: bytes) -> bool:
    return data[:2] == b"PK"


def check_archive(data: bytes, most: int = MAX_UNCOMPRESSED_BYTES, ratio: int = MAX_RATIO) -> None:
    """WorkbookRefused unless the archive's members inflate within the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookRefused("无法读取该 XLSX 文件", "cannot read this XLSX file") from None
    total = sum(member.file_size for member in members)
    if total > most:
        raise WorkbookRefused(
            f"XLSX 解压后 {total // 2**20} MB，超过 {most // 2**20} MB 上限",
            f"the XLSX inflates to {total // 2**20} MB, over the {most // 2**20} MB limit",
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > ratio * max(member.compress_size, 1):
            raise WorkbookRefused(
                "XLSX 压缩比异常，疑似压缩炸弹，已拒绝", "the XLSX inflates far beyond any spreadsheet: refused"
            )


def workbook_rows(data: bytes, sheet: int | None = None, limit: int | None = None) -> Iterator[tuple]:
    """The rows (values) of a sheet (the active one by default), read one at a time after the archive's
    limits are checked; at most `limit` rows. The archive is closed when the rows are done."""
    check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise WorkbookRefused("无法读取该 XLSX 文件", "cannot read this XLSX file") from None
    try:
        chosen = book.active if sheet is None else book.worksheets[sheet]
        yield from islice(chosen.iter_rows(values_only=True), limit)
    finally:
        book.close()


def open_workbook(data: bytes):
    """A read-only workbook after the archive's limits are checked (the caller closes it)."""
    check_archive(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise WorkbookRefused("无法读取该 XLSX 文件", "cannot read this XLSX file") from None
