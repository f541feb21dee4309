"""The web simulator: chat with the bot as a citizen, an officer or the secretariat, in a browser.

It is a channel like LINE and Telegram, only without a platform in between: `POST /simulator/api/send` turns
what the page sent into an `Inbound` and stores it in the inbox; the same workers apply it and queue the
answers in the outbox; the simulator channel marks them sent, and the page long-polls
`GET /simulator/api/messages` for the sent rows of its chat.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template
from typing import Any

from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.core.cleaning import valid_text
from bot.core.i18n import N_, SUPPORTED, _, normalise_locale, use_locale
from bot.core.media import PAGE_LINK_LIFETIME, MediaLinks, store_media
from bot.core.numbers import parse_id
from bot.core.text import as_line_shows
from bot.core.types import ChannelName, Inbound, InboundKind, Location, Reply
from bot.services import Services
from storage.models import OutboxMessage, OutboxStatus, Person, Province, Role

CHANNEL = ChannelName.SIMULATOR.value
IDENTITY_PATTERN = re.compile(r"^[a-z0-9-]{1,40}$")
CHOICE_PATTERN = re.compile(r"^[\x21-\x7e]{1,64}$")  # short printable ASCII, as Telegram's callback data
SEEDED_IDENTITIES = ("citizen-1", "officer-1", "secretariat-1")
ROLE_LABELS = {"citizen": N_("Citizen"), "officer": N_("Officer"), "secretariat": N_("Secretariat")}
MAX_JSON_BYTES = 64 * 1024  # a text well over the engine's limit still fits; the engine states the limit
MULTIPART_OVERHEAD = 64 * 1024
MAX_TEXT = 5000  # kept as typed up to here; the engine answers a long text with its own limit
ACCEPTED_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_WAIT_SECONDS = 25.0
POLL_SECONDS = 0.1  # the outbox sender waits on outbox_wakeup, so the page polls instead of taking that event
MESSAGES_PER_POLL = 50

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_TEMPLATE = Template((STATIC_DIR / "simulator.html").read_text(encoding="utf-8"))


class BadInput(Exception):
    """What the page sent cannot be used; `message` is shown to the person (already translated)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.code, "message": self.message}, status_code=self.status)


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def request_locale(request: Request) -> str:
    """The page's language: `?lang=`, else the browser's first preference, else the default (Thai)."""
    asked = request.query_params.get("lang")
    if asked in SUPPORTED:
        return asked
    accept = request.headers.get("accept-language", "")
    first = accept.split(",", 1)[0].split(";", 1)[0].strip()
    return normalise_locale(first, services_of(request).settings.default_locale)


# ---------------------------------------------------------------- the page


def page_texts() -> dict[str, str]:
    """Every string of the page, in the current locale; the script gets them as JSON."""
    return {
        "title": _("Chat simulator"),
        "subtitle": _("High Performance Province service"),
        "pick_heading": _("Who would you like to chat as?"),
        "pick_hint": _("Pick an identity. The bot answers exactly as it does on LINE and Telegram."),
        "new_citizen": _("New citizen"),
        "new_citizen_hint": _("A new person with a random id, as on first contact"),
        "switch": _("Switch"),
        "placeholder": _("Type a message…"),
        "send": _("Send"),
        "photo": _("Photo"),
        "location": _("Location"),
        "latitude": _("Latitude"),
        "longitude": _("Longitude"),
        "send_location": _("Send this location"),
        "location_hint": _("Type coordinates or choose a place."),
        "photo_hint": _("The bot is waiting for a photo."),
        "choose_photo": _("Choose a photo"),
        "bad_location": _("Latitude must be between -90 and 90 and longitude between -180 and 180."),
        "network_error": _("The connection was lost. Trying again…"),
        "send_failed": _("The message could not be sent."),
        "sent_photo": _("Photo sent"),
        "sent_location": _("Location: {latitude}, {longitude}"),
        "download": _("Download file"),
        "history": _("Earlier messages"),
        "no_identities": _("The demo people are not in the database yet. Run the seed, or chat as a new citizen."),
        "bot_name": _("Province service bot"),
        "language": _("ภาษา/Language"),
        "menu": _("Menu"),
        "menu_changed": _("The menu below the chat is now the {role} menu."),
    }


