"""Delivering outbox rows through the LINE Messaging API (line-bot-sdk v3, async).

The free reply token is used while it is fresh; everything else is pushed with an `X-Line-Retry-Key` derived
from the outbox idempotency key, so a retried push is accepted once (LINE answers 409 to the repeat). A reply
carries no such key: how many parts of a row are out is told to the outbox (`parts_done`), and a retry, in any
worker, starts after them, so a reply is never sent twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    Message,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
)

from bot.channels.line.render import chunks, render_replies
from bot.core import metrics
from bot.core.failures import chat_ref
from bot.core.media import MediaLinks
from bot.core.outbox.sender import SENDING_SLOTS
from bot.core.types import ChannelName, DeliveryResult, DeliveryStatus, OutboundMessage
from bot.settings import Settings

log = logging.getLogger(__name__)

LINE_API = "https://api.line.me"
LINE_DATA_API = "https://api-data.line.me"
RETRY_KEY_NAMESPACE = uuid.UUID("6f1c1a52-6a0b-4b55-9a38-3f0a43a6f0d1")  # fixed: keys must stay stable
MULTICAST_LIMIT = 500
LOADING_SECONDS = 20
T = TypeVar("T")


def retry_key(idempotency_key: str, part: str = "") -> str:
    """The same outbox row (and part of it) always gets the same UUID."""
    return str(uuid.uuid5(RETRY_KEY_NAMESPACE, f"{idempotency_key}#{part}" if part else idempotency_key))


def data_api_base(settings: Settings) -> str:
    """Content downloads and rich menu images live on api-data.line.me; a test or proxy base URL serves both."""
    if settings.line_data_api_base_url:
        return settings.line_data_api_base_url
    return settings.line_api_base_url if settings.line_api_base_url != LINE_API else LINE_DATA_API


def env_proxy(url: str) -> str | None:
    """The proxy the environment (HTTPS_PROXY, NO_PROXY) names for this URL, if any."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname is None or urllib.request.proxy_bypass(parts.hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def api_client(config: Configuration) -> AsyncApiClient:
    """The SDK's client with its aiohttp session's `trust_env` off. With it on, aiohttp reads ~/.netrc and the
    proxy variables in a thread on every request: two thread hand-offs a message (py-spy under load). The
    environment's proxy is read once here instead."""
    config.proxy = config.proxy or env_proxy(config.host)
    client = AsyncApiClient(config)
    sdk_session = client.rest_client.pool_manager
    client.rest_client.pool_manager = aiohttp.ClientSession(connector=sdk_session.connector, trust_env=False)
    sdk_session.detach()  # its connector now belongs to the new session
    return client


class LineError(Exception):
    """A LINE answer the sender must classify (status, LINE's message, Retry-After seconds)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"LINE {status}: {message}")
        self.status = status
        self.message = message
        self.retry_after = retry_after


def line_message(exc: ApiException) -> str:
    """LINE's own words from an error body: {"message": ..., "details": [{"message", "property"}]}."""
    raw = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes | bytearray) else str(exc.body or "")
    try:
        body = json.loads(raw)
    except ValueError:
        return raw[:500] or str(exc.reason or "")
    if not isinstance(body, dict):
        return raw[:500]
    message = str(body.get("message") or exc.reason or "")
    found = body.get("details") or []
    details = [f"{d.get('property', '')}: {d.get('message', '')}" for d in found if isinstance(d, dict)]
    return (message + (" (" + "; ".join(details) + ")" if details else ""))[:500]


def _retry_after(exc: ApiException) -> float | None:
    headers = exc.headers or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def as_line_error(exc: ApiException) -> LineError:
    return LineError(int(exc.status or 0), line_message(exc), _retry_after(exc))


def classify(error: LineError) -> DeliveryResult:
    """429 and 5xx pass; other 4xx will fail the same way again."""
    if error.status == 429 or error.status >= 500 or error.status == 0:
        return DeliveryResult(DeliveryStatus.RETRY, retry_after=error.retry_after, error=str(error))
    return DeliveryResult(DeliveryStatus.FAILED, error=str(error))


def is_invalid_reply_token(error: LineError) -> bool:
    return error.status == 400 and "reply token" in error.message.lower()


