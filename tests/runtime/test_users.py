"""Users, password login with throttling, API tokens and the first admin, on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from studio.runtime import audit
from studio.runtime.store.database import make_engine
from studio.runtime.store.migrate import upgrade
from studio.runtime.store.service_tables import api_tokens, users
from studio.runtime.users import (
    FIRST_ADMIN,
    ROLES,
    DuplicateUser,
    InvalidUserInput,
    LoginRefused,
    UnknownUser,
    User,
    UserError,
    UserStore,
    ensure_first_admin,
    lock_time,
)
from tests.runtime.test_store import postgres_engine, sqlite_url

__all__ = ["postgres_engine"]  # a fixture, shared with test_store

SECRET = b"test-secret"
FAST = "pbkdf2:sha256:1000"  # the tests' hashes; the default (scrypt) is checked on its own
PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[sa.Engine]:
    if request.param == "sqlite":
        made = make_engine(sqlite_url(tmp_path))
        upgrade(made)
        yield made
        made.dispose()
    else:
        made = request.getfixturevalue("postgres_engine")
        upgrade(made)
        yield made


@pytest.fixture
def store(engine: sa.Engine) -> UserStore:
    return UserStore(engine, SECRET, password_method=FAST)


def stored(engine: sa.Engine, table: sa.Table) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa.select(table))]


# -- users ----------------------------------------------------------------------------------------


def test_add_and_read_back(store: UserStore) -> None:
    added = store.add("ann.lee@example", PASSWORD, ["caseworker", "tester"], ["claims"])
    assert added == User(added.id, "ann.lee@example", frozenset({"caseworker", "tester"}),
                         frozenset({"claims"}), True)  # fmt: skip
    assert added.has("tester") and not added.has("admin")
    assert store.get("ann.lee@example") == added == store.get_by_id(added.id)
    assert store.get("nobody") is None and store.get_by_id(added.id + 1000) is None
    assert store.count() == 1 and store.list() == [added]


def test_passwords_are_stored_only_as_scrypt_hashes(engine: sa.Engine) -> None:
    store = UserStore(engine, SECRET)  # the default method
    store.add("ann", PASSWORD, ["analyst"])
    (row,) = stored(engine, users)
    assert row["password_hash"].startswith("scrypt:")
    assert PASSWORD not in repr(row)
    assert store.authenticate("ann", PASSWORD).username == "ann"


@pytest.mark.parametrize(
    ("username", "password", "roles", "groups", "wrong"),
    [
        ("", PASSWORD, ["admin"], [], "username"),
        ("a b", PASSWORD, ["admin"], [], "username"),
        ("x" * 151, PASSWORD, ["admin"], [], "username"),
        ("<script>", PASSWORD, ["admin"], [], "username"),
        ("ann", "short", ["admin"], [], "at least 10 characters"),
        ("ann", PASSWORD, ["boss"], [], "unknown role 'boss'"),
        ("ann", PASSWORD, ["admin"], [" padded"], "group"),
        ("ann", PASSWORD, ["admin"], [""], "group"),
    ],
)
def test_invalid_input_is_refused_naming_it(store, username, password, roles, groups, wrong):
    with pytest.raises(InvalidUserInput, match=wrong):
        store.add(username, password, roles, groups)
    assert store.count() == 0


def test_a_duplicate_username_is_refused_whatever_its_case(store: UserStore) -> None:
    store.add("ann", PASSWORD, ["analyst"])
    with pytest.raises(DuplicateUser, match="ann"):
        store.add("ann", PASSWORD, ["tester"])
    with pytest.raises(DuplicateUser, match="ignore case"):
        store.add("ANN", PASSWORD, ["tester"])
    assert store.count() == 1


def test_changes_and_their_audit_entries(store: UserStore, engine: sa.Engine) -> None:
    store.add("root", PASSWORD, ["admin"], actor="cli:ops")
    store.add("ann", PASSWORD, ["caseworker"], actor="root")
    assert store.set_roles("ann", ["tester", "analyst"], actor="root").roles == {
        "tester", "analyst"
    }  # fmt: skip
    assert store.set_groups("ann", ["a", "b"], actor="root").groups == {"a", "b"}
    store.set_password("ann", "another long one", actor="root")
    assert not store.set_active("ann", False, actor="root").active
    assert store.get("ann") == User(store.get("ann").id, "ann", frozenset({"analyst", "tester"}),
                                    frozenset({"a", "b"}), False)  # fmt: skip
    log = audit.entries(engine)
    assert [(e["actor"], e["action"], e["target"]) for e in reversed(log)] == [
        ("cli:ops", "user.add", "root"),
        ("root", "user.add", "ann"),
        ("root", "user.set-roles", "ann"),
        ("root", "user.set-groups", "ann"),
        ("root", "user.set-password", "ann"),
        ("root", "user.deactivate", "ann"),
    ]
    roles = audit.entries(engine, action="user.set-roles")[0]["details"]
    assert roles == {"roles": ["analyst", "tester"], "before": ["caseworker"]}
    assert "another long one" not in repr(log) and PASSWORD not in repr(log)


def test_changing_an_unknown_user_names_it(store: UserStore) -> None:
    for change in (
        lambda: store.set_roles("ghost", ["admin"]),
        lambda: store.set_groups("ghost", []),
        lambda: store.set_password("ghost", PASSWORD),
        lambda: store.set_active("ghost", False),
    ):
        with pytest.raises(UnknownUser, match="ghost: no such user"):
            change()


def test_the_last_active_admin_keeps_the_role(store: UserStore) -> None:
    store.add("root", PASSWORD, ["admin"])
    with pytest.raises(UserError, match="root: the last active admin"):
        store.set_roles("root", ["analyst"])
    with pytest.raises(UserError, match="last active admin"):
        store.set_active("root", False)
    store.add("second", PASSWORD, ["admin", "tester"])
    assert store.set_roles("root", ["analyst"]).roles == {"analyst"}
    with pytest.raises(UserError):
        store.set_active("second", False)


# -- login ----------------------------------------------------------------------------------------


def test_authenticate_refuses_alike_whatever_is_wrong(store: UserStore) -> None:
    store.add("root", PASSWORD, ["admin"])
    store.add("ann", PASSWORD, ["analyst"])
    store.set_active("ann", False)
    assert store.authenticate("root", PASSWORD).has("admin")
    messages = set()
    for username, password in [("root", "wrong password"), ("nobody", PASSWORD), ("ann", PASSWORD)]:
        with pytest.raises(LoginRefused) as refused:
            store.authenticate(username, password)
        messages.add(refused.value.reason)
        assert refused.value.retry_after is None
    assert messages == {"wrong username or password"}


def test_five_failures_lock_the_account_for_a_growing_time(store: UserStore, engine) -> None:
    store.add("ann", PASSWORD, ["analyst"])
    for n in range(5):
        with pytest.raises(LoginRefused, match="wrong username"):
            store.authenticate("ann", "nope nope nope", now=T0 + timedelta(seconds=n))
    at = T0 + timedelta(seconds=10)  # locked at T0+4s for 30 s: until T0+34s
    with pytest.raises(LoginRefused, match="too many failed logins; try again in 24 s") as locked:
        store.authenticate("ann", PASSWORD, now=at)  # even the right password
    assert locked.value.retry_after == 24
    # After the lock, one more failure locks for twice as long.
    with pytest.raises(LoginRefused, match="wrong username"):
        store.authenticate("ann", "nope nope nope", now=T0 + timedelta(seconds=40))
    with pytest.raises(LoginRefused, match="try again in 60 s"):
        store.authenticate("ann", PASSWORD, now=T0 + timedelta(seconds=40))
    # Success after the lock resets the counter: four more failures do not lock.
    assert store.authenticate("ann", PASSWORD, now=T0 + timedelta(seconds=100)).username == "ann"
    for n in range(4):
        with pytest.raises(LoginRefused, match="wrong username"):
            store.authenticate("ann", "nope nope nope", now=T0 + timedelta(seconds=200 + n))
    assert store.authenticate("ann", PASSWORD, now=T0 + timedelta(seconds=300))
    assert audit.entries(engine, action="login.locked")[0]["details"] == {
        "failures": 6, "seconds": 60
    }  # fmt: skip


def test_lock_time_doubles_up_to_fifteen_minutes() -> None:
    assert [lock_time(n).total_seconds() for n in (4, 5, 6, 7, 9, 10, 50)] == [
        0, 30, 60, 120, 480, 900, 900
    ]  # fmt: skip


def test_a_new_password_unlocks_the_account(store: UserStore) -> None:
    store.add("ann", PASSWORD, ["analyst"])
    for _ in range(5):
        with pytest.raises(LoginRefused):
            store.authenticate("ann", "nope nope nope", now=T0)
    store.set_password("ann", "a brand new password")
    assert store.authenticate("ann", "a brand new password", now=T0).username == "ann"


# -- API tokens -----------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_as_a_keyed_digest(store, engine) -> None:
    ann = store.add("ann", PASSWORD, ["caseworker"])
    token = store.issue_token(ann, name="laptop")
    assert token.startswith("cs_") and len(token) > 40
    (row,) = stored(engine, api_tokens)
    assert row["digest"] != token and token not in repr(row) and len(row["digest"]) == 64
    assert row["digest"] == store.token_digest(token) and row["name"] == "laptop"
    assert store.user_for_token(token) == ann
    assert UserStore(engine, b"another secret").user_for_token(token) is None
    assert store.user_for_token(token + "x") is None
    assert store.user_for_token("") is None and store.user_for_token("x" * 10_000) is None


def test_tokens_expire(store: UserStore) -> None:
    ann = store.add("ann", PASSWORD, ["caseworker"])
    token = store.issue_token(ann, ttl=timedelta(hours=1), now=T0)
    assert store.user_for_token(token, now=T0 + timedelta(minutes=59)) == ann
    assert store.user_for_token(token, now=T0 + timedelta(hours=1)) is None


def test_tokens_of_inactive_users_are_refused(store: UserStore) -> None:
    store.add("root", PASSWORD, ["admin"])
    ann = store.add("ann", PASSWORD, ["caseworker"])
    token = store.issue_token(ann)
    store.set_active("ann", False)
    assert store.user_for_token(token) is None
    with pytest.raises(UserError, match="ann: the user is deactivated"):
        store.issue_token(store.get("ann"))
    store.set_active("ann", True)
    assert store.user_for_token(token).username == "ann"


def test_revoking_tokens(store: UserStore, engine: sa.Engine) -> None:
    ann = store.add("ann", PASSWORD, ["caseworker"])
    first, second, third = (store.issue_token(ann) for _ in range(3))
    assert store.revoke_token(first) and not store.revoke_token(first)
    assert store.user_for_token(first) is None and store.user_for_token(second) == ann
    assert store.revoke_tokens(ann, actor="root") == 2
    assert store.user_for_token(second) is None and store.user_for_token(third) is None
    assert audit.entries(engine, action="user.revoke-tokens")[0]["details"] == {"tokens": 2}
    fourth = store.issue_token(ann)
    store.set_password("ann", "a brand new password")
    assert store.user_for_token(fourth) is None


def test_last_used_is_written_at_most_once_a_minute(store: UserStore, engine) -> None:
    ann = store.add("ann", PASSWORD, ["caseworker"])
    token = store.issue_token(ann, now=T0)

    def last_used() -> datetime | None:
        return stored(engine, api_tokens)[0]["last_used_at"]

    updates: list[str] = []

    def seen(_connection, _cursor, statement: str, *_rest) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):
            updates.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    store.user_for_token(token, now=T0)
    assert last_used() == T0 and len(updates) == 1
    store.user_for_token(token, now=T0 + timedelta(seconds=59))
    assert last_used() == T0 and len(updates) == 1  # a read only
    store.user_for_token(token, now=T0 + timedelta(seconds=61))
    assert last_used() == T0 + timedelta(seconds=61) and len(updates) == 2


# -- the first admin ------------------------------------------------------------------------------


def test_the_first_admin_from_a_given_password(store: UserStore) -> None:
    assert ensure_first_admin(store, "given password 1") is None
    (admin,) = store.list()
    assert admin.username == FIRST_ADMIN and admin.roles == {"admin"}
    assert store.authenticate(FIRST_ADMIN, "given password 1") == admin


def test_the_first_admin_with_a_generated_password(store: UserStore) -> None:
    generated = ensure_first_admin(store, None)
    assert generated and len(generated) >= 16
    assert store.authenticate(FIRST_ADMIN, generated).has("admin")


def test_no_first_admin_when_users_exist(store: UserStore) -> None:
    store.add("ann", PASSWORD, ["caseworker"])
    assert ensure_first_admin(store, None) is None
    assert ensure_first_admin(store, "given password 1") is None
    assert [u.username for u in store.list()] == ["ann"]


def test_a_short_admin_password_is_refused(store: UserStore) -> None:
    with pytest.raises(InvalidUserInput, match="at least 10"):
        ensure_first_admin(store, "short")
    assert store.count() == 0


def test_roles_are_the_four_of_the_design() -> None:
    assert set(ROLES) == {"analyst", "tester", "admin", "caseworker"}


def test_an_empty_secret_is_refused(engine: sa.Engine) -> None:
    with pytest.raises(ValueError, match="secret"):
        UserStore(engine, b"")
