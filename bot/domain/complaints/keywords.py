"""The keywords kept with the complaint categories: read them to suggest a category, and let the secretariat add
and remove their own (the shipped ones come from storage/data/fixed_lists.py through the seed)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.complaints.suggest import suggest_category
from storage.models import CategoryKeyword, ComplaintCategory

KEYWORD_MAX = 60


class KeywordOutcome(enum.StrEnum):
    ADDED = "added"
    ALREADY = "already"  # the word is there already, for this category
    ELSEWHERE = "elsewhere"  # the word suggests another category
    INVALID = "invalid"  # empty, or longer than KEYWORD_MAX
    REMOVED = "removed"
    SHIPPED = "shipped"  # one of the project's own words: not removed (the seed would bring it back)
    MISSING = "missing"


@dataclass(frozen=True)
class KeywordChange:
    word: str
    outcome: KeywordOutcome
    category_code: str | None = None  # for ELSEWHERE: the category the word belongs to


async def suggest_for_text(session: AsyncSession, text: str) -> ComplaintCategory | None:
    """The category the typed `text` is most likely about, or None."""
    rows = (
        await session.execute(
            select(CategoryKeyword.word, ComplaintCategory.code, ComplaintCategory.position).join(
                ComplaintCategory, ComplaintCategory.id == CategoryKeyword.category_id
            )
        )
    ).all()
    keywords = {word: code for word, code, _position in rows}
    order = {code: position for _word, code, position in rows}
    code = suggest_category(text, keywords, order)
    if code is None:
        return None
    return await session.scalar(select(ComplaintCategory).where(ComplaintCategory.code == code))


async def category_by_code(session: AsyncSession, code: str) -> ComplaintCategory | None:
    return await session.scalar(select(ComplaintCategory).where(ComplaintCategory.code == code))


async def keywords_of(session: AsyncSession) -> dict[str, list[tuple[str, bool]]]:
    """Category code -> its (word, shipped) pairs, in the categories' order."""
    rows = await session.execute(
        select(ComplaintCategory.code, CategoryKeyword.word, CategoryKeyword.shipped)
        .join(CategoryKeyword, CategoryKeyword.category_id == ComplaintCategory.id)
        .order_by(ComplaintCategory.position, CategoryKeyword.word)
    )
    listed: dict[str, list[tuple[str, bool]]] = {}
    for code, word, shipped in rows:
        listed.setdefault(code, []).append((word, shipped))
    return listed


async def add_keyword(session: AsyncSession, category: ComplaintCategory, word: str) -> KeywordChange:
    normal = CategoryKeyword.normal(word)
    if not normal or len(normal) > KEYWORD_MAX:
        return KeywordChange(word, KeywordOutcome.INVALID)
    existing = await _stored(session, normal)
    if existing is not None:
        if existing.category_id == category.id:
            return KeywordChange(normal, KeywordOutcome.ALREADY)
        owner = await session.get(ComplaintCategory, existing.category_id)
        return KeywordChange(normal, KeywordOutcome.ELSEWHERE, owner.code if owner else None)
    session.add(CategoryKeyword(category_id=category.id, word=normal))
    await session.flush()
    return KeywordChange(normal, KeywordOutcome.ADDED)


async def remove_keyword(session: AsyncSession, word: str) -> KeywordChange:
    normal = CategoryKeyword.normal(word)
    existing = await _stored(session, normal)
    if existing is None:
        return KeywordChange(normal, KeywordOutcome.MISSING)
    if existing.shipped:
        return KeywordChange(normal, KeywordOutcome.SHIPPED)
    await session.execute(delete(CategoryKeyword).where(CategoryKeyword.id == existing.id))
    return KeywordChange(normal, KeywordOutcome.REMOVED)


async def _stored(session: AsyncSession, normal: str) -> CategoryKeyword | None:
    return await session.scalar(select(CategoryKeyword).where(CategoryKeyword.word == normal))
