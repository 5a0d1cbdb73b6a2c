"""Column helpers shared by the feature models."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, Enum, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from registry.common.time import utcnow

# The ids (and references to them) of the tables that grow with passes: 64-bit on PostgreSQL (a
# city's reads exhaust 32 bits within about four years); SQLite's INTEGER PRIMARY KEY is 64-bit
# already, and only that spelling makes it the row id.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def enum_type(enum_cls: type[StrEnum], name: str) -> Enum:
    """A portable enum stored as its string value and checked by a named CHECK constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


class UTCDateTime(TypeDecorator):
    """An aware datetime stored in UTC on every engine (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def index_by_time(table: str, name: str, *lead: str, key: str = "id", **where) -> Index:
    """An index that leads with a list's filter and ends with the time and key it is sorted by, so that
    a page of a filtered list is one walk of one index (`captured_at` is the pass's time)."""
    return Index(f"ix_{table}_{name}", *lead, "captured_at", key, **where)
