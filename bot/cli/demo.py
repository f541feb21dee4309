"""`hpp-bot demo-data --complaints N`: made-up complaints across the 77 provinces over three years, to try the web
desk and to measure it (bench/desk.py).

Statuses, answer times and ratings follow a plausible desk: most old complaints answered, a few rejected or
duplicates, some left open past their answer date; the newest still open. Rows go in by bulk inserts of
`CHUNK` rows (executemany), each chunk its own transaction: a million take minutes. Ticket numbers continue each
province's and year's sequence, and the sequences are moved past them, so complaints filed afterwards in chat
get the next free number.
"""

from __future__ import annotations

import argparse
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select

from bot.cli.common import refuse, with_database
from bot.core.i18n import buddhist_year
from bot.domain.complaints.answers import description_hash
from bot.domain.complaints.numbering import format_ticket_no
from bot.domain.periods import local_day
from bot.settings import Settings
from storage.db import Database
from storage.models import (
    Agency,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    District,
    Province,
    TicketSequence,
)

CHUNK = 10_000
YEARS = 3
# Words a citizen might write, per category code; a place is added to each.
WORDS: dict[str, tuple[str, ...]] = {
    "roads": ("ถนนเป็นหลุมลึก รถล้มบ่อย", "ทางเท้าแตกชำรุด เดินลำบาก", "ไฟถนนดับทั้งซอย มืดมาก"),
    "water": ("น้ำประปาไม่ไหลมาสามวัน", "น้ำท่วมขังหน้าบ้านหลังฝนตก", "ท่อประปาแตก น้ำรั่วไหล"),
    "waste": ("ขยะไม่มีคนมาเก็บหลายวัน ส่งกลิ่นเหม็น", "มีการทิ้งขยะริมถนน"),
    "air": ("มีการเผาในที่โล่ง ควันเต็มหมู่บ้าน", "ฝุ่นจากไซต์ก่อสร้างฟุ้งกระจาย"),
    "safety": ("สายไฟห้อยต่ำ อันตรายต่อผู้สัญจร", "ต้นไม้ใหญ่จะล้มทับบ้าน"),
    "public_services": ("รอคิวทำบัตรนานมาก", "เจ้าหน้าที่ไม่อยู่ในเวลาราชการ"),
    "corruption": ("มีการเรียกรับเงินเพื่อเร่งงาน",),
    "other": ("สุนัขจรจัดจำนวนมากไล่กัดคน", "เสียงดังจากร้านค้ายามวิกาล"),
}


@dataclass
class Place:
    province: Province
    districts: list[tuple[int | None, float | None, float | None]]  # id, latitude, longitude
    agencies: list[int]


@dataclass
class Catalogue:
    places: list[Place]
    categories: list[tuple[int, str]]
    answer_days: int
    sequences: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))


def _status(rng: random.Random, age_days: float) -> str:
    """Older complaints are mostly answered; a few are rejected, duplicates, or still open."""
    answered_share = min(0.93, age_days / 30)
    roll = rng.random()
    if roll < answered_share:
        return ComplaintStatus.RESOLVED if rng.random() < 0.7 else ComplaintStatus.CLOSED
    if roll < answered_share + 0.04:
        return rng.choice((ComplaintStatus.REJECTED, ComplaintStatus.DUPLICATE))
    return rng.choice((ComplaintStatus.RECEIVED, ComplaintStatus.ACCEPTED, ComplaintStatus.IN_PROGRESS))


def _rating(rng: random.Random, days: float, answer_days: int) -> int | None:
    if rng.random() < 0.45:  # most people do not rate
        return None
    base = 4.6 if days <= answer_days else 2.8
    return max(1, min(5, round(rng.gauss(base, 0.9))))