DEFAULT_ROLE = "citizen"  # its rich menu is everyone's default; other roles' menus are linked per user
MENU_ALIASES = {DEFAULT_ROLE: "hpp-citizen", "officer": "hpp-officer"}  # LINE rich menu aliases, by role


class LineChannel:
    """The LINE channel: deliver outbox rows, fetch users' pictures, show the loading animation."""

    name = ChannelName.LINE.value

    def __init__(self, settings: Settings, links: MediaLinks | None = None, *, timeout: float = 10.0) -> None:
        assert settings.line_channel_access_token is not None
        self.settings = settings
        self.links = links
        self.timeout = timeout
        token = settings.line_channel_access_token.get_secret_value()
        self._config = Configuration(host=settings.line_api_base_url, access_token=token)
        self._data_config = Configuration(host=data_api_base(settings), access_token=token)
        # The SDK allows five connections a CPU (ten here): the sender's other slots waited for one, and under a
        # burst LINE's replies fell behind their tokens (issue 11: one PostgreSQL worker, 2,430 of 6,000 in time).
        for config in (self._config, self._data_config):
            config.connection_pool_maxsize = SENDING_SLOTS
        self._client: AsyncApiClient | None = None
        self._data_client: AsyncApiClient | None = None

    async def start(self) -> None:
        if self._client is None:
            self._client = api_client(self._config)
            self._data_client = api_client(self._data_config)

    async def close(self) -> None:
        for client in (self._client, self._data_client):
            if client is not None:
                await client.close()
        self._client = self._data_client = None

    @property
    def api(self) -> AsyncMessagingApi:
        assert self._client is not None, "LineChannel.start() was not called"
        return AsyncMessagingApi(self._client)

    @property
    def blob(self) -> AsyncMessagingApiBlob:
        assert self._data_client is not None, "LineChannel.start() was not called"
        return AsyncMessagingApiBlob(self._data_client)

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """One API call with a timeout; LINE's and the network's errors become LineError."""
        await self.start()
        try:
            return await asyncio.wait_for(make(), timeout=self.timeout)
        except ApiException as exc:
            metrics.platform_error(self.name, int(exc.status or 0))
            raise as_line_error(exc) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            metrics.platform_error(self.name, "timeout" if isinstance(exc, TimeoutError) else "network")
            raise LineError(0, f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc

    async def fetch_media(self, ref: str) -> tuple[bytes, str]:
        response = await self.call(lambda: self.blob.get_message_content_with_http_info(ref))
        headers: Any = response.headers or {}
        content_type = str(headers.get("Content-Type", "application/octet-stream")).split(";")[0].strip()
        return bytes(response.raw_data or b""), content_type

    async def deliver(self, message: OutboundMessage) -> DeliveryResult:
        for reply in message.replies:
            if reply.menu_role is not None and not message.recipients and not message.is_group:
                await self._link_menu(message.recipient, reply.menu_role)
        messages = render_replies(message.replies, self.links)
        if not messages:
            return DeliveryResult.sent()
        if message.recipients:
            try:
                await self._multicast(message, messages)
            except LineError as error:
                return self._result_of(error, message)
            return DeliveryResult.sent()
        result = await self._send(message, messages)
        slow = any(reply.slow for reply in message.replies)
        if result.status is DeliveryStatus.SENT and slow and not message.is_group:
            await self.show_loading(message.recipient)
        return result

    async def _link_menu(self, user_id: str, role: str) -> None:
        """Someone became an officer (or stopped being one): their rich menu follows the role."""
        await self.link_menu(user_id, role)

    async def menu_of(self, alias: str) -> str | None:
        """The rich menu an alias points at, or None if the alias does not exist yet."""
        try:
            found = await self.call(lambda: self.api.get_rich_menu_alias(alias))
        except LineError as error:
            if error.status in (400, 404):
                return None
            raise
        return str(found.rich_menu_id)

    async def link_menu(self, user_id: str, role: str) -> bool:
        """Give one LINE user the menu of their role (officers) or back the default one. True when LINE agreed;
        a LINE error is logged, never raised: the role change stands either way."""
        alias = MENU_ALIASES.get(role) if role != DEFAULT_ROLE else None
        try:
            if alias is None:
                await self.call(lambda: self.api.unlink_rich_menu_id_from_user(user_id))
                return True
            menu_id = await self.menu_of(alias)
            if menu_id is None:
                log.warning("rich menu %s is not set up: run `hpp-bot line setup-richmenu`", alias)
                return False
            await self.call(lambda: self.api.link_rich_menu_id_to_user(user_id, menu_id))
            return True
        except LineError as error:
            log.warning(
                "could not link the %s rich menu for chat %s: %s", role, chat_ref(f"line:{user_id}"), error.status
            )
            return False

    @staticmethod
    def _result_of(error: LineError, message: OutboundMessage, parts_done: int | None = None) -> DeliveryResult:
        result = classify(error)
        log.info("LINE delivery of outbox %s: LINE answered %s", message.outbox_id, error.status or "nothing")
        return replace(result, parts_done=parts_done) if result.status is DeliveryStatus.RETRY else result

    async def _send(self, message: OutboundMessage, messages: list[Message]) -> DeliveryResult:
        """Reply with the first five while the token is fresh, push the rest, from the first part (of five) an
        earlier attempt did not deliver: a reply is never sent twice, since part 0 is the reply's."""
        parts = chunks(messages)
        done = message.parts_done
        # After part 0 the row does not say whether that part went as a reply: with a token, most likely it did.
        used_reply = done > 0 and message.reply_token is not None
        try:
            if done == 0 and self._token_fresh(message):
                try:
                    await self.call(
                        lambda: self.api.reply_message(
                            ReplyMessageRequest(reply_token=message.reply_token, messages=parts[0])
                        )
                    )
                    done, used_reply = 1, True
                except LineError as error:
                    if not is_invalid_reply_token(error):
                        raise
                    if message.retaken:
                        # The sender before us died after replying, before recording it: a token still fresh
                        # is refused only once used, so the reply is out. Pushing it would say it twice.
                        log.info("outbox %s: reply token used by the sender before; not sent again", message.outbox_id)
                        done, used_reply = 1, True
                    else:
                        log.info("outbox %s: reply token refused; pushing instead", message.outbox_id)
            for index in range(done, len(parts)):
                await self._push(message.recipient, parts[index], retry_key(message.idempotency_key, _part(index)))
                done = index + 1
        except LineError as error:
            return self._result_of(error, message, parts_done=done)
        return DeliveryResult.sent(used_reply_token=used_reply)

    @staticmethod
    def _token_fresh(message: OutboundMessage) -> bool:
        expires = message.reply_token_expires_at
        if not message.reply_token or expires is None:
            return False
        return expires > datetime.now(UTC)

    async def _push(self, to: str, messages: list[Message], key: str) -> None:
        request = PushMessageRequest(to=to, messages=messages)
        try:
            await self.call(lambda: self.api.push_message(request, x_line_retry_key=key))
        except LineError as error:
            if error.status != 409:  # 409: this retry key was accepted before, so it was delivered
                raise

    async def _multicast(self, message: OutboundMessage, messages: list[Message]) -> None:
        parts = chunks(messages)
        for batch_index, batch in enumerate(_batches(message.recipients, MULTICAST_LIMIT)):
            for part_index, part in enumerate(parts):
                key = retry_key(message.idempotency_key, f"m{batch_index}.{part_index}")
                request = MulticastRequest(to=list(batch), messages=part)
                try:
                    await self.call(lambda r=request, k=key: self.api.multicast(r, x_line_retry_key=k))  # type: ignore[misc]
                except LineError as error:
                    if error.status != 409:
                        raise

    async def show_loading(self, chat_id: str, seconds: int = LOADING_SECONDS) -> None:
        """The "typing" dots while a slow step runs; a failure here never blocks delivery."""
        try:
            await self.call(
                lambda: self.api.show_loading_animation(
                    ShowLoadingAnimationRequest(chat_id=chat_id, loading_seconds=seconds)
                )
            )
        except LineError as error:
            log.warning("LINE loading animation for chat %s: %s", chat_ref(f"line:{chat_id}"), error.status)


def _part(index: int) -> str:
    return "" if index == 0 else str(index)


def _batches(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
