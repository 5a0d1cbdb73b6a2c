"""The chain's arithmetic, pure: what a ledger row is for sealing, a set of rows' digest, a link's digest,
and what differs between two states of a table, cell by cell.

A row is every column of the ledger's tables as exported, in a form that does not depend on the reader's
language: codes where the export shows a word (进厂 → in, 禁止通行 → deny), dates as yyyymmdd, tonnes to
one decimal, a link as whether it is there. Table 3's rows are keyed by the pass (its number, the id in
车辆照片's link); tables 4 and 5 by their row's place in the table. A row's text is the JSON array of its
key and cells, and a set of rows' digest is the SHA-256 of their texts, one a line, in (time, key) order.
A link's digest covers the previous link's digest and everything the link states, so no link can change
without every later one changing too. Each link also keeps its rows themselves (compressed), so that a
check names every cell that differs from what was sealed."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from registry.common.time import LOCAL_TZ

GENESIS = "0" * 64  # the previous digest of a firm's first link

# Table 3's sealed columns, in the export's order (序号 is a row's place in one export, not the pass's).
TABLE3 = ("进出厂时间", "进出厂方向", "车牌号码", "注册登记日期", "车辆识别代号（VIN）", "发动机号码", "排放阶段",
          "随车清单/行驶证", "货物名称", "运输量（吨）", "车队名称", "门禁", "判定结果", "时间来源")  # fmt: skip
TABLE4 = ("环保登记编码/内部号牌", "注册登记日期", "车辆识别代号（VIN）", "发动机号码", "排放阶段", "燃料类型",
          "使用状态")  # fmt: skip
TABLE5 = ("环保登记编码", "生产日期", "排放阶段", "机械环保代码/出厂编号", "发动机铭牌", "机械类型", "登记状态")
TABLES = {"3": TABLE3, "4": TABLE4, "5": TABLE5}
KIND_TABLE = {"day": "3", "amendment": "3", "table4": "4", "table5": "5"}
FORMAT = 2  # 1: the first chain, five columns of table 3 (pass, time, direction, plate, gate code)


@dataclass(frozen=True, order=True)
class Row:
    """One row of a table as sealed: `key` the pass id (table 3) or the row's place (tables 4, 5)."""

    order: str  # table 3: the local time yyyymmddHHMMSS; tables 4 and 5: ""
    key: int
    cells: tuple[str, ...]

    def text(self) -> str:
        return json.dumps([self.key, *self.cells], ensure_ascii=False, separators=(",", ":"))


def local_stamp(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y%m%d%H%M%S")


def day_text(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def tonnes_text(value) -> str:
    return f"{float(value):.1f}" if value is not None and value != "" else ""


def table3_row(number: int, at: datetime, cells: dict[str, str]) -> Row:
    stamp = local_stamp(at)
    return Row(stamp, number, (stamp, *(cells.get(column, "") for column in TABLE3[1:])))


def legacy_text(row: Row) -> str:
    """A table-3 row as the first chain (format 1) hashed it: pass, time, direction, plate, gate code."""
    code = row.cells[11].rsplit("（", 1)[-1].rstrip("）")
    return "|".join((str(row.key), row.order, row.cells[1], row.cells[2], code))


def legacy_digest(rows) -> tuple[int, str]:
    ordered = sorted(rows)
    digest = hashlib.sha256()
    for row in ordered:
        digest.update(legacy_text(row).encode() + b"\n")
    return len(ordered), digest.hexdigest()


def moment_text(moment: datetime) -> str:
    """A moment as the chain writes it: UTC, to the microsecond (the same after any database's round trip)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rows_digest(rows) -> tuple[int, str]:
    """How many rows and their digest, in (time, key) order whatever order they come in."""
    ordered = sorted(rows)
    digest = hashlib.sha256()
    for row in ordered:
        digest.update(row.text().encode() + b"\n")
    return len(ordered), digest.hexdigest()


def pack(rows) -> bytes:
    """A link's rows as kept beside it: their texts, compressed."""
    return zlib.compress("\n".join(row.text() for row in sorted(rows)).encode(), 6)


def unpack(data: bytes | None, table: str) -> list[Row]:
    if not data:
        return []
    rows = []
    for line in zlib.decompress(data).decode().splitlines():
        key, *cells = json.loads(line)
        rows.append(Row(cells[0] if table == "3" else "", key, tuple(cells)))
    return rows


@dataclass(frozen=True)
class Change:
    """One difference between the sealed state and another (the database now, or a file)."""

    kind: str  # changed, deleted, inserted
    key: int
    column: str = ""
    sealed: str = ""
    found: str = ""


def differences(sealed: dict[int, Row], found: dict[int, Row], table: str) -> list[Change]:
    """Every cell that differs, every row gone and every row added, in key order."""
    columns = TABLES[table]
    changes = []
    for key in sorted(sealed.keys() | found.keys()):
        was, now = sealed.get(key), found.get(key)
        if now is None:
            changes.append(Change("deleted", key))
        elif was is None:
            changes.append(Change("inserted", key))
        else:
            for column, before, after in zip(columns, was.cells, now.cells, strict=True):
                if before != after:
                    changes.append(Change("changed", key, column, before, after))
    return changes


@dataclass(frozen=True)
class Link:
    """One link of a firm's chain. Kinds: `day` (a local day's table-3 rows received up to a moment),
    `amendment` (the rows of a sealed day that arrived or changed since its last link, as they are now),
    `table4` and `table5` (the whole of table 4 or 5 whenever it differs from its last link; `day` is the
    day it was sealed). `day_count`/`day_digest` state the whole day (table: the whole table) after it."""

    firm_id: int
    day: date
    kind: str
    received_after: datetime | None
    received_until: datetime
    row_count: int
    rows_digest: str
    day_count: int
    day_digest: str
    previous_digest: str
    format: int = FORMAT

    def digest(self) -> str:
        after = moment_text(self.received_after) if self.received_after else ""
        parts = (
            self.previous_digest,
            str(self.firm_id),
            self.day.isoformat(),
            self.kind,
            after,
            moment_text(self.received_until),
            str(self.row_count),
            self.rows_digest,
            str(self.day_count),
            self.day_digest,
        ) + ((str(self.format),) if self.format != 1 else ())  # the first chain's digests stay as they were
        return hashlib.sha256("|".join(parts).encode()).hexdigest()
