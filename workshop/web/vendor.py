"""The browser libraries npm installed, served by Tupa itself: closed networks have no CDN."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file

bp = Blueprint("vendor", __name__)

# Exactly these files, never a path the request names: nothing else under node_modules leaks.
BROWSER_LIBRARIES = {
    "socket.io.esm.min.js": Path("socket.io-client/dist/socket.io.esm.min.js"),
    "sortable.esm.js": Path("sortablejs/modular/sortable.esm.js"),
}


@bp.get("/vendor/<name>")
def browser_library(name: str):
    """One of the known browser libraries, as JavaScript."""
    relative = BROWSER_LIBRARIES.get(name)
    if relative is None:
        abort(404)
    # node_modules sits at the repository root, beside package.json.
    path = Path(current_app.root_path).parent / "node_modules" / relative
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="text/javascript", max_age=3600)