LOCATION_PRESETS = (
    (N_("Chiang Rai Provincial Hall"), 19.9105, 99.8406),
    (N_("Khon Kaen"), 16.4419, 102.8360),
    (N_("Ubon Ratchathani"), 15.2287, 104.8564),
)


def preset_buttons() -> str:
    return "".join(
        f'<button type="button" class="preset" data-lat="{lat}" data-lon="{lon}">{html.escape(str(name))}</button>'
        for name, lat, lon in LOCATION_PRESETS
    )


def render_page(locale: str) -> str:
    with use_locale(locale):
        texts = page_texts()
        attribution = _(
            "Province, district and subdistrict data: thaiaddress 0.2.1, (c) 2020 Titipat Achakulvisut, "
            "Apache License 2.0."
        )
        presets = preset_buttons()
    script_texts = json.dumps(texts, ensure_ascii=False).replace("</", "<\\/")
    escaped = {key: html.escape(value) for key, value in texts.items()}
    other = "en" if locale == "th" else "th"
    return PAGE_TEMPLATE.substitute(
        escaped,
        lang=locale,
        other_lang=other,
        other_lang_label="English" if other == "en" else "ไทย",
        texts_json=script_texts,
        presets=presets,
        attribution=html.escape(attribution),
    )


async def page(request: Request) -> HTMLResponse:
    return HTMLResponse(render_page(request_locale(request)), headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------- identities


async def identities(request: Request) -> JSONResponse:
    """The demo people of the seed, for the identity picker."""
    locale = request_locale(request)
    async with services_of(request).db.read() as session:
        rows = (
            await session.execute(
                select(Person, Province)
                .outerjoin(Province, Province.id == Person.province_id)
                .where(Person.channel == CHANNEL, Person.platform_user_id.in_(SEEDED_IDENTITIES))
            )
        ).all()
    order = {identity: index for index, identity in enumerate(SEEDED_IDENTITIES)}
    with use_locale(locale):
        people = [
            person_json(person, province, locale)
            for person, province in sorted(rows, key=lambda row: order[row[0].platform_user_id])
        ]
    return JSONResponse({"identities": people})


def person_json(person: Person, province: Province | None, locale: str) -> dict[str, Any]:
    """Who the page chats as, in the page's language (call inside `use_locale`)."""
    return {
        "identity": person.platform_user_id,
        "role": person.role,
        "role_label": str(ROLE_LABELS.get(person.role, person.role)),
        "display_name": person.display_name,
        "province": (province.name_th if locale == "th" else province.name_en) if province else None,
        "locale": person.locale,
    }


def persistent_menu(services: Services, role: str) -> list[dict[str, str]]:
    """The menu always under the chat for `role`, as LINE's rich menu shows it (everyone but officers has the
    citizens'); labels in the current locale."""
    menus = services.registry.persistent_menus
    buttons = menus.get(role) or menus.get(Role.CITIZEN, ())
    return [{"code": button.code, "label": as_line_shows(str(button.label))} for button in buttons]


async def person(request: Request) -> JSONResponse:
    """One identity as the page shows it: the header's role and the persistent menu. A new citizen who has not
    written yet is not stored: they are a citizen with no name."""
    services = services_of(request)
    locale = request_locale(request)
    with use_locale(locale):
        try:
            identity = check_identity(request.query_params.get("identity"))
        except BadInput as bad:
            return bad.response()
        async with services.db.read() as session:
            row = (
                await session.execute(
                    select(Person, Province)
                    .outerjoin(Province, Province.id == Person.province_id)
                    .where(Person.channel == CHANNEL, Person.platform_user_id == identity)
                )
            ).first()
        if row is None:
            shown: dict[str, Any] = {"identity": identity, "role": Role.CITIZEN}
            shown["role_label"] = str(ROLE_LABELS[Role.CITIZEN])
            shown |= {"display_name": None, "province": None, "locale": None}
        else:
            shown = person_json(row[0], row[1], locale)
        shown["menu"] = persistent_menu(services, shown["role"])
    return JSONResponse(shown)


# ---------------------------------------------------------------- sending


@dataclass(frozen=True)
class Message:
    """What the person did, before it becomes an `Inbound`."""

    kind: InboundKind
    text: str | None = None
    choice: str | None = None
    location: Location | None = None
    media_id: int | None = None


def check_identity(value: object) -> str:
    if not isinstance(value, str) or not IDENTITY_PATTERN.fullmatch(value):
        raise BadInput(400, "bad_identity", _("Unknown identity. Pick an identity again."))
    return value


def check_locale(value: object) -> str | None:
    return value if isinstance(value, str) and value in SUPPORTED else None


def parse_coordinate(value: object, limit: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number) or abs(number) > limit:
        raise ValueError(value)
    return number


def parse_location(value: object) -> Location:
    try:
        if not isinstance(value, dict):
            raise ValueError(value)
        return Location(parse_coordinate(value.get("latitude"), 90), parse_coordinate(value.get("longitude"), 180))
    except ValueError:
        raise BadInput(
            400, "bad_location", _("Latitude must be between -90 and 90 and longitude between -180 and 180.")
        ) from None


def parse_message(body: dict[str, Any]) -> Message:
    """Exactly one of text, choice or location."""
    given = [key for key in ("text", "choice", "location") if body.get(key) is not None]
    if len(given) != 1:
        raise BadInput(400, "empty", _("Type a message, press a button, or send a photo or a location."))
    if "text" in given:
        text = body["text"]
        if not isinstance(text, str) or not text.strip():
            raise BadInput(400, "empty", _("Type a message, press a button, or send a photo or a location."))
        return Message(InboundKind.TEXT, text=valid_text(text, MAX_TEXT))  # a lone surrogate cannot be stored
    if "choice" in given:
        choice = body["choice"]
        if not isinstance(choice, str) or not CHOICE_PATTERN.fullmatch(choice):
            raise BadInput(400, "bad_choice", _('That button cannot be used. Type "menu" to start again.'))
        return Message(InboundKind.CHOICE, choice=choice)
    return Message(InboundKind.LOCATION, location=parse_location(body["location"]))


async def read_json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise BadInput(413, "too_large", _("The message is too long."))
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested thousands deep
        body = None
    if not isinstance(body, dict):
        raise BadInput(400, "bad_request", _("The message could not be read."))
    return body


def sniff_image(data: bytes) -> str | None:
    """The content type of a picture a browser can show, or None if the bytes are not one."""
    from PIL import Image, UnidentifiedImageError  # only when someone uploads a photo

    try:
        with Image.open(io.BytesIO(data)) as image:
            return ACCEPTED_IMAGE_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def readable_size(size: int) -> str:
    """10 MB, 512 KB: a limit as people say it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{max(1, size // 1024)} KB"


def photo_too_large(max_bytes: int) -> BadInput:
    size = readable_size(max_bytes)
    return BadInput(413, "too_large", _("The photo is too large. Please send one of at most {size}.", size=size))


async def read_photo(upload: UploadFile, max_bytes: int) -> tuple[bytes, str]:
    """The upload's bytes and their real content type; too large (413) or not a picture (415) is refused."""
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise photo_too_large(max_bytes)
    declared = (upload.content_type or "").lower()
    content_type = sniff_image(data) if declared.startswith("image/") else None
    if content_type is None:
        raise BadInput(415, "not_image", _("This file is not a picture. Please send a JPEG, PNG, GIF or WebP photo."))
    return data, content_type


async def parse_upload(request: Request, services: Services) -> tuple[str, str | None, Message]:
    """A multipart form with `identity` and a `photo` file: the photo is stored, then sent as an image."""
    max_bytes = services.settings.max_image_bytes
    declared_length = request.headers.get("content-length", "")
    declared = parse_id(declared_length)
    if declared is not None and declared > max_bytes + MULTIPART_OVERHEAD:
        raise photo_too_large(max_bytes)
    async with request.form(max_files=1, max_fields=4) as form:
        identity = check_identity(form.get("identity"))
        locale = check_locale(form.get("locale"))
        upload = form.get("photo")
        if not isinstance(upload, UploadFile):
            raise BadInput(400, "empty", _("Type a message, press a button, or send a photo or a location."))
        data, content_type = await read_photo(upload, max_bytes)
        filename = (upload.filename or "")[:200] or None
    media_id = await store_media(services.db, data, content_type, filename=filename, sent_by=(CHANNEL, identity))
    return identity, locale, Message(InboundKind.IMAGE, media_id=media_id)


async def parse_send(request: Request, services: Services) -> tuple[str, str | None, Message]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await parse_upload(request, services)
    body = await read_json(request)
    identity = check_identity(body.get("identity"))
    return identity, check_locale(body.get("locale")), parse_message(body)


def to_inbound(identity: str, locale: str | None, message: Message) -> Inbound:
    return Inbound(
        channel=CHANNEL,
        user=identity,
        chat=identity,
        kind=message.kind,
        event_id=uuid.uuid4().hex,
        text=message.text,
        choice=message.choice,
        location=message.location,
        media_id=message.media_id,
        locale=locale,
        received_at=datetime.now(UTC),
    )


async def send(request: Request) -> JSONResponse:
    """Store what the person did in the inbox, as any channel's webhook does; the workers answer it."""
    services = services_of(request)
    with use_locale(request_locale(request)):
        try:
            identity, locale, message = await parse_send(request, services)
        except BadInput as bad:
            return bad.response()
    inbound = to_inbound(identity, locale, message)
    await services.inbox.receive([inbound])
    return JSONResponse({"event_id": inbound.event_id}, status_code=202)


# ---------------------------------------------------------------- receiving


def parse_wait(value: str | None) -> float:
    try:
        wait = float(value) if value is not None else 0.0
    except ValueError:
        return 0.0
    return min(max(wait, 0.0), MAX_WAIT_SECONDS) if math.isfinite(wait) else 0.0


def parse_after(value: str | None) -> int:
    after = parse_id(value) if value is not None else None
    return after or 0


async def sent_since(services: Services, identity: str, after: int) -> list[OutboxMessage]:
    async with services.db.read() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.recipient == identity,
                OutboxMessage.status == OutboxStatus.SENT,
                OutboxMessage.id > after,
            )
            .order_by(OutboxMessage.id)
            .limit(MESSAGES_PER_POLL)
        )
        return list(rows)


