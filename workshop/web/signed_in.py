"""Who is signed in: the facilitator of this browser, the guard for their pages, their workshop.

Every blueprint with facilitator pages uses these three; they live apart from the sign-in pages
so that no page area needs to import another one for them.
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


def own_workshop(workshop_id: int) -> Workshop:
    """The signed-in facilitator's workshop; anyone else's is as unknown as a missing one.

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
