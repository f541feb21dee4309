"""Alembic, driven from code: `hpp-bot db upgrade` and the tests call these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the schema up to date (every head: feature branches of the migration tree are all applied)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def missing_revisions(connection: Connection) -> set[str]:
    """The migrations this database has not had yet (empty when it is up to date)."""
    heads = set(ScriptDirectory.from_config(alembic_config("")).get_heads())
    applied = set(MigrationContext.configure(connection).get_current_heads())
    return heads - applied