def _with_media_links(reply: dict[str, Any], links: MediaLinks) -> dict[str, Any]:
    """Signed links for the pictures and files of a reply (plain media ids are not served)."""
    for field, path in (("image_media_id", "image_path"), ("document_media_id", "document_path")):
        if reply.get(field) is not None:
            reply[path] = links.path(int(reply[field]), PAGE_LINK_LIFETIME)
    return reply


def as_line_renders(reply: Reply, services: Services) -> dict[str, Any]:
    """A reply as LINE shows it: button labels cut as LINE's quick replies cut them (the full label is what
    the person's own bubble says when they tap it, LINE's display text), and a change of rich menu as the new
    role's buttons."""
    shown = _with_media_links(reply.to_json(), services.links)
    shown["choices"] = [
        {"code": choice.code, "label": as_line_shows(choice.label), "display_text": choice.label}
        for choice in reply.choices
    ]
    if reply.menu_role is not None:
        shown["menu"] = persistent_menu(services, reply.menu_role)
        shown["role_label"] = str(ROLE_LABELS.get(reply.menu_role, reply.menu_role))
    return shown


def message_json(row: OutboxMessage, services: Services) -> dict[str, Any]:
    return {
        "id": row.id,
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "replies": [as_line_renders(Reply.from_json(reply), services) for reply in row.payload],
    }


