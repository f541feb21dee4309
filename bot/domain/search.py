"""Finding complaints by a part of their description, with the database's trigram index (migration 0016): Thai
is written without spaces between words, so what a person types is a substring, not a word.

PostgreSQL: `LIKE '%…%'`, which pg_trgm's GIN index answers. SQLite: a phrase query on the FTS5 trigram table
`complaint_search`; a text under three characters has no trigram, and is searched with LIKE over every row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.models import Complaint

TRIGRAM = 3


def like_pattern(text: str) -> str:
    """`text` anywhere, its LIKE wildcards taken literally (escaped with a backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class description_contains(FunctionElement[Any]):
    """The complaint's description contains `text` (exactly, case and all)."""

    type = Boolean()
    inherit_cache = False  # the SQL differs with the text's length: not a cacheable shape
    name = "description_contains"

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


def _bind(compiler: SQLCompiler, value: str, **kw: Any) -> str:
    return compiler.process(bindparam(None, value, type_=String()), **kw)


@compiles(description_contains, "postgresql")
def _contains_postgres(element: description_contains, compiler: SQLCompiler, **kw: Any) -> str:
    # Backslash is already PostgreSQL's LIKE escape: no ESCAPE clause is needed.
    column = compiler.process(Complaint.description.expression, **kw)
    return f"{column} LIKE {_bind(compiler, like_pattern(element.text), **kw)}"


@compiles(description_contains, "sqlite")
def _contains_sqlite(element: description_contains, compiler: SQLCompiler, **kw: Any) -> str:
    if len(element.text) < TRIGRAM:
        column = compiler.process(Complaint.description.expression, **kw)
        return f"{column} LIKE {_bind(compiler, like_pattern(element.text), **kw)} ESCAPE '\\'"
    phrase = '"' + element.text.replace('"', '""') + '"'
    identity = compiler.process(Complaint.id.expression, **kw)
    matching = f"SELECT rowid FROM complaint_search WHERE complaint_search MATCH {_bind(compiler, phrase, **kw)}"
    return f"{identity} IN ({matching})"
