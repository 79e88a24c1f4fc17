"""Who is signed in: the facilitator of this browser, the guards for their pages, their workshop.

Every blueprint with facilitator pages uses these; they live apart from the sign-in pages so
that no page area needs to import another one for them.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from ..domain.errors import DomainError
from ..extensions import db
from ..models import Facilitator, Workshop
from ..services import facilitators
from ..services.access import Actor, facilitated_workshop

# The session cookie's keys: who signed in, and the account's session epoch at the time.
FACILITATOR = "facilitator_id"
EPOCH = "facilitator_epoch"


def current_facilitator() -> Facilitator | None:
    """The facilitator this browser is signed in as, or None.

    None too once that account signed out anywhere, changed its password or was deactivated:
    its session epoch then differs from the one in this cookie.
    """
    if "facilitator" not in g:
        g.facilitator = facilitators.signed_in(
            db.session, session.get(FACILITATOR), session.get(EPOCH))
    return g.facilitator


def signin_required(view):
    """Send a browser that is not signed in to the sign-in page, and back here afterwards."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if current_facilitator() is None:
            return redirect(url_for("accounts.signin", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return guarded


def admin_required(view):
    """Like signin_required; a signed-in account that does not administer gets 403."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if current_facilitator() is not None and not current_facilitator().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return signin_required(guarded)


def own_workshop(workshop_id: int) -> Workshop:
    """A workshop the signed-in facilitator owns or co-facilitates; anyone else's is as
    unknown as a missing one.

    Read-only: a page or a download built from it never holds up the room's posts and votes.
    """
    actor = Actor(workshop_id=workshop_id, facilitator_id=current_facilitator().id)
    try:
        workshop = facilitated_workshop(db.session, actor)
    except DomainError:
        abort(404)
    # Its own language applies on its pages unless the person chose another one.
    g.workshop_language = workshop.language
    return workshop


def owns(workshop: Workshop) -> bool:
    """Whether the signed-in facilitator owns the workshop, not only co-facilitates it."""
    return workshop.facilitator_id == current_facilitator().id


def owned_workshop(workshop_id: int) -> Workshop:
    """Like own_workshop, for what only the owner may do: a co-facilitator gets 403."""
    workshop = own_workshop(workshop_id)
    if not owns(workshop):
        abort(403)
    return workshop
