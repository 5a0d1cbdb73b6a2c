"""Page arguments and the envelope every list answers with: `{items, total, total_exact, page,
per_page, next_cursor}`.

A list is read by keyset (sqlakeyset): `next_cursor` names the last row's place in the list's order,
and `?cursor=` reads the rows after it through the index that order matches, as fast at the millionth
page as at the first. `?page=N` still works (by OFFSET over ids only, then the page's rows), for
clients that jump; it slows with depth where a cursor does not.

A cursor is signed (SECRET_KEY) for the list and sort that gave it: any other string, or a cursor of
another list, is refused with 422 before it reaches the database.

`total` is exact up to COUNT_CAP rows and counts no further: past it, `total` is the cap and
`total_exact` false ("more than"). An exact count of millions of rows costs seconds for a number
nobody reads to the unit.
"""

import marshmallow as ma
from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlakeyset import InvalidPage, select_page, unserialize_bookmark
from sqlakeyset.serial import BadBookmark
from sqlalchemy import Select, func, select

from registry.common.errors import DomainError
from registry.common.i18n import t
from registry.common.schemas import Text, at_least
from registry.extensions import db

# What a list shows when its filters could not be read: nothing, rather than everything unfiltered.
EMPTY_PAGE = {"items": [], "total": 0, "total_exact": True, "page": 1, "per_page": 0, "next_cursor": None}


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=at_least(1, 1_000_000))
    per_page = ma.fields.Integer(load_default=50, validate=at_least(1, 500))
    cursor = Text(
        validate=ma.validate.Length(max=1000),
        metadata={"description": "next_cursor of the previous answer: the rows after it (page is then ignored)"},
    )


def page_envelope(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A schema for one page of `item_schema` objects."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "total": ma.fields.Integer(metadata={"description": "rows found, counted up to COUNT_CAP"}),
            "total_exact": ma.fields.Boolean(metadata={"description": "false: there are more than `total`"}),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
            "next_cursor": ma.fields.String(
                allow_none=True, metadata={"description": "pass as ?cursor= for the next page; null on the last"}
            ),
        },
        name=name,
    )


def paginate(query: Select, page: int, per_page: int, cursor: str | None = None, fill=None) -> dict:
    """One page of `query` (ordered, ending with a unique column) and its capped count; `fill`, given
    the page's rows, loads what they show in a few statements for the whole page."""
    per_page = min(per_page, current_app.config["API_PER_PAGE_MAX"])
    total, exact = capped_count(query)
    if cursor or page == 1:
        items, next_cursor = _by_keyset(query, per_page, cursor)
    else:
        items, next_cursor = _by_offset(query, (page - 1) * per_page, per_page), None
    if fill is not None and items:
        fill(items)
    return {
        "items": items,
        "total": total,
        "total_exact": exact,
        "page": page,
        "per_page": per_page,
        "next_cursor": next_cursor,
    }


def page_of(query: Select, args: dict, fill=None) -> dict:
    """The page PageArgsSchema's arguments ask for."""
    return paginate(query, args["page"], args["per_page"], args.get("cursor"), fill)


def capped_count(query: Select) -> tuple[int, bool]:
    """The rows `query` finds, counted up to COUNT_CAP; and whether that is all of them."""
    cap = current_app.config["COUNT_CAP"]
    keys = query.with_only_columns(*_primary_key(query), maintain_column_froms=True).order_by(None).limit(cap + 1)
    found = db.session.scalar(select(func.count()).select_from(keys.subquery()))
    return min(found, cap), found <= cap


def _signer() -> URLSafeSerializer:
    """Signs a bookmark for this list (the path) in this order (the sort argument)."""
    salt = f"cursor {request.path} {request.args.get('sort', '')}"
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _by_keyset(query: Select, per_page: int, cursor: str | None) -> tuple[list, str | None]:
    """The page after the cursor: its keys first, from the list's index alone (a filter the index carries
    is tested there, not on every row's table page), then its rows."""
    try:
        place = unserialize_bookmark(_signer().loads(cursor)) if cursor else None
        keys = select_page(db.session, _keys_of(query), per_page=per_page, page=place)
    except (BadSignature, BadBookmark, InvalidPage, ValueError, TypeError) as exc:
        message = t("翻页标记无效，请从第一页重新查询", "invalid cursor: start again from the first page")
        raise DomainError(message, "cursor") from exc
    next_cursor = _signer().dumps(keys.paging.bookmark_next) if keys.paging.has_next else None
    return _rows_of(query, [tuple(row)[:2] for row in keys]), next_cursor


def _by_offset(query: Select, offset: int, per_page: int) -> list:
    """A page at an offset: the offset is walked over the keys alone (an index, no joins), and only the
    page's rows are loaded with what they show."""
    keys = db.session.execute(_keys_of(query).limit(per_page).offset(offset)).all()
    return _rows_of(query, [tuple(row)[:2] for row in keys])


def _keys_of(query: Select) -> Select:
    """The query's key and, for a table partitioned by time (`__partition_time__`), that time: what an
    index of the list holds."""
    return query.with_only_columns(*_key_columns(query), maintain_column_froms=True)


def _key_columns(query: Select) -> list:
    entity = query.column_descriptions[0]["entity"]
    moment = getattr(entity, "__partition_time__", None)
    return [_primary_key(query)[0], *([getattr(entity, moment)] if moment else [])]


def _rows_of(query: Select, keys: list[tuple]) -> list:
    """The rows of these keys (key, time), in their order, read with what the query loads alongside; on
    a partitioned table, from the months between the first and last time only."""
    if not keys:
        return []
    columns = _key_columns(query)
    rows = query.where(columns[0].in_([key[0] for key in keys])).order_by(None)
    if len(columns) > 1:
        times = [key[1] for key in keys]
        rows = rows.where(columns[1].between(min(times), max(times)))
    found = {getattr(row, columns[0].key): row for row in db.session.scalars(rows).unique()}
    return [found[key[0]] for key in keys if key[0] in found]


def _primary_key(query: Select) -> list:
    entity = query.column_descriptions[0]["entity"]
    return list(entity.__mapper__.primary_key)