async def messages(request: Request) -> JSONResponse:
    """The bot's sent messages to one chat after `after`, waiting up to `wait` seconds for the first one."""
    services = services_of(request)
    with use_locale(request_locale(request)):
        try:
            identity = check_identity(request.query_params.get("identity"))
        except BadInput as bad:
            return bad.response()
    after = parse_after(request.query_params.get("after"))
    deadline = asyncio.get_running_loop().time() + parse_wait(request.query_params.get("wait"))
    rows = await sent_since(services, identity, after)
    while not rows and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(POLL_SECONDS)
        if await request.is_disconnected():  # the page was closed or moved on: stop polling for it
            break
        rows = await sent_since(services, identity, after)
    last_id = rows[-1].id if rows else after
    with use_locale(request_locale(request)):
        shown = [message_json(row, services) for row in rows]
    return JSONResponse({"messages": shown, "last_id": last_id})


def routes() -> list[BaseRoute]:
    return [
        Route("/simulator", page),
        Route("/simulator/api/identities", identities),
        Route("/simulator/api/person", person),
        Route("/simulator/api/send", send, methods=["POST"]),
        Route("/simulator/api/messages", messages),
        Mount("/simulator/static", StaticFiles(directory=STATIC_DIR), name="simulator-static"),
    ]
