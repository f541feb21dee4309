"""`hpp-bot agency add-local`: record the local government (เทศบาล, อบต.) that serves subdistricts, so that their
local road and waste complaints go to it (bot/domain/local_government.py)."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from bot.cli.common import add_command, add_group, with_database
from bot.domain.agendas import province_named
from bot.domain.local_government import add_local_government
from bot.domain.places import find_district
from bot.domain.values import BadValue, parse_short_name
from bot.settings import Settings
from storage.db import Database
from storage.models import Subdistrict


@with_database
async def add_local(args: argparse.Namespace, db: Database, settings: Settings) -> int:
    async with db.write() as session:
        province = await province_named(session, args.province)
        district = await find_district(session, province.id, args.district)
        if district is None:
            raise BadValue(f"no district {args.district!r} in {province.name_th}")
        subdistricts = []
        for name in args.subdistrict:
            found = await session.scalar(
                select(Subdistrict).where(Subdistrict.district_id == district.id, Subdistrict.name_th == name)
            )
            if found is None:
                raise BadValue(f"no subdistrict {name!r} in อ.{district.name_th}")
            subdistricts.append(found)
        agency = await add_local_government(
            session,
            province_id=province.id,
            name_th=args.name_th,
            name_en=args.name_en or "",
            short_th=parse_short_name(args.short_th or "", field="--short-th"),
            subdistricts=subdistricts,
        )
    served = ", ".join(f"ต.{s.name_th}" for s in subdistricts)
    print(f"agency #{agency.id} {agency.name_th} serves {served}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    agency = add_group(subparsers, "agency", "agencies: the local governments that serve subdistricts")
    local = add_command(agency, "add-local", "a เทศบาล or อบต. and the subdistricts it serves", add_local)
    local.add_argument("--province", required=True)
    local.add_argument("--district", required=True, help="the district of the subdistricts, e.g. เมืองเชียงราย")
    local.add_argument("--subdistrict", required=True, action="append", help="a subdistrict it serves (repeat)")
    local.add_argument("--name-th", required=True, help="e.g. เทศบาลนครเชียงราย")
    local.add_argument("--name-en")
    local.add_argument("--short-th", help="its buttons' label, at most 20 characters, e.g. ทน.เชียงราย")
