"""`studio serve`: a database it cannot use said in words; the session cookie Secure on demand."""

from __future__ import annotations

import pytest

from studio.runtime.config import load_settings
from studio.web.serve import run_server, serving_app


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql+psycopg://studio:s3cret@127.0.0.1:1/none", "cannot reach the database"),
        ("mysql+notadriver://studio:s3cret@127.0.0.1/none", "the driver of the database"),
        ("postgresql://studio:s3cret@127.0.0.1:five/none", "STUDIO_DATABASE_URL is not a database"),
    ],
)
def test_an_unusable_database_is_named_and_its_password_hidden(
    url: str, said: str, tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("STUDIO_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("STUDIO_DATABASE_URL", url)
    assert run_server("127.0.0.1", 1) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"studio serve: {said}") and "127.0.0.1" in error
    assert "s3cret" not in error and "Traceback" not in error


@pytest.mark.parametrize(("switch", "secure"), [("on", True), ("off", False), (None, False)])
def test_secure_cookies_keep_the_session_cookie_off_plain_http(
    switch: str | None, secure: bool, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("STUDIO_EXECUTOR", "off")
    if switch is None:
        monkeypatch.delenv("STUDIO_SECURE_COOKIES", raising=False)
    else:
        monkeypatch.setenv("STUDIO_SECURE_COOKIES", switch)
    app = serving_app(load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path)}))
    cookie = app.test_client().get("/login").headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert ("; Secure" in cookie) is secure
