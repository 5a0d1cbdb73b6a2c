"""/healthz: the process answers. /readyz: the database answers and its schema is at head."""

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import text

from registry.extensions import db

bp = Blueprint("health", __name__)


def schema_heads() -> tuple[set[str], set[str]]:
    """(revisions the database is at, head revisions of migrations/)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    return current, heads


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
        current, heads = schema_heads()
    except Exception as exc:  # any failure to reach the database means "not ready"
        db.session.rollback()
        current_app.logger.warning("readiness check failed: %s", exc)
        return {"status": "unavailable", "database": "unreachable"}, 503
    finally:
        db.session.rollback()
    if current != heads:
        return {
            "status": "unavailable",
            "database": "ok",
            "migrations": {"current": sorted(current), "head": sorted(heads)},
        }, 503
    return {"status": "ok", "database": "ok", "migrations": {"current": sorted(current)}}
