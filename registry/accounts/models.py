"""Users with one role each, and bearer API tokens stored only as hashes."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.common.models import Timestamps, UTCDateTime, enum_type
from registry.common.time import utcnow
from registry.extensions import db


class Role(StrEnum):
    ADMIN = "admin"  # 系统管理员
    BUREAU = "bureau"  # 生态环境局
    POLICE = "police"  # 公安交警
    FIRM = "firm"  # 企业
    CONSTRUCTION = "construction"  # 施工单位


class User(UserMixin, Timestamps, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("firms.id"), index=True)
    construction_unit_id: Mapped[int | None] = mapped_column(ForeignKey("construction_units.id"), index=True)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated user cannot log in
        return self.active


class LoginFailure(db.Model):
    """A failed page login, kept as long as the longest rate window (accounts/login_limits.py)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_address_at", "address", "at"),)  # every count is per address

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(45))  # IPv4 or IPv6
    username: Mapped[str] = mapped_column(String(64))  # as tried, lower case
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PageSession(db.Model):
    """A signed-in browser (registry.accounts.sessions): the cookie holds a random token, the database its
    hash. Logging out deletes the row, so a copy of the cookie kept after logout opens nothing; a
    session lasts a working day at most (PAGE_SESSION_HOURS)."""

    __tablename__ = "page_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="cli")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")
