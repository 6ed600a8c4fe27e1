"""Users, their roles and groups, password login with throttling, and API tokens.

Passwords are kept only as werkzeug hashes (scrypt by default). An API token is shown once, when
issued; the database keeps its HMAC-SHA256 under the server's secret (`digest`), so a request is
checked with one indexed lookup instead of a password hash. User changes are written to the audit
log in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from studio.runtime import audit
from studio.runtime.store.serialize import to_utc
from studio.runtime.store.service_tables import NAME, api_tokens, users

ROLES = ("analyst", "tester", "admin", "caseworker")
FIRST_ADMIN = "admin"
USERNAME = re.compile(rf"[A-Za-z0-9._@-]{{1,{NAME}}}")
MIN_PASSWORD, MAX_PASSWORD = 10, 1024
PASSWORD_METHOD = "scrypt"
TOKEN_PREFIX = "cs_"
MAX_TOKEN = 200
FREE_FAILURES = 5
"""Consecutive failed logins before the account locks."""
FIRST_LOCK, LONGEST_LOCK = timedelta(seconds=30), timedelta(minutes=15)
TOUCH_EVERY = timedelta(minutes=1)
"""How often a token's `last_used_at` is written at most."""
WRONG_LOGIN = "wrong username or password"
_DUMMY_HASHES: dict[str, str] = {}


class UserError(Exception):
    """A refused user operation; the message names the user and the reason."""


class InvalidUserInput(UserError, ValueError):
    """A username, password, role or group that cannot be used."""


class UnknownUser(UserError, LookupError):
    """No user of that name."""


class DuplicateUser(UserError):
    """A user of that name exists already."""


class LoginRefused(Exception):
    """A login that did not succeed; `retry_after` (seconds) when the account is locked."""

    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    roles: frozenset[str]
    groups: frozenset[str]
    active: bool

    def has(self, role: str) -> bool:
        """Whether the user holds `role`."""
        return role in self.roles


