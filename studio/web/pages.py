"""Pages: log in and out with a session (the studio's pages come with the web studio)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext

from studio.runtime.users import LoginRefused
from studio.web.auth import current_user, log_in

pages = Blueprint("pages", __name__, template_folder="templates")


@pages.get("/")
def home() -> Any:
    user = current_user()
    if user is None:
        return redirect(url_for("pages.login"))
    return render_template("home.html", user=user)


@pages.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        from studio.web.auth import csrf

        csrf.protect()
        try:
            user = log_in(request.form.get("username", ""), request.form.get("password", ""))
        except LoginRefused as exc:
            wait = exc.retry_after
            error = (
                gettext("Too many failed logins: try again in %(seconds)s s.", seconds=wait)
                if wait
                else gettext("Wrong username or password.")
            )
        else:
            session.clear()
            session["user_id"] = user.id
            return redirect(url_for("pages.home"))
    return render_template("login.html", error=error), 401 if error else 200


@pages.post("/logout")
def logout() -> Any:
    from studio.web.auth import csrf

    csrf.protect()
    session.clear()
    return redirect(url_for("pages.login"))