def _row(rng: random.Random, catalogue: Catalogue, created: datetime, now: datetime, number: int) -> dict[str, Any]:
    place = rng.choice(catalogue.places)
    category_id, code = rng.choice(catalogue.categories)
    district_id, latitude, longitude = rng.choice(place.districts)
    days_allowed = place.province.answer_days or catalogue.answer_days
    due_on = local_day(created) + timedelta(days=days_allowed)
    age = (now - created).total_seconds() / 86400
    status = _status(rng, age)
    took = min(age, rng.lognormvariate(math.log(7), 0.8))
    answered_at = created + timedelta(days=took)
    answered = status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
    text = f"{rng.choice(WORDS.get(code, WORDS['other']))} ({number})"
    year_be = buddhist_year(local_day(created))
    catalogue.sequences[(place.province.id, year_be)] += 1
    return {
        "ticket_no": format_ticket_no(place.province.code, year_be, catalogue.sequences[(place.province.id, year_be)]),
        "province_id": place.province.id,
        "district_id": district_id,
        "latitude": latitude + rng.uniform(-0.05, 0.05) if latitude is not None else None,
        "longitude": longitude + rng.uniform(-0.05, 0.05) if longitude is not None else None,
        "category_id": category_id,
        "agency_id": rng.choice(place.agencies) if place.agencies else None,
        "description": text,
        "description_hash": description_hash(text),
        "contact_mode": "chat",
        "channel": rng.choice(("line", "line", "telegram")),
        "status": status,
        "due_on": due_on,
        "resolved_at": answered_at if status == ComplaintStatus.RESOLVED else None,
        "rating": _rating(rng, took, days_allowed) if answered else None,
        "created_at": created,
        "updated_at": answered_at if status != ComplaintStatus.RECEIVED else created,
    }


async def _catalogue(db: Database, settings: Settings) -> Catalogue:
    async with db.read() as session:
        provinces = (await session.scalars(select(Province).order_by(Province.id))).all()
        districts: dict[int, list[tuple[int | None, float | None, float | None]]] = defaultdict(list)
        found = await session.execute(select(District.province_id, District.id, District.latitude, District.longitude))
        for province_id, district_id, latitude, longitude in found.all():
            districts[province_id].append((district_id, latitude, longitude))
        agencies: dict[int, list[int]] = defaultdict(list)
        for owner, agency_id in (await session.execute(select(Agency.province_id, Agency.id))).all():
            if owner is not None:
                agencies[owner].append(agency_id)
        categories = [
            (row[0], row[1]) for row in await session.execute(select(ComplaintCategory.id, ComplaintCategory.code))
        ]
        sequences = await session.execute(
            select(TicketSequence.province_id, TicketSequence.year_be, TicketSequence.last_no)
        )
    # A province without districts in the data: its complaints have none, and sit at its capital.
    places = [Place(p, districts[p.id] or [(None, p.latitude, p.longitude)], agencies[p.id]) for p in provinces]
    catalogue = Catalogue(places, categories, settings.answer_days_default)
    for province_id, year_be, last_no in sequences.all():
        catalogue.sequences[(province_id, year_be)] = last_no
    return catalogue


def _chunks(catalogue: Catalogue, count: int, now: datetime, seed: int) -> Iterator[list[dict[str, Any]]]:
    """Rows in the order they were filed, as a desk receives them (the indexes on time grow at their end)."""
    rng = random.Random(seed)
    span = YEARS * 365 * 86400 / max(1, count)
    first = now - timedelta(days=YEARS * 365)
    for start in range(0, count, CHUNK):
        yield [
            _row(rng, catalogue, first + timedelta(seconds=(number + rng.random()) * span), now, number)
            for number in range(start, min(count, start + CHUNK))
        ]


async def _save_sequences(db: Database, catalogue: Catalogue) -> None:
    async with db.write() as session:
        for (province_id, year_be), last_no in catalogue.sequences.items():
            found = await session.get(TicketSequence, (province_id, year_be))
            if found is None:
                session.add(TicketSequence(province_id=province_id, year_be=year_be, last_no=last_no))
            else:
                found.last_no = max(found.last_no, last_no)


async def generate(db: Database, settings: Settings, count: int, *, now: datetime, seed: int = 13) -> int:
    """Insert `count` made-up complaints filed over the three years before `now`; returns how many."""
    catalogue = await _catalogue(db, settings)
    table = cast(Table, Complaint.__table__)
    inserted = 0
    for rows in _chunks(catalogue, count, now, seed):
        async with db.write() as session:
            await session.execute(insert(table), rows)
        inserted += len(rows)
    await _save_sequences(db, catalogue)
    return inserted


@with_database
async def demo_data(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    if args.complaints < 1:
        return refuse("--complaints must be at least 1")
    started = datetime.now(UTC)
    inserted = await generate(db, settings, args.complaints, now=started, seed=args.seed)
    seconds = (datetime.now(UTC) - started).total_seconds()
    print(f"inserted {inserted} complaints in {seconds:.1f} s")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo-data", help="insert made-up complaints over three years across every province (demo and benchmark)"
    )
    parser.add_argument("--complaints", type=int, required=True, help="how many complaints")
    parser.add_argument("--seed", type=int, default=13, help="the random seed (the same seed, the same data)")
    parser.set_defaults(func=demo_data)