class UserStore:
    """Users and API tokens in the runtime database; `secret` keys the token digests."""

    def __init__(
        self, engine: sa.Engine, secret: bytes, *, password_method: str = PASSWORD_METHOD
    ) -> None:
        if not secret:
            raise ValueError("the token secret must not be empty")
        self.engine = engine
        self._secret = secret
        self._method = password_method

    # -- reading ---------------------------------------------------------------------------------

    def get(self, username: str) -> User | None:
        """The user named `username` (exactly), or None."""
        row = self._row(users.c.username == username)
        return None if row is None else _user(row)

    def get_by_id(self, user_id: int) -> User | None:
        """The user with id `user_id`, or None."""
        row = self._row(users.c.id == user_id)
        return None if row is None else _user(row)

    def list(self) -> list[User]:
        """All users, by username."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(users).order_by(users.c.username)).all()
        return [_user(row._mapping) for row in rows]

    def count(self) -> int:
        """How many users there are (active or not)."""
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(users)).scalar_one()

    # -- changing --------------------------------------------------------------------------------

    def add(
        self,
        username: str,
        password: str,
        roles: Iterable[str],
        groups: Iterable[str] = (),
        *,
        actor: str | None = None,
    ) -> User:
        """Create an active user; raises InvalidUserInput or DuplicateUser."""
        check_username(username)
        _check_password(username, password)
        role_list, group_list = check_roles(username, roles), check_groups(username, groups)
        hashed = self._hash(password)
        now = _utcnow()
        try:
            with self.engine.begin() as connection:
                clash = connection.execute(
                    sa.select(users.c.username).where(
                        sa.func.lower(users.c.username) == username.lower()
                    )
                ).first()
                if clash is not None:
                    raise DuplicateUser(_exists(username, clash.username))
                user_id = connection.execute(
                    users.insert().values(
                        username=username,
                        password_hash=hashed,
                        roles=role_list,
                        groups=group_list,
                        active=True,
                        failed_logins=0,
                        locked_until=None,
                        created_at=now,
                    )
                ).inserted_primary_key[0]
                details = {"roles": role_list, "groups": group_list}
                audit.record(connection, actor, "user.add", username, details, now=now)
        except sa.exc.IntegrityError:
            raise DuplicateUser(_exists(username, username)) from None
        return User(user_id, username, frozenset(role_list), frozenset(group_list), True)

    def set_roles(self, username: str, roles: Iterable[str], *, actor: str | None = None) -> User:
        """Replace the user's roles (refused when it would leave no active admin)."""
        new = check_roles(username, roles)
        return self._change(username, {"roles": new}, "user.set-roles", actor, "roles")

    def set_groups(self, username: str, groups: Iterable[str], *, actor: str | None = None) -> User:
        """Replace the user's groups."""
        new = check_groups(username, groups)
        return self._change(username, {"groups": new}, "user.set-groups", actor, "groups")

    def set_password(self, username: str, password: str, *, actor: str | None = None) -> User:
        """Set a new password; unlocks the account and revokes the user's API tokens."""
        _check_password(username, password)
        values = {"password_hash": self._hash(password), "failed_logins": 0, "locked_until": None}
        return self._change(username, values, "user.set-password", actor, revoke=True)

    def set_active(self, username: str, active: bool, *, actor: str | None = None) -> User:
        """Activate or deactivate the user (refused when it would leave no active admin)."""
        action = "user.activate" if active else "user.deactivate"
        return self._change(username, {"active": bool(active)}, action, actor)

    def _change(
        self,
        username: str,
        values: dict[str, Any],
        action: str,
        actor: str | None,
        shown: str | None = None,
        *,
        revoke: bool = False,
    ) -> User:
        with self.engine.begin() as connection:
            row = connection.execute(sa.select(users).where(users.c.username == username)).first()
            if row is None:
                raise UnknownUser(f"{username}: no such user")
            before = dict(row._mapping)
            after = {**before, **values}
            if _admin(before) and not _admin(after) and not _other_admin(connection, row.id):
                raise UserError(f"{username}: the last active admin must stay an active admin")
            connection.execute(users.update().where(users.c.id == row.id).values(values))
            if revoke:
                connection.execute(api_tokens.delete().where(api_tokens.c.user_id == row.id))
            details = None if shown is None else {shown: values[shown], "before": before[shown]}
            audit.record(connection, actor, action, username, details)
        return _user(after)

    # -- login -----------------------------------------------------------------------------------

    def authenticate(self, username: str, password: str, now: datetime | None = None) -> User:
        """The user, when the password is right; otherwise LoginRefused.

        Unknown users, wrong passwords and inactive users get the same message (and an unknown
        user costs a hash check too). After `FREE_FAILURES` consecutive failures the account is
        locked for 30 s, doubling with each further failure up to 15 min.
        """
        now = _utcnow() if now is None else to_utc(now)
        row = self._row(users.c.username == username)
        if row is None:
            check_password_hash(self._dummy(), password)
            raise LoginRefused(WRONG_LOGIN)
        locked_until = row["locked_until"]
        if locked_until is not None and locked_until > now:
            wait = math.ceil((locked_until - now).total_seconds())
            raise LoginRefused(f"too many failed logins; try again in {wait} s", wait)
        if not check_password_hash(row["password_hash"], password):
            self._failed(row["id"], username, now)
            raise LoginRefused(WRONG_LOGIN)
        if not row["active"]:
            raise LoginRefused(WRONG_LOGIN)
        if row["failed_logins"] or locked_until is not None:
            with self.engine.begin() as connection:
                connection.execute(
                    users.update()
                    .where(users.c.id == row["id"])
                    .values(failed_logins=0, locked_until=None)
                )
        return _user(row)

    def _failed(self, user_id: int, username: str, now: datetime) -> None:
        """Count a failed login; lock the account once there are too many."""
        where = users.c.id == user_id
        with self.engine.begin() as connection:
            connection.execute(
                users.update().where(where).values(failed_logins=users.c.failed_logins + 1)
            )
            failures = connection.execute(sa.select(users.c.failed_logins).where(where)).scalar()
            if failures is None or failures < FREE_FAILURES:
                return
            lock = lock_time(failures)
            connection.execute(users.update().where(where).values(locked_until=now + lock))
            details = {"failures": failures, "seconds": int(lock.total_seconds())}
            audit.record(connection, None, "login.locked", username, details, now=now)

    # -- API tokens ------------------------------------------------------------------------------

    def issue_token(
        self,
        user: User,
        name: str | None = None,
        ttl: timedelta | None = None,
        *,
        now: datetime | None = None,
    ) -> str:
        """A new bearer token for `user`, returned only now (the database keeps its digest)."""
        if not user.active:
            raise UserError(f"{user.username}: the user is deactivated")
        now = _utcnow() if now is None else to_utc(now)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            connection.execute(
                api_tokens.insert().values(
                    user_id=user.id,
                    digest=self.token_digest(token),
                    name=None if name is None else name[:NAME],
                    created_at=now,
                    expires_at=None if ttl is None else now + ttl,
                    last_used_at=None,
                )
            )
        return token

    def user_for_token(self, token: str, now: datetime | None = None) -> User | None:
        """The active user a valid, unexpired token belongs to, or None."""
        if not token or len(token) > MAX_TOKEN:
            return None
        now = _utcnow() if now is None else to_utc(now)
        digest = self.token_digest(token)
        query = (
            sa.select(
                api_tokens.c.id.label("token_id"),
                api_tokens.c.digest,
                api_tokens.c.expires_at,
                api_tokens.c.last_used_at,
                *(users.c[name] for name in ("id", "username", "roles", "groups", "active")),
            )
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.digest == digest)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None or not hmac.compare_digest(row.digest, digest):
            return None
        if (row.expires_at is not None and row.expires_at <= now) or not row.active:
            return None
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
            self._touch(row.token_id, now)
        return _user(row._mapping)

    def _touch(self, token_id: int, now: datetime) -> None:
        stale = sa.or_(
            api_tokens.c.last_used_at.is_(None), api_tokens.c.last_used_at <= now - TOUCH_EVERY
        )
        with self.engine.begin() as connection:
            connection.execute(
                api_tokens.update()
                .where(api_tokens.c.id == token_id, stale)
                .values(last_used_at=now)
            )

    def revoke_tokens(self, user: User, *, actor: str | None = None) -> int:
        """Revoke all of the user's tokens; how many there were."""
        with self.engine.begin() as connection:
            gone = connection.execute(
                api_tokens.delete().where(api_tokens.c.user_id == user.id)
            ).rowcount
            if gone:
                audit.record(
                    connection, actor, "user.revoke-tokens", user.username, {"tokens": gone}
                )
        return gone

    def revoke_token(self, token: str) -> bool:
        """Revoke one token (a logout); whether it existed."""
        with self.engine.begin() as connection:
            result = connection.execute(
                api_tokens.delete().where(api_tokens.c.digest == self.token_digest(token))
            )
        return bool(result.rowcount)

    def token_digest(self, token: str) -> str:
        """HMAC-SHA256 of `token` under the secret, in hex (what the database keeps)."""
        return hmac.new(self._secret, token.encode("utf-8"), hashlib.sha256).hexdigest()

    # -- helpers ---------------------------------------------------------------------------------

    def _row(self, condition: sa.ColumnElement[bool]) -> Mapping[str, Any] | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(users).where(condition)).first()
        return None if row is None else row._mapping

    def _hash(self, password: str) -> str:
        return generate_password_hash(password, method=self._method)

    def _dummy(self) -> str:
        """A hash of nothing anyone knows, checked for unknown users (same cost as a real one)."""
        if self._method not in _DUMMY_HASHES:
            _DUMMY_HASHES[self._method] = self._hash(secrets.token_urlsafe(16))
        return _DUMMY_HASHES[self._method]


