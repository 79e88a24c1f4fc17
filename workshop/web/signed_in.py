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
from ..services.access import Actor, facilitated_workshop


def current_facilitator() -> Facilitator | None:
    """The facilitator this browser is signed in as, or None."""
    if "facilitator" not in g:
        facilitator_id = session.get("facilitator_id")
        g.facilitator = (db.session.get(Facilitator, facilitator_id)
                         if isinstance(facilitator_id, int) else None)
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
