"""Alembic environment: the registry's engine and metadata, from the Flask app in context."""

import logging
import re
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


# What monthly partitioning (migration 0015, PostgreSQL only) makes differ from the models, which
# describe the tables as SQLite keeps them: the months' partitions are tables of their own; a child's
# reference to its pass is made month by month, not on the partitioned table; unique keys carry the
# month. registry.partitions documents the layout and tests/test_partitions.py checks it.
PARTITIONED = {"plate_events", "verdicts", "plate_reads", "pass_images", "violations", "cases", "obd_frames"}
PARTITION = re.compile(r"^(%s)_(y\d{4}m\d{2}|d\d{8}|default)$" % "|".join(sorted(PARTITIONED)))


def include_object(obj, name, type_, reflected, compare_to):
    if db.engine.dialect.name != "postgresql":
        return True
    if type_ == "table":
        return not (reflected and name and PARTITION.match(name))
    table = getattr(getattr(obj, "table", None), "name", None) or getattr(getattr(obj, "parent", None), "name", None)
    if table not in PARTITIONED:
        return True
    if type_ == "unique_constraint":
        return False
    if type_ == "foreign_key_constraint":
        return obj.referred_table.name != "plate_events"
    return True


def run_migrations_offline():
    """Emit SQL for `flask db upgrade --sql` without a database."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # An autogenerate run that finds no change writes no empty migration.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("include_object", include_object)
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it (batch mode); dropping the original while other tables'
            # rows name it would fail, and PRAGMA foreign_keys only changes outside a transaction. The
            # references are checked once every migration has run.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # before any BEGIN
        context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            raw = connection.connection.driver_connection
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            raw.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"foreign keys broken by the migration: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