def ensure_first_admin(
    store: UserStore, password: str | None, *, actor: str | None = None
) -> str | None:
    """Create `admin` with the admin role when there is no user at all.

    Uses `password` or, when None, a generated one, which is returned (to be shown once). Returns
    None when users exist or `password` was given.
    """
    if store.count():
        return None
    chosen = password if password is not None else generate_password()
    try:
        store.add(FIRST_ADMIN, chosen, ("admin",), actor=actor)
    except DuplicateUser:  # another process made it meanwhile
        return None
    return chosen if password is None else None


def generate_password() -> str:
    """A random password (about 120 bits)."""
    return secrets.token_urlsafe(15)


def lock_time(failures: int) -> timedelta:
    """How long an account with `failures` consecutive failed logins stays locked."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_LOCK * 2 ** min(failures - FREE_FAILURES, 16), LONGEST_LOCK)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _user(row: Mapping[str, Any]) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        roles=frozenset(row["roles"] or ()),
        groups=frozenset(row["groups"] or ()),
        active=bool(row["active"]),
    )


def _admin(row: Mapping[str, Any]) -> bool:
    return bool(row["active"]) and "admin" in (row["roles"] or ())


def _other_admin(connection: sa.Connection, user_id: int) -> bool:
    rows = connection.execute(
        sa.select(users.c.roles, users.c.active).where(users.c.id != user_id, users.c.active)
    )
    return any(_admin(row._mapping) for row in rows)


def _exists(username: str, existing: str) -> str:
    if existing == username:
        return f"{username}: a user of that name exists already"
    return f"{username}: the user {existing} exists already (usernames ignore case)"


def check_username(username: str) -> None:
    """Raise InvalidUserInput unless `username` is usable."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise InvalidUserInput(
            f"{username!r}: a username is 1 to {NAME} characters: letters, digits and . _ - @"
        )


def _check_password(username: str, password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidUserInput(f"{username}: a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidUserInput(f"{username}: a password has at most {MAX_PASSWORD} characters")


def check_roles(username: str, roles: Iterable[str]) -> list[str]:
    """The roles, sorted and unique; InvalidUserInput names an unknown one."""
    roles = [roles] if isinstance(roles, str) else list(roles)
    for role in roles:
        if role not in ROLES:
            raise InvalidUserInput(f"{username}: unknown role {role!r} (roles: {', '.join(ROLES)})")
    return sorted(set(roles))


def check_groups(username: str, groups: Iterable[str]) -> list[str]:
    """The groups, sorted and unique; InvalidUserInput names an unusable one."""
    groups = [groups] if isinstance(groups, str) else list(groups)
    for group in groups:
        if (
            not isinstance(group, str)
            or not 0 < len(group) <= NAME
            or group != group.strip()
            or not group.isprintable()
        ):
            raise InvalidUserInput(
                f"{username}: unusable group name {group!r} (1 to {NAME} printable characters, "
                "no surrounding spaces)"
            )
    return sorted(set(groups))
