"""Pages: a session login with CSRF protection; state-changing API calls from a session need the
CSRF token, bearer tokens do not."""

from __future__ import annotations

import re

from tests.web.conftest import PASSWORD


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def test_login_needs_the_csrf_token_and_the_right_password(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "<form" in page and 'type="password"' in page
    no_token = client.post("/login", data={"username": "carl", "password": PASSWORD})
    assert no_token.status_code == 400
    wrong = client.post("/login", data={"username": "carl", "password": "nope-nope-nope",
                                        "csrf_token": csrf_token(page)})  # fmt: skip
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.get_data(True)
    page = client.get("/login").get_data(as_text=True)
    done = client.post("/login", data={"username": "carl", "password": PASSWORD,
                                       "csrf_token": csrf_token(page)})  # fmt: skip
    assert done.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Welcome, carl" in home


def test_a_session_may_read_the_api_but_must_send_the_csrf_token_to_change_things(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "carl", "password": PASSWORD,
                                "csrf_token": csrf_token(page)})  # fmt: skip
    assert client.get("/api/v1/cases").status_code == 200
    refused = client.post("/api/v1/cases", json={"case": "X"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    token = csrf_token(client.get("/").get_data(as_text=True))
    allowed = client.post("/api/v1/cases", json={"case": "X"}, headers={"X-CSRFToken": token})
    assert allowed.status_code == 404  # past the CSRF check: no deployed case X


def test_the_login_page_speaks_the_browsers_language(client) -> None:
    french = {"Accept-Language": "fr-FR, fr;q=0.9"}
    page = client.get("/login", headers=french).get_data(as_text=True)
    assert (
        '<html lang="fr">' in page and "Nom d\u2019utilisateur" in page and "Se connecter" in page
    )
    wrong = client.post("/login", headers=french, data={
        "username": "carl", "password": "nope-nope-nope", "csrf_token": csrf_token(page)})  # fmt: skip
    assert "Nom d\u2019utilisateur ou mot de passe incorrect." in wrong.get_data(True)
