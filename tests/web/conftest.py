"""A server app on a temporary instance folder, its users, and a zipped model project."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from studio.runtime.config import load_settings
from studio.web import create_app
from tests.conftest import shared_path

ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "a-long-password"


@pytest.fixture
def app(tmp_path: Path):
    settings = load_settings(
        {
            "STUDIO_INSTANCE_PATH": str(tmp_path / "instance"),
            "STUDIO_ADMIN_PASSWORD": ADMIN_PASSWORD,
        }
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    users = app.extensions["studio"].users
    users.add("carl", PASSWORD, ["caseworker"])
    users.add("cora", PASSWORD, ["caseworker"], groups=["reviewers"])
    users.add("ann", PASSWORD, ["analyst"])
    yield app
    app.extensions["studio"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def token(client, username: str, password: str = PASSWORD) -> dict[str, str]:
    done = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert done.status_code == 200, done.get_json()
    return {"Authorization": f"Bearer {done.get_json()['token']}"}


def admin(client) -> dict[str, str]:
    return token(client, "admin", ADMIN_PASSWORD)


def zipped(folder: Path, top: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                archive.write(path, f"{top}{path.name}")
    return buffer.getvalue()


def mixed_zip() -> bytes:
    return zipped(shared_path("acceptance/mixed"), "invoices/")
