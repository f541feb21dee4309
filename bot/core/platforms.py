"""Which platforms this installation uses, and so whether the web simulator may be on.

The simulator lets anyone who can reach it act as any person, the secretariat included. SIMULATOR=auto must
therefore not switch it on in a process that merely lacks the platform credentials (a second web process
started without the LINE variables): every process that runs with LINE or Telegram records that platform in
the database (`platforms_in_use`), and in auto mode the simulator is on only while nothing is recorded there.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from bot.core.types import ChannelName
from bot.settings import Settings
from storage.db import Database, insert_ignore
from storage.models import PlatformInUse

log = logging.getLogger(__name__)

SIMULATOR_WARNING = (
    "SIMULATOR IS ON at /simulator: anyone who can reach this address can act as any person, the secretariat "
    "included, and read what citizens sent. Never expose it on a public address."
)


def configured_platforms(settings: Settings) -> list[str]:
    """The platforms this process has credentials for."""
    enabled = ((ChannelName.LINE, settings.line_enabled), (ChannelName.TELEGRAM, settings.telegram_enabled))
    return [name.value for name, on in enabled if on]


async def record_platforms(db: Database, settings: Settings, now: datetime) -> None:
    """Remember, in the database, the platforms this process runs with (insert-ignore: the first date stays)."""
    platforms = configured_platforms(settings)
    if not platforms:
        return
    try:
        async with db.write() as session:
            for channel in platforms:
                recorded = insert_ignore(session, PlatformInUse, "channel").values(channel=channel, since=now)
                await session.execute(recorded)
    except (OSError, DBAPIError) as exc:
        # The database may be down at start-up (see Database.check_schema); the next start records it.
        log.warning("could not record the platforms in use: %s", exc)


async def platforms_in_use(db: Database) -> set[str]:
    async with db.read() as session:
        return set((await session.scalars(select(PlatformInUse.channel))).all())


async def simulator_allowed(db: Database, settings: Settings) -> bool:
    """Whether this web process serves the simulator; loudly logged when it does."""
    on = await _simulator_on(db, settings)
    if on:
        log.warning(SIMULATOR_WARNING)
    return on


async def _simulator_on(db: Database, settings: Settings) -> bool:
    """SIMULATOR=on or off as set; auto: on only if neither this process nor the database knows a platform.
    When the database cannot be read, auto stays off: better no simulator than one in production."""
    if settings.simulator != "auto":
        log.info("simulator: %s (SIMULATOR=%s)", settings.simulator, settings.simulator)
        return settings.simulator == "on"
    if configured_platforms(settings):
        log.info("simulator: off (SIMULATOR=auto, and a platform is configured)")
        return False
    try:
        recorded = await platforms_in_use(db)
    except (OSError, DBAPIError) as exc:
        log.warning("simulator: off (SIMULATOR=auto, and the platforms in use could not be read: %s)", exc)
        return False
    if recorded:
        log.info("simulator: off (SIMULATOR=auto, and this database is used with %s)", ", ".join(sorted(recorded)))
        return False
    return True
