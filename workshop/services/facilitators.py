"""Facilitator accounts: the one-time set-up link, creating accounts, signing in and out.

An administrator (the first account, made through the set-up link or with the shell's
--admin) lists, creates and deactivates the installation's accounts from a page; the shell's
commands may do the same for anyone who can run them.

Hashing a password costs CPU on purpose. Each function that hashes takes an `offload`, the
caller's way of running that work (the pages pass the one run.py installs, a thread off the
event loop; the shell and the tests call directly). The service keeps the rules (which
method, hashing even for an unknown name) and knows nothing of eventlet or Flask.

A browser's sign-in lasts while the account's `session_epoch` is the one it signed in with:
signing out, changing the password and deactivating the account move it on, which ends every
session of that account at once, on every browser and socket.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.errors import DomainError
from ..domain.text import clean_text
from ..domain.tokens import new_token, token_digest
from ..models import Facilitator, SetupToken, utcnow

# Deliberately slow to compute; the tests swap in a fast one (a hash records its own method,
# so checking works for either).
PASSWORD_METHOD = "scrypt"  # noqa: S105  (a hash method, not a password)
MIN_PASSWORD_LENGTH = 10
NAME_MAX_LENGTH = 80
_UNKNOWN_NAME_HASH = generate_password_hash(secrets.token_urlsafe(16))

Offload = Callable[..., Any]


def _direct(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def has_facilitator(session: Session) -> bool:
    """Whether anyone can sign in yet."""
    return session.execute(select(func.count()).select_from(Facilitator)).scalar_one() > 0


def issue_setup_token(session: Session) -> str:
    """A fresh one-time set-up token; any earlier one stops working."""
    session.execute(delete(SetupToken))
    token = new_token()
    session.add(SetupToken(token_hash=token_digest(token), created_at=utcnow()))
    session.flush()
    return token


def setup_token_valid(session: Session, token: str) -> bool:
    """Whether a set-up link may still be used."""
    found = session.execute(
        select(SetupToken).where(SetupToken.token_hash == token_digest(token))
    ).scalar_one_or_none()
    return found is not None


def _check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short",
                          f"password must be at least {MIN_PASSWORD_LENGTH} characters")


def _hash(password: str, offload: Offload) -> str:
    return offload(generate_password_hash, password, method=PASSWORD_METHOD)


def create_facilitator(session: Session, name: str, password: str, *,
                       offload: Offload = _direct, admin: bool = False) -> Facilitator:
    """A new facilitator account with a hashed password; `admin` administers the accounts.

    Any set-up link stops working: it is for the first account only, and one made from the
    shell is a first account too.
    """
    name = clean_text(name, max_length=NAME_MAX_LENGTH, required=True, field_name="name")
    _check_password(password)
    if _by_name(session, name) is not None:
        raise DomainError("name_taken", "that name is taken")
    facilitator = Facilitator(name=name, password_hash=_hash(password, offload),
                              created_at=utcnow(), is_admin=admin)
    session.add(facilitator)
    session.execute(delete(SetupToken))
    session.flush()
    return facilitator


def redeem_setup_token(session: Session, token: str, name: str, password: str, *,
                       offload: Offload = _direct) -> Facilitator:
    """Create the first facilitator through the set-up link, which then stops working.

    The first account administers the installation: someone has to be able to add the others.
    """
    if not setup_token_valid(session, token):
        raise DomainError("setup_link_used", "this set-up link is no longer valid")
    return create_facilitator(session, name, password, offload=offload, admin=True)


def authenticate(session: Session, name: str, password: str, *,
                 offload: Offload = _direct) -> Facilitator | None:
    """The active facilitator with this name and password, or None."""
    facilitator = _by_name(session, name.strip())
    # Hash even for an unknown or deactivated name, so the answer's timing does not tell
    # which names exist.
    stored = facilitator.password_hash if facilitator else _UNKNOWN_NAME_HASH
    if not offload(check_password_hash, stored, password):
        return None
    if facilitator is None or not facilitator.active:
        return None
    return facilitator


def signed_in(session: Session, facilitator_id: Any, epoch: Any) -> Facilitator | None:
    """The facilitator a browser's sign-in (their id and session epoch) still stands for."""
    if not isinstance(facilitator_id, int) or not isinstance(epoch, int):
        return None
    facilitator = session.get(Facilitator, facilitator_id)
    if facilitator is None or not facilitator.active or facilitator.session_epoch != epoch:
        return None
    return facilitator


def end_sessions(session: Session, facilitator_id: int) -> tuple[None, list]:
    """Sign the account out everywhere: every browser it signed in on (a use case: no facts)."""
    # Counted up in the database, not in Python: two sign-outs at once both move it on.
    session.execute(update(Facilitator).where(Facilitator.id == facilitator_id)
                    .values(session_epoch=Facilitator.session_epoch + 1)
                    .execution_options(synchronize_session="fetch"))
    session.flush()
    return None, []


def change_password(session: Session, name: str, password: str, *,
                    offload: Offload = _direct) -> Facilitator:
    """A new password for the account; every session of it ends."""
    facilitator = _existing(session, name)
    _check_password(password)
    facilitator.password_hash = _hash(password, offload)
    session.flush()
    end_sessions(session, facilitator.id)
    return facilitator


def deactivate(session: Session, name: str) -> Facilitator:
    """The account can no longer sign in, and every session of it ends; its workshops stay."""
    facilitator = _existing(session, name)
    facilitator.active = False
    session.flush()
    end_sessions(session, facilitator.id)
    return facilitator


def accounts(session: Session, admin: Facilitator) -> list[Facilitator]:
    """Every account of the installation, oldest first; only for an administrator."""
    _check_admin(admin)
    return list(session.execute(
        select(Facilitator).order_by(Facilitator.created_at, Facilitator.id)).scalars())


def create_account(session: Session, admin: Facilitator, name: str, password: str, *,
                   offload: Offload = _direct) -> Facilitator:
    """An administrator creates an account for another facilitator (who is no administrator)."""
    _check_admin(admin)
    return create_facilitator(session, name, password, offload=offload)


def deactivate_account(session: Session, admin: Facilitator, facilitator_id: int) -> Facilitator:
    """An administrator deactivates another account: it cannot sign in, its sessions end.

    Not their own: an installation whose only administrator locked themselves out would need
    the shell to be administered again.
    """
    _check_admin(admin)
    if facilitator_id == admin.id:
        raise DomainError("own_account", "an administrator cannot deactivate their own account")
    facilitator = session.get(Facilitator, facilitator_id)
    if facilitator is None:
        raise DomainError("no_such_facilitator", "there is no such facilitator")
    return deactivate(session, facilitator.name)


def active_account(session: Session, name: str) -> Facilitator | None:
    """The active account with this name (as typed, trimmed), or None."""
    facilitator = _by_name(session, name.strip())
    return facilitator if facilitator is not None and facilitator.active else None


def _check_admin(facilitator: Facilitator) -> None:
    if not facilitator.is_admin or not facilitator.active:
        raise DomainError("forbidden", "only an administrator can do this")


def _by_name(session: Session, name: str) -> Facilitator | None:
    return session.execute(
        select(Facilitator).where(Facilitator.name == name)
    ).scalar_one_or_none()


def _existing(session: Session, name: str) -> Facilitator:
    facilitator = _by_name(session, name.strip())
    if facilitator is None:
        raise DomainError("no_such_facilitator", "there is no facilitator with that name")
    return facilitator
