"""Which migrations a database lacks, read without Alembic.

A serving process checks this once at start-up. Alembic's `ScriptDirectory` would load Alembic, Mako and every
migration module to answer it (about 9 MB that stay resident for the life of the process); the revision ids are
plain assignments at the top of each file in `migrations/versions`, so they are read as syntax instead.
`storage.migrate.missing_revisions` is the Alembic answer, and a test keeps the two equal.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

VERSIONS = Path(__file__).parent / "migrations" / "versions"
VERSION_TABLE = "alembic_version"


def _assigned(tree: ast.Module) -> dict[str, object]:
    """The module-level `name = literal` and `name: type = literal` assignments of a migration."""
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        else:
            continue
        try:
            found[target] = ast.literal_eval(value)
        except ValueError:
            continue
    return found


def _parents(down_revision: object) -> set[str]:
    if down_revision is None:
        return set()
    if isinstance(down_revision, str):
        return {down_revision}
    if isinstance(down_revision, tuple | list):  # a merge of branches
        return {str(parent) for parent in down_revision}
    raise ValueError(f"a down_revision that is not a revision id: {down_revision!r}")


def migration_heads(versions: Path = VERSIONS) -> set[str]:
    """The revisions no other migration builds on."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        assigned = _assigned(ast.parse(path.read_bytes()))
        if "revision" in assigned:
            revisions.add(str(assigned["revision"]))
            parents |= _parents(assigned.get("down_revision"))
    return revisions - parents


def missing_revisions(connection: Connection) -> set[str]:
    """The heads this database has not reached (empty when it is up to date)."""
    applied: set[str] = set()
    if inspect(connection).has_table(VERSION_TABLE):
        applied = set(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
    return migration_heads() - applied
