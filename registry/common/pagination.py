"""Page arguments and the `{items, total, page, per_page}` envelope every list answers with."""

import marshmallow as ma
from flask import current_app
from sqlalchemy import Select, func, select

from registry.common.schemas import at_least
from registry.extensions import db


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=at_least(1, 1_000_000))
    per_page = ma.fields.Integer(load_default=50, validate=at_least(1, 500))


def page_envelope(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A schema for one page of `item_schema` objects."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "total": ma.fields.Integer(),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
        },
        name=name,
    )


def paginate(query: Select, page: int, per_page: int) -> dict:
    """Run `query` for one page and count all rows it matches."""
    per_page = min(per_page, current_app.config["API_PER_PAGE_MAX"])
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}
