"""The installation's facilitator accounts, for whoever administers it: list, create, deactivate.

Only an administrator's account opens these pages (others get 403). A new account's password
is hashed through the offload, as on the set-up page, outside the room's writer: a 0.3 s hash
must not hold up a batch of votes. Deactivating ends the account's sessions everywhere and
hangs up its open boards in this process, as signing out does.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from ..domain.errors import DomainError
from ..extensions import db
from ..languages import message_for
from ..models import Facilitator
from ..offload import offload
from ..realtime.transactions import Work
from ..realtime.wiring import realtime
from ..services import facilitators
from .forms import AccountForm, first_errors
from .signed_in import admin_required, current_facilitator

bp = Blueprint("facilitators", __name__, url_prefix="/facilitators")

CREATED = _l("The account %(name)s was created. Give its name and password to its owner.")
DEACTIVATED = _l("The account %(name)s was deactivated and signed out everywhere.")


@bp.get("")
@admin_required
def accounts():
    """Every facilitator account: name, when created, active or not, administrator or not."""
    return _page(AccountForm(), {})


@bp.post("")
@admin_required
def create():
    """Create an account for another facilitator, who signs in with its name and password."""
    form = AccountForm()
    if not form.validate():
        return _page(form, first_errors(form)), 400
    try:
        created = facilitators.create_account(db.session, current_facilitator(), form.name.data,
                                              form.password.data, offload=offload())
    except DomainError as error:
        db.session.rollback()
        field = "password" if error.code == "password_too_short" else "name"
        return _page(form, {field: message_for(error.code, error.details)}), 400
    name = created.name
    db.session.commit()
    flash(str(CREATED) % {"name": name})
    return redirect(url_for("facilitators.accounts"))


@bp.post("/<int:facilitator_id>/deactivate")
@admin_required
def deactivate(facilitator_id: int):
    """Deactivate another account: it can no longer sign in, and its sessions end now."""
    admin_id = current_facilitator().id
    outcome = realtime().perform(Work("facilitator.deactivate", lambda session: (
        facilitators.deactivate_account(session, session.get(Facilitator, admin_id),
                                        facilitator_id).name, [])))
    if outcome.failure:
        abort(503)
    if outcome.refusal is not None:
        abort(403 if outcome.refusal.code in ("forbidden", "own_account") else 404)
    parts = realtime()
    parts.hang_up([sid for sid, connection in list(parts.connections.items())
                   if connection.actor.facilitator_id == facilitator_id])
    flash(str(DEACTIVATED) % {"name": outcome.result})
    return redirect(url_for("facilitators.accounts"))


def _page(form: AccountForm, errors: dict[str, str]) -> str:
    return render_template(
        "facilitators.html", accounts=facilitators.accounts(db.session, current_facilitator()),
        me=current_facilitator(), name=form.name.data or "", errors=errors,
        min_password_length=facilitators.MIN_PASSWORD_LENGTH)
