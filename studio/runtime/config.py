"""Configuration from `STUDIO_*` environment variables, and the instance folder.

- `STUDIO_INSTANCE_PATH`: the instance folder (default `./instance`): the embedded SQLite
  database, the server's secret key, deployed projects unpacked for the engine.
- `STUDIO_DATABASE_URL`: the database (default `sqlite:///<instance>/studio.db`).
- `STUDIO_ADMIN_PASSWORD`: creates the first user, `admin`, when there is none.
- `STUDIO_REDIS_URL`: optional, for several server processes (Socket.IO message queue).
- `STUDIO_SECRET_KEY`: signs sessions and keys API-token digests (default: a random key kept in
  `<instance>/secret_key`, made on first use).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    instance_path: Path
    database_url: str
    admin_password: str | None
    redis_url: str | None
    secret_key: bytes

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
    )


def _instance_secret(instance: Path) -> bytes:
    """The instance's own random secret, made once and readable only by its owner."""
    path = instance / "secret_key"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
