"""Configuration from `STUDIO_*` environment variables, and the instance folder.

- `STUDIO_INSTANCE_PATH`: the instance folder (default `./instance`): the embedded SQLite
  database, the server's secret key, deployed projects unpacked for the engine.
- `STUDIO_DATABASE_URL`: the database (default `sqlite:///<instance>/studio.db`).
- `STUDIO_ADMIN_PASSWORD`: creates the first user, `admin`, when there is none.
- `STUDIO_REDIS_URL`: optional, for several server processes (Socket.IO message queue).
- `STUDIO_REDIS_CHANNEL`: the Redis channel of that queue (default `case-studio`): installs
  sharing one Redis each need their own, or their live updates mix.
- `STUDIO_SECRET_KEY`: signs sessions and keys API-token digests (default: a random key kept in
  `<instance>/secret_key`, made on first use).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """A `STUDIO_*` variable with a value that cannot be used (the message names it)."""


@dataclass(frozen=True, slots=True)
class Settings:
    instance_path: Path
    database_url: str
    admin_password: str | None
    redis_url: str | None
    secret_key: bytes
    redis_channel: str = "case-studio"
    trusted_proxies: int = 0
    """How many proxies in front set `X-Forwarded-For` (the client address seen is theirs)."""
    pool_size: int = 5
    max_overflow: int = 10
    """A server database pool: `pool_size` connections kept, `max_overflow` more at peaks
    (SQLAlchemy's defaults; not for the embedded SQLite file)."""

    @property
    def engine_options(self) -> dict[str, int]:
        """Options of the server's database engine (its pool, for a server database)."""
        if self.embedded:
            return {}
        return {"pool_size": self.pool_size, "max_overflow": self.max_overflow}

    @property
    def embedded(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from the environment (the instance folder is created if missing)."""
    env = os.environ if environ is None else environ
    instance = Path(env.get("STUDIO_INSTANCE_PATH") or "instance").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    database = env.get("STUDIO_DATABASE_URL") or f"sqlite:///{instance / 'studio.db'}"
    secret = env.get("STUDIO_SECRET_KEY")
    return Settings(
        instance_path=instance,
        database_url=database,
        admin_password=env.get("STUDIO_ADMIN_PASSWORD") or None,
        redis_url=env.get("STUDIO_REDIS_URL") or None,
        secret_key=secret.encode() if secret else _instance_secret(instance),
        redis_channel=env.get("STUDIO_REDIS_CHANNEL") or "case-studio",
        trusted_proxies=_count(env, "STUDIO_TRUSTED_PROXIES", 0, 10, "proxies"),
        pool_size=_count(env, "STUDIO_DATABASE_POOL_SIZE", 1, 100, "connections", 5),
        max_overflow=_count(env, "STUDIO_DATABASE_MAX_OVERFLOW", 0, 100, "connections", 10),
    )


def _count(
    env: Mapping[str, str], name: str, low: int, high: int, what: str, default: int = 0
) -> int:
    """A small number from the environment, `default` when unset."""
    text = (env.get(name) or str(default)).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise ConfigError(f"{name} must be a number of {what} from {low} to {high}, not {text!r}")
    return int(text)


def _instance_secret(instance: Path) -> bytes:
    """The instance's own random secret, made once and readable only by its owner. Server
    processes starting together on one instance folder agree on it: the key is written to a
    file of its own, then linked into place, so none reads a half-written key or makes a second."""
    path = instance / "secret_key"
    if not path.exists():
        draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as stream:
                stream.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: theirs it is
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text().strip().encode()
