"""The LINE channel (line-bot-sdk v3): webhook, rendering, delivery through the outbox, rich menus, CLI.

- `webhook.py`: `POST /webhooks/line`, signature check, events stored in the inbox, 200 at once.
- `parse.py`: webhook events into `Inbound`; `render.py`: `Reply` into LINE messages.
- `channel.py`: `LineChannel.deliver` (reply token first, push with X-Line-Retry-Key), `fetch_media`.
- `richmenu.py`: the citizens' and officers' rich menus, with the conversations' buttons; the channel links a
  person's menu when it delivers a `Reply(menu_role=...)`.
- `lazy_sdk.py`: the SDK's packages load only the classes that are used (about 17 MB less per process).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from bot.channels.line import lazy_sdk

lazy_sdk.install()  # before the first import of line-bot-sdk: only the classes used are loaded (lazy_sdk.py)

from bot.channels.line.channel import LineChannel  # noqa: E402
from bot.channels.line.webhook import line_webhook  # noqa: E402
from bot.core.kit import ChannelKit  # noqa: E402
from bot.core.types import Channel  # noqa: E402
from bot.settings import Settings  # noqa: E402


def make_channel(settings: Settings, kit: ChannelKit) -> Channel | None:
    """The LINE channel, or None while its secret and access token are not set."""
    return LineChannel(settings, kit.links) if settings.line_enabled else None


def routes() -> list[BaseRoute]:
    return [Route("/webhooks/line", line_webhook, methods=["POST"])]
