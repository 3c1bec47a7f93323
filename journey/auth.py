"""Staff users and their API tokens: argon2 password hashes, sha256-hashed bearer tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from journey.db import utcnow
from journey.errors import Conflict, InvalidInput, NotFound, Unauthorized
from journey.models import ApiToken, AuditLog, StaffUser

Role = Literal["agent", "manager", "admin"]
ROLES: tuple[Role, ...] = ("agent", "manager", "admin")
TOKEN_PREFIX = "ja_"
USE_PRECISION = timedelta(minutes=1)

_hasher = PasswordHasher()


@functools.cache
def _no_account_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _digest(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; passwords get argon2.
    return hashlib.sha256(token.encode()).hexdigest()


class AuthService:
    def __init__(self, session: Session, token_ttl_days: int = 30) -> None:
        self.session = session
        self.token_ttl = timedelta(days=token_ttl_days)

    def create_user(self, email: str, name: str, role: str, password: str | None) -> StaffUser:
        if role not in ROLES:
            raise InvalidInput(f"role: must be one of {', '.join(ROLES)}, not {role!r}")
        if password is not None and len(password) < 8:
            raise InvalidInput("password: at least 8 characters")
        email = email.strip().lower()
        if self.session.scalar(select(StaffUser).where(StaffUser.email == email)):
            raise Conflict(f"a staff user with email {email} already exists")
        user = StaffUser(
            email=email,
            name=name,
            role=role,
            password_hash=_hasher.hash(password) if password else None,
        )
        self.session.add(user)
        self.session.flush()
        self.session.add(
            AuditLog(
                actor="system",
                action="user.created",
                target_type="staff_user",
                target_id=str(user.id),
                details={"role": role},
            )
        )
        return user

    def issue_token(self, user: StaffUser, name: str = "cli") -> str:
        """A new bearer token; only its hash is stored, so this is the one chance to see it."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.session.add(
            ApiToken(
                user_id=user.id,
                name=name,
                token_hash=_digest(token),
                prefix=token[:10],
                expires_at=utcnow() + self.token_ttl,
            )
        )
        self.session.flush()
        return token

    def login(self, email: str, password: str) -> tuple[StaffUser, str]:
        user = self.session.scalar(select(StaffUser).where(StaffUser.email == email.lower()))
        try:
            if user is None or not user.active or user.password_hash is None:
                # As slow as a wrong password: the time taken does not tell who has an account.
                _hasher.verify(_no_account_hash(), password)
                raise VerificationError()
            _hasher.verify(user.password_hash, password)
        except VerificationError:
            raise Unauthorized("wrong email or password") from None
        return user, self.issue_token(user, name="login")

    def authenticate(self, token: str, now: datetime | None = None) -> ApiToken:
        """The valid token row (its `user` is who calls). Writes nothing, so a request that only
        reads can authenticate in a read-only session; `record_use` notes the use."""
        now = now or utcnow()
        row = self.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if row is None or row.revoked_at is not None:
            raise Unauthorized("invalid or revoked token")
        if row.expires_at is not None and row.expires_at <= now:
            raise Unauthorized("token expired")
        if not row.user.active:
            raise Unauthorized("user is deactivated")
        return row

    @staticmethod
    def use_is_stale(row: ApiToken, now: datetime | None = None) -> bool:
        """Uses are noted to the minute: a write on every request would turn each read into one."""
        return row.last_used_at is None or row.last_used_at <= (now or utcnow()) - USE_PRECISION

    def record_use(self, token_id: int, now: datetime | None = None) -> None:
        self.session.execute(
            update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now or utcnow())
        )

    def change_user(
        self, user_id: int, actor: str, role: str | None = None, active: bool | None = None
    ) -> StaffUser:
        """Change a staff user's role or deactivate them (which revokes their tokens, so every
        session and API client of theirs stops at once); the last active admin stays one."""
        user = self.session.get(StaffUser, user_id)
        if user is None:
            raise NotFound(f"no staff user {user_id}")
        if role is not None and role not in ROLES:
            raise InvalidInput(f"role: must be one of {', '.join(ROLES)}, not {role!r}")
        losing_admin = (
            user.role == "admin"
            and user.active
            and ((role is not None and role != "admin") or active is False)
        )
        if losing_admin and self._active_admins() <= 1:
            raise Conflict("this is the last active admin: make another admin first")
        changed: dict[str, object] = {}
        if role is not None and role != user.role:
            changed["role"] = [user.role, role]
            user.role = role
        if active is not None and active != user.active:
            changed["active"] = active
            user.active = active
            if not active:
                changed["tokens_revoked"] = self.revoke_all(user)
        self.session.add(AuditLog(actor=actor, action="user.changed", target_type="staff_user",
                                  target_id=str(user.id), details=changed))  # fmt: skip
        return user

    def revoke_all(self, user: StaffUser, actor: str | None = None) -> int:
        """Revoke every token of the user: they are signed out everywhere. Returns how many."""
        now = utcnow()
        live = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        rows = self.session.scalars(live).all()
        for row in rows:
            row.revoked_at = now
        if actor is not None:
            self.session.add(AuditLog(actor=actor, action="user.tokens_revoked",
                                      target_type="staff_user", target_id=str(user.id),
                                      details={"tokens": len(rows)}))  # fmt: skip
        return len(rows)

    def _active_admins(self) -> int:
        return self.session.scalar(select(func.count()).where(
            StaffUser.role == "admin", StaffUser.active)) or 0  # fmt: skip

    def revoke(self, token: str) -> None:
        row = self.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
