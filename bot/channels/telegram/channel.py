"""The Telegram channel: sends outbox rows through the Bot API within Telegram's limits, downloads photos,
and answers button presses.

Errors are classified, never raised: flood control (429) and server trouble are retried later, a user who
blocked the bot (403) is unreachable (the outbox then skips their messages until they write again), any other
refusal (400) is recorded as failed.

Nothing about chats or rows is kept in this object, since several workers may deliver: a row's retry resumes at
the outbox's `parts_done`, and whether a chat shows a reply keyboard is a chat flag in the database.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.telegram.http import AiohttpRequest
from bot.channels.telegram.parse import BOT_API_DOWNLOAD_LIMIT, PressedButton, bot_id_from_token
from bot.channels.telegram.render import Outgoing, SendKind, render_replies
from bot.channels.telegram.throttle import BOT_INTERVAL, Throttle
from bot.core import metrics
from bot.core.chatflags import ChatFlags
from bot.core.failures import chat_ref, describe
from bot.core.media import MediaStore
from bot.core.types import ChannelName, DeliveryResult, DeliveryStatus, Inbound, OutboundMessage
from bot.settings import Settings

log = logging.getLogger(__name__)

INVALID_TOKEN_RETRY_SECONDS = 60.0
REPLY_KEYBOARD = "reply_keyboard"  # chat flag: a reply keyboard is showing, to take away with the next message
_STATUSES: tuple[tuple[type[Exception], int | str], ...] = (
    (RetryAfter, 429),
    (Forbidden, 403),
    (InvalidToken, 401),
    (Conflict, 409),
    (BadRequest, 400),
    (ChatMigrated, 400),
    (TimedOut, "timeout"),
    (NetworkError, "network"),  # 5xx answers too: the library says which only in words
)
_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
)


PRESS = "telegram_press"  # Inbound.extra: the pressed button's [query id, chat id, message id]


def with_press(inbound: Inbound, pressed: PressedButton) -> Inbound:
    """The event with its button press, to be answered once it is applied."""
    return replace(inbound, extra={**inbound.extra, PRESS: [pressed.query_id, pressed.chat_id, pressed.message_id]})


def make_bot(settings: Settings) -> Bot:
    assert settings.telegram_bot_token is not None
    base = settings.telegram_api_base_url
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connections=1),
    )


def sniff_content_type(data: bytes, path: str | None) -> str:
    for signature, content_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return mimetypes.guess_type(path or "")[0] or "application/octet-stream"


def status_of(exc: Exception) -> int | str:
    """The HTTP status behind one of python-telegram-bot's errors (it keeps none), for the metrics."""
    for kind, status in _STATUSES:
        if isinstance(exc, kind):
            return status
    return "other"


def seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramChannel:
    name = ChannelName.TELEGRAM.value
    messages_per_second = 1 / BOT_INTERVAL  # the bot-wide limit: one process sends at a time

    def __init__(
        self,
        settings: Settings,
        media: MediaStore,
        flags: ChatFlags,
        *,
        bot: Bot | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        assert settings.telegram_bot_token is not None
        self.media = media
        self.flags = flags
        self.bot = bot or make_bot(settings)
        self.bot_id = bot_id_from_token(settings.telegram_bot_token.get_secret_value())
        self.throttle = throttle or Throttle()
        self._side_calls: set[asyncio.Task[None]] = set()  # button-press answers on their way (not chat state)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        try:
            await self.bot.initialize()
        except TelegramError as exc:  # the API may be down at start-up: sending will retry later
            log.warning("Telegram: could not reach the Bot API at start-up: %s", exc)

    async def close(self) -> None:
        await self.settle()
        await self.bot.shutdown()

    async def settle(self) -> None:
        """Wait for the answers to button presses still on their way (tests, shutdown)."""
        while self._side_calls:
            await asyncio.gather(*list(self._side_calls), return_exceptions=True)

    # ------------------------------------------------------------ inbound side calls

    def after_applied(self, inbound: Inbound) -> None:
        """The press is applied: stop the button's spinner and take its keyboard away."""
        press = inbound.extra.get(PRESS)
        if press:
            query_id, chat_id, message_id = press
            self.answer_press(PressedButton(query_id, chat_id, message_id))

    def answer_press(self, pressed: PressedButton) -> None:
        """Stop the button's spinner and take the old keyboard away, without holding up the webhook."""
        task = asyncio.create_task(self._answer_press(pressed))
        self._side_calls.add(task)
        task.add_done_callback(self._side_calls.discard)

    async def _answer_press(self, pressed: PressedButton) -> None:
        try:
            await self.bot.answer_callback_query(pressed.query_id)
        except TelegramError as exc:  # e.g. "query is too old": the press is still applied
            log.info("Telegram: could not answer callback query: %s", type(exc).__name__)
        if pressed.chat_id is None or pressed.message_id is None:
            return
        try:
            await self.bot.edit_message_reply_markup(chat_id=pressed.chat_id, message_id=pressed.message_id)
        except TelegramError as exc:  # "message is not modified" and the like are harmless
            log.debug("Telegram: could not remove an old keyboard: %s", type(exc).__name__)

    # ------------------------------------------------------------ media

    async def fetch_media(self, ref: str) -> tuple[bytes, str]:
        tg_file = await self.bot.get_file(ref)
        if tg_file.file_size is not None and tg_file.file_size > BOT_API_DOWNLOAD_LIMIT:
            raise ValueError(f"file of {tg_file.file_size} bytes is over the Bot API's download limit")
        data = bytes(await tg_file.download_as_bytearray())
        return data, sniff_content_type(data, tg_file.file_path)

    async def _load_media(self, media_id: int) -> tuple[bytes, str | None]:
        data, _content_type, filename = await self.media.load(media_id)
        return data, filename

    # ------------------------------------------------------------ delivery

    async def deliver(self, message: OutboundMessage) -> DeliveryResult:
        """Send the row's messages, to each chat of a batch in turn. Its parts are the (chat, send) pairs in that
        order: a retry skips the `message.parts_done` an earlier attempt (in any worker) delivered."""
        sends = render_replies(message.replies)
        chats = message.recipients or (message.recipient,)
        for chat_index, chat in enumerate(chats):
            before = chat_index * len(sends)  # parts of the chats ahead of this one
            if message.parts_done >= before + len(sends):
                continue
            result = await self._deliver_to(chat, message, sends, before=before)
            if result.status is DeliveryStatus.RETRY:
                return result  # a batch resumes where it stopped
            if result.status is not DeliveryStatus.SENT and not message.recipients:
                return result
        return DeliveryResult.sent()

    async def _deliver_to(
        self, chat: str, message: OutboundMessage, sends: list[Outgoing], *, before: int
    ) -> DeliveryResult:
        start = max(0, message.parts_done - before)
        sends = await self._with_keyboard_cleanup(chat, sends, start)
        for index in range(start, len(sends)):
            await self.throttle.wait_turn(chat, is_group=message.is_group)
            try:
                await self._send(chat, sends[index])
            except (TelegramError, LookupError) as exc:
                result = self._classify(exc, chat, message)
                if result.status is DeliveryStatus.RETRY:
                    return replace(result, parts_done=before + index)
                return result
            await self._track_reply_keyboard(chat, sends[index])
        return DeliveryResult.sent()

    async def _send(self, chat: str, outgoing: Outgoing) -> None:
        markup = outgoing.markup
        if outgoing.kind is SendKind.MESSAGE:
            await self.bot.send_message(chat, outgoing.text, parse_mode=ParseMode.HTML, reply_markup=markup)
        elif outgoing.kind is SendKind.PHOTO:
            photo: bytes | str = outgoing.url or ""
            if outgoing.media_id is not None:
                photo, _filename = await self._load_media(outgoing.media_id)
            await self.bot.send_photo(
                chat, photo, caption=outgoing.text or None, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        else:
            assert outgoing.media_id is not None
            data, filename = await self._load_media(outgoing.media_id)
            await self.bot.send_document(
                chat,
                data,
                filename=filename,
                caption=outgoing.text or None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )

    def _classify(self, exc: Exception, chat: str, message: OutboundMessage) -> DeliveryResult:
        error = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, TelegramError):  # (a LookupError is a picture gone from our own store)
            metrics.platform_error(self.name, status_of(exc))
        if isinstance(exc, RetryAfter):
            wait = seconds(exc.retry_after)
            self.throttle.hold(chat, wait)
            return DeliveryResult(DeliveryStatus.RETRY, retry_after=wait, error=error)
        if isinstance(exc, Forbidden):
            return self._blocked_result(message, error)
        if isinstance(exc, InvalidToken):  # a configuration problem: keep the messages until it is fixed
            return DeliveryResult(DeliveryStatus.RETRY, retry_after=INVALID_TOKEN_RETRY_SECONDS, error=error)
        if isinstance(exc, BadRequest | ChatMigrated | LookupError):
            return DeliveryResult(DeliveryStatus.FAILED, error=error)
        if isinstance(exc, NetworkError):  # 5xx, timeouts, connection errors: back off and try again
            return DeliveryResult(DeliveryStatus.RETRY, error=error)
        return DeliveryResult(DeliveryStatus.FAILED, error=error)

    @staticmethod
    def _blocked_result(message: OutboundMessage, error: str) -> DeliveryResult:
        # In a group a 403 means the bot was removed: that says nothing about the person who wrote there.
        status = DeliveryStatus.FAILED if message.is_group or message.recipients else DeliveryStatus.UNREACHABLE
        return DeliveryResult(status, error=error)

    async def _with_keyboard_cleanup(self, chat: str, sends: list[Outgoing], start: int) -> list[Outgoing]:
        """Take a finished location keyboard away with the first message that has no keyboard of its own."""
        if any(isinstance(send.markup, ReplyKeyboardMarkup) for send in sends):
            return sends
        index = next((i for i in range(start, len(sends)) if sends[i].markup is None), None)
        if index is None or not await self._keyboard_showing(chat):
            return sends
        send = sends[index]
        cleaned = Outgoing(send.kind, send.text, ReplyKeyboardRemove(), send.media_id, send.url)
        return [*sends[:index], cleaned, *sends[index + 1 :]]

    async def _keyboard_showing(self, chat: str) -> bool:
        try:
            return await self.flags.has(self.name, chat, REPLY_KEYBOARD)
        except (SQLAlchemyError, OSError) as exc:  # the message matters more than the old keyboard
            log.warning(
                "Telegram: could not read chat %s's keyboard flag: %s", chat_ref(f"telegram:{chat}"), describe(exc)
            )
            return False

    async def _track_reply_keyboard(self, chat: str, sent: Outgoing) -> None:
        """Remember (for every worker) that the chat shows a reply keyboard, or no longer does."""
        if isinstance(sent.markup, ReplyKeyboardMarkup):
            showing = True
        elif isinstance(sent.markup, ReplyKeyboardRemove):
            showing = False
        else:
            return
        try:
            await self.flags.set(self.name, chat, REPLY_KEYBOARD, showing)
        except (SQLAlchemyError, OSError) as exc:  # the message is out: failing now would send it again
            log.warning(
                "Telegram: could not record chat %s's keyboard flag: %s", chat_ref(f"telegram:{chat}"), describe(exc)
            )
