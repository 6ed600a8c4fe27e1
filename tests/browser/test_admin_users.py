"""The users page (/admin): add a user with roles and see them listed, change their roles and
groups, deactivate them, reset a password; an admin cannot demote themselves; non-admins get the
403 page. Each page passes the accessibility scan."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import scan
from tests.browser.conftest import PASSWORD, login, login_admin, screenshot

pytestmark = pytest.mark.browser


def row(page, username: str):
    return page.locator(f"tr[data-username='{username}']")


def test_an_admin_adds_a_user_changes_roles_and_deactivates_them(page, studio, console) -> None:
    console.allow("status of 409")  # the refused duplicate, shown in words
    login_admin(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    scan(page)
    form = page.locator("#add-user")
    form.get_by_label("Username").fill("maya")
    form.get_by_role("button", name="Add the user").click()
    expect(form.get_by_role("alert")).to_have_text("Enter a password of at least 10 characters.")
    form.get_by_label("Password").fill("maya-password-1")
    form.get_by_role("button", name="Add the user").click()
    expect(form.get_by_role("alert")).to_have_text("Choose at least one role.")
    form.get_by_label("Case worker").check()
    form.get_by_label("Tester").check()
    form.get_by_label("Groups").fill("north, accounts")
    form.get_by_role("button", name="Add the user").click()
    expect(page.get_by_role("status")).to_have_text("maya was added.")
    expect(row(page, "maya")).to_contain_text("Case worker")
    expect(row(page, "maya")).to_contain_text("accounts, north")
    screenshot(page, "admin-users")

    form = page.locator("#add-user")
    form.get_by_label("Username").fill("MAYA")
    form.get_by_label("Password").fill("maya-password-2")
    form.get_by_label("Analyst").check()
    form.get_by_role("button", name="Add the user").click()
    expect(form.get_by_role("alert")).to_contain_text("exists already")

    row(page, "maya").get_by_role("button", name="Edit maya").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Tester")).to_be_checked()
    dialog.get_by_label("Tester").uncheck()
    dialog.get_by_label("Analyst").check()
    screenshot(page, "admin-users-edit")
    scan(page)
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("The changes to maya were saved.")
    assert studio.extensions["studio"].users.get("maya").roles == {"analyst", "caseworker"}

    row(page, "maya").get_by_role("button", name="Edit maya").click()
    page.get_by_role("dialog").get_by_label("Active").uncheck()
    page.get_by_role("dialog").get_by_role("button", name="Save changes").click()
    expect(row(page, "maya")).to_contain_text("Deactivated")
    assert not studio.extensions["studio"].users.get("maya").active
    changes = page.get_by_role("region", name="Recent changes")
    expect(changes.get_by_role("listitem").first).to_contain_text("admin deactivated maya")
    expect(changes).not_to_contain_text("changed the groups of maya")  # only changes are sent
    expect(changes).to_contain_text("admin changed the roles of maya — Analyst, Case worker")

    row(page, "maya").get_by_role("button", name="Edit maya").click()
    page.get_by_role("dialog").get_by_label("New password").fill("a-new-password-9")
    page.get_by_role("dialog").get_by_role("button", name="Reset the password").click()
    expect(page.get_by_role("status")).to_contain_text("The password of maya was reset")
    row(page, "maya").get_by_role("button", name="Edit maya").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke API tokens").click()
    expect(page.get_by_role("status")).to_have_text("API tokens of maya revoked: 0.")


def test_an_admin_cannot_demote_or_deactivate_themselves(page) -> None:
    login_admin(page)
    page.goto("/admin")
    row(page, "admin").get_by_role("button", name="Edit admin").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Administrator", exact=True)).to_be_disabled()
    expect(dialog.get_by_label("Active")).to_be_disabled()
    expect(dialog).to_contain_text("You cannot take away your own admin role")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_the_users_page_is_keyboard_navigable(page) -> None:
    login_admin(page)
    page.goto("/admin")
    edit = row(page, "ann").get_by_role("button", name="Edit ann")
    expect(edit).to_be_enabled()  # the page's script is ready: a press is not lost
    edit.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    focused = page.evaluate("document.activeElement.closest('dialog') !== null")
    assert focused, "the dialog takes the focus"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused control shows its focus"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_the_users_page_in_french(page) -> None:
    login_admin(page)
    page.goto("/admin")
    page.get_by_role("button", name="FR").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Ajouter l.utilisateur$"))).to_be_visible()
    scan(page)
    screenshot(page, "admin-users-fr")


def test_a_non_admin_gets_the_403_page(page, console) -> None:
    console.allow("status of 403")
    login(page, "carl", PASSWORD)
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").count() == 0
    )
    for path in ("/admin", "/admin/incidents", "/admin/jobs", "/deployments/1/migrate"):
        answer = page.goto(path)
        assert answer is not None and answer.status == 403
        expect(page.get_by_text("This page is not open to your roles.")).to_be_visible()
