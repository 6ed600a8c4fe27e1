"""Password spraying: one address failing logins on many accounts is stopped, others are not."""

from __future__ import annotations

import pytest

from studio.runtime.config import load_settings
from studio.runtime.users import LoginRefused
from studio.web.login_guard import LoginGuard


def test_an_address_past_the_limit_waits_until_its_oldest_failure_leaves_the_window():
    now = [1000.0]
    guard = LoginGuard(max_failures=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        guard.check("10.0.0.9")
        guard.failed("10.0.0.9")
        now[0] += 1
    with pytest.raises(LoginRefused) as refused:
        guard.check("10.0.0.9")
    assert refused.value.retry_after == 57
    guard.check("10.0.0.10")  # another address is not concerned
    now[0] += 57
    guard.check("10.0.0.9")


def test_spraying_one_password_over_many_accounts_is_refused_over_http(app):
    guard = app.extensions["studio_login_guard"] = LoginGuard(max_failures=5)
    client = app.test_client()
    answers = [
        client.post("/api/v1/auth/token", json={"username": f"user{n}", "password": "Winter2026"})
        for n in range(7)
    ]
    assert [a.status_code for a in answers] == [401] * 7
    assert "too many failed logins from this address" in answers[-1].get_json()["error"]["message"]
    assert answers[-1].get_json()["error"]["details"]["retry_after"] > 0
    other = app.test_client()
    from_elsewhere = other.post(
        "/api/v1/auth/token",
        json={"username": "nobody", "password": "x"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert "from this address" not in from_elsewhere.get_json()["error"]["message"]
    assert len(guard.failures["127.0.0.1"]) == 5


def test_the_client_address_comes_from_x_forwarded_for_only_behind_trusted_proxies(tmp_path):
    assert load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path)}).trusted_proxies == 0
    settings = load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path), "STUDIO_TRUSTED_PROXIES": "1"})
    assert settings.trusted_proxies == 1
    with pytest.raises(ValueError, match="STUDIO_TRUSTED_PROXIES must be a number"):
        load_settings({"STUDIO_INSTANCE_PATH": str(tmp_path), "STUDIO_TRUSTED_PROXIES": "all"})
