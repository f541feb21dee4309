"""Configuration from the environment and `.env` (pydantic-settings). Secrets are never logged."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

SUPPORTED_LOCALES = ("th", "en")


def _check_url(value: str | None, *, schemes: tuple[str, ...]) -> str | None:
    if value in (None, ""):
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ValueError(f"not a {'/'.join(schemes)} URL: {value!r}")
    return value.rstrip("/")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default_factory=lambda: f"sqlite+aiosqlite:///{Path.cwd() / 'hpp_bot.db'}")
    port: int = Field(default=8000, ge=1, le=65535)
    host: str = "127.0.0.1"
    default_locale: str = "th"
    public_base_url: str | None = None
    secret_key: SecretStr | None = None  # signs media links; defaults to the LINE secret or Telegram token
    log_level: str = "INFO"
    log_format: str = "text"  # "json": one JSON object a line, without personal data (bot/core/logs.py)
    metrics_token: SecretStr | None = None  # GET /metrics answers with `Authorization: Bearer <token>` only
    metrics_local: bool = False  # ... or, without a token, to requests from this machine (bot/web/metrics.py)

    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str | None = None  # content downloads; defaults to LINE_API_BASE_URL when set

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"

    line_bot_basic_id: str | None = None  # e.g. @123abcde: LINE invite links open the chat with the code typed
    telegram_bot_username: str | None = None  # e.g. hpp_province_bot: Telegram invite links (t.me/<name>)

    reminder_offsets: str = "14,7,3,1,0,-1"  # days before a deadline to remind; negative = overdue
    reminder_hour: int = Field(default=8, ge=0, le=23)  # reminders go out from this hour, Bangkok time
    scheduler_tick_seconds: float = Field(default=60.0, gt=0)
    # The scheduler is safe in every process (it claims its work row by row); a large deployment may keep it in one.
    run_scheduler: bool = True
    prune_after_days: int = Field(default=7, ge=1)  # applied inbox events and sent outbox rows are kept this long
    prune_payloads_after_hours: int = Field(default=24, ge=1)  # ... and what they said, this long (bot/core/prune.py)

    # The web simulator lets anyone act as any person, the secretariat included: "auto" keeps it on only while no
    # platform is configured, in this process or ever for this database (bot/core/platforms.py).
    simulator: str = "auto"

    run_workers_in_web: bool = True
    max_text_length: int = 1000
    max_image_bytes: int = 10 * 1024 * 1024
    inbox_poll_seconds: float = 0.5
    inbox_max_attempts: int = Field(default=5, ge=1)  # an event that fails this often is marked failed
    inbox_retry_seconds: float = Field(default=2.0, ge=0)  # first wait before applying it again; doubles each time
    outbox_poll_seconds: float = 0.5
    answer_days_default: int = 15
    reopen_days: int = 7
    complaints_per_day: int = 5
    # The web desk's map tiles (Leaflet): a government tile server where the network blocks the public one.
    desk_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    desk_tile_attribution: str = "© OpenStreetMap contributors"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError(f"not a database URL: {value!r}")
        # Accept the URLs hosting platforms hand out and pick the async drivers.
        for plain, driver in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite:///", "sqlite+aiosqlite:///"),
        ):
            if value.startswith(plain):
                return driver + value[len(plain) :]
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        return _check_url(value, schemes=("http", "https"))

    @field_validator("line_api_base_url", "telegram_api_base_url", "line_data_api_base_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        return _check_url(value, schemes=("http", "https"))

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}, not {value!r}")
        return value

    @field_validator("reminder_offsets")
    @classmethod
    def _offsets(cls, value: str) -> str:
        try:
            days = sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True)
        except ValueError:
            raise ValueError(f"whole numbers of days separated by commas, e.g. 14,7,3,1,0,-1; not {value!r}") from None
        if not days:
            raise ValueError("at least one number of days is needed")
        return ",".join(str(day) for day in days)

    @property
    def reminder_offset_days(self) -> tuple[int, ...]:
        return tuple(int(day) for day in self.reminder_offsets.split(","))

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value not in ("text", "json"):
            raise ValueError(f"LOG_FORMAT must be text or json, not {value!r}")
        return value

    @field_validator("simulator")
    @classmethod
    def _simulator(cls, value: str) -> str:
        if value not in ("auto", "on", "off"):
            raise ValueError(f"SIMULATOR must be auto, on or off, not {value!r}")
        return value

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def served_url(self) -> str:
        """Where people reach this installation: PUBLIC_BASE_URL, else the address `hpp-bot serve` listens on
        (development: the simulator's download links work in the same browser)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return self.public_base_url or f"http://{host}:{self.port}"


class SettingsError(SystemExit):
    """A bad configuration value: stops start-up with one clear line."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper() or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"hpp-bot: bad configuration: {problems}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def log_channels(settings: Settings) -> None:
    """Say once which platforms are on; a platform without credentials is simply off. (The web app says whether
    the simulator is on: that needs the database, see bot/core/platforms.py.)"""
    if settings.line_enabled:
        log.info("LINE channel: on (API %s)", settings.line_api_base_url)
    else:
        log.info("LINE channel: off (LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN not set)")
    if settings.telegram_enabled:
        log.info("Telegram channel: on (API %s)", settings.telegram_api_base_url)
    else:
        log.info("Telegram channel: off (TELEGRAM_BOT_TOKEN not set)")
