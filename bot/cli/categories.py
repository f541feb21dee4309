"""`hpp-bot categories keywords list | add | remove`: the words that suggest a complaint's category when a citizen
types a problem instead of pressing a button. The project's own words come with the seed; the secretariat adds
the words their province uses."""

from __future__ import annotations

import argparse

from bot.cli.common import add_command, add_group, refuse, with_database
from bot.domain.complaints import keywords
from bot.domain.complaints.keywords import KeywordOutcome
from bot.settings import Settings
from storage.db import Database

_SAID = {
    KeywordOutcome.ADDED: "added",
    KeywordOutcome.ALREADY: "already there",
    KeywordOutcome.INVALID: f"not added: empty or longer than {keywords.KEYWORD_MAX} characters",
    KeywordOutcome.REMOVED: "removed",
    KeywordOutcome.SHIPPED: "not removed: one of the project's own words (storage/data/fixed_lists.py)",
    KeywordOutcome.MISSING: "not found",
}


@with_database
async def list_keywords(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.read() as session:
        listed = await keywords.keywords_of(session)
    for code, words in listed.items():
        if args.category in (None, code):
            print(f"{code}: " + ", ".join(word + ("" if shipped else " (added)") for word, shipped in words))
    return 0


@with_database
async def add(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        category = await keywords.category_by_code(session, args.category)
        if category is None:
            return refuse(f"no complaint category {args.category!r} (see hpp-bot categories keywords list)")
        changes = [await keywords.add_keyword(session, category, word) for word in args.words]
    for change in changes:
        if change.outcome is KeywordOutcome.ELSEWHERE:
            print(f"{change.word}: not added: it suggests {change.category_code} already")
        else:
            print(f"{change.word}: {_SAID[change.outcome]}")
    return 0 if all(c.outcome in (KeywordOutcome.ADDED, KeywordOutcome.ALREADY) for c in changes) else 1


@with_database
async def remove(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        changes = [await keywords.remove_keyword(session, word) for word in args.words]
    for change in changes:
        print(f"{change.word}: {_SAID[change.outcome]}")
    return 0 if all(c.outcome is KeywordOutcome.REMOVED for c in changes) else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    categories = add_group(subparsers, "categories", "complaint categories: the keywords that suggest them")
    words = categories.add_parser("keywords", help="list, add or remove keywords").add_subparsers(
        dest="keywords_command", required=True
    )
    listing = add_command(words, "list", "every category's keywords", list_keywords)
    listing.add_argument("--category", help="one category's code, e.g. roads")
    adding = add_command(words, "add", "add keywords to a category", add)
    adding.add_argument("category", help="the category's code, e.g. roads, waste, flood")
    adding.add_argument("words", nargs="+", help="Thai or English words, e.g. ถนนลูกรัง")
    removing = add_command(words, "remove", "remove keywords the secretariat added", remove)
    removing.add_argument("words", nargs="+")
