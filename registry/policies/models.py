"""One row per version of one rule's parameters; a revision adds a row and retires the old one."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.audit.models import JSONDocument
from registry.common.models import Timestamps, UTCDateTime
from registry.extensions import db


class Policy(Timestamps, db.Model):
    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(32), index=True)
    params: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    clause: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"))
    # Set when a revision replaced this row: it stays, unchanged, for the verdicts that used it.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PolicySet(db.Model):
    """The policies one verdict was judged under, stored once for every verdict judged under the same
    ones (a district has a handful of such sets at any time; a pass names its set, not the list)."""

    __tablename__ = "policy_sets"

    # Derived from the policies it holds (registry.policies.sets.set_id_of), so that a writer names a
    # set without asking the database which id it has.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    policy_ids: Mapped[list] = mapped_column(JSONDocument)
