"""The ASGI app: webhooks, the web simulator, health, media; workers run in its lifespan by default."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels import webhook_routes
from bot.core.platforms import simulator_allowed
from bot.core.types import Channel
from bot.jobs.memory import settle_heap
from bot.services import Services
from bot.settings import Settings, get_settings, log_channels
from bot.web import desk, metrics, open311, public, simulator
from bot.web.body_limit import BodyLimit
from storage.models import Media

log = logging.getLogger(__name__)


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def healthz(request: Request) -> JSONResponse:
    services = services_of(request)
    try:
        await services.db.ping()
    except Exception as exc:
        log.warning("health check: database unreachable: %s", exc)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "channels": sorted(services.channels)})


async def media(request: Request) -> Response:
    """Serve a stored picture or file by its signed link (simulator previews, LINE images, download links); an
    expired or forged link is answered like a missing one."""
    media_id, expires = request.path_params["media_id"], request.path_params["expires"]
    seconds_left = services_of(request).links.seconds_left(media_id, expires, request.path_params["signature"])
    if not seconds_left:
        return JSONResponse({"error": "not found"}, status_code=404)
    async with services_of(request).db.read() as session:
        row = await session.scalar(select(Media).where(Media.id == media_id))
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    headers = {"Cache-Control": f"private, max-age={min(3600, seconds_left)}"}  # no cache past the link's expiry
    if row.filename:
        headers["Content-Disposition"] = content_disposition(row.filename, row.content_type)
    return Response(row.data, media_type=row.content_type, headers=headers)


def content_disposition(filename: str, content_type: str) -> str:
    """RFC 6266: a picture is shown, a file downloaded, under its own name. The name is given twice: in UTF-8
    (RFC 5987 `filename*`, a Thai name such as สรุป-เชียงราย-2569-11-29.xlsx) and as ASCII for old clients."""
    kind = "inline" if content_type.startswith("image/") else "attachment"
    stem, dot, suffix = filename.rpartition(".")
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem if dot else filename).strip("-")
    fallback = f"{ascii_stem or 'download'}{dot}{re.sub(r'[^A-Za-z0-9]', '', suffix) if dot else ''}"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def index(request: Request) -> Response:
    if request.app.state.simulator_on:
        return RedirectResponse("/simulator")
    return JSONResponse({"service": "hpp-bot", "health": "/healthz"})


def create_app(
    settings: Settings | None = None,
    *,
    channels: dict[str, Channel] | None = None,
    run_workers: bool | None = None,
    settle: bool = False,
) -> Starlette:
    """`settle`: freeze the start-up heap once the app is up (bot/jobs/memory.py); for a served process, not for
    the tests' many apps in one process."""
    settings = settings or get_settings()
    workers = settings.run_workers_in_web if run_workers is None else run_workers

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = Services.build(settings, channels)
        app.state.services = services
        log_channels(settings)
        await services.open()
        # Decided once the database is open: it says whether this installation uses a platform.
        app.state.simulator_on = await simulator_allowed(services.db, settings)
        if app.state.simulator_on:
            app.router.routes.extend(simulator.routes())
        if workers:
            services.start_workers()
        if settle:
            settle_heap()
        try:
            yield
        finally:
            await services.close()

    routes: list[BaseRoute] = [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/media/{media_id:int}/{expires:int}/{signature}", media),
        *webhook_routes(),
        *metrics.routes(),
        *desk.routes(),
        *open311.routes(),
        *public.routes(),
    ]
    # Bodies over 1 MB are refused before any route reads them; only the simulator's photo upload takes more.
    photo_upload = {"/simulator/api/send": settings.max_image_bytes + simulator.MULTIPART_OVERHEAD}
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(BodyLimit, larger=photo_upload)])
    app.state.simulator_on = False  # until the lifespan has asked the database
    return app
