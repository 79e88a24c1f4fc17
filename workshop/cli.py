"""Shell commands: `flask --app workshop create-facilitator`, `set-facilitator-password`,
`deactivate-facilitator`, `purge-workshops`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask
from flask_migrate import upgrade

from .domain.errors import DomainError
from .extensions import db
from .services import erasure, facilitators


@contextmanager
def committed() -> Iterator[None]:
    """Commit what the block did; a rule that said no becomes the command's error message."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()


def register(app: Flask) -> None:
    """Add Tupa's commands to the `flask` command line."""

    @app.cli.command("create-facilitator")
    @click.option("--name", prompt=True, help="Name used to sign in.")
    @click.password_option(help="At least 10 characters.")
    @click.option("--admin", is_flag=True,
                  help="The account administers the others (the accounts page).")
    def create_facilitator(name: str, password: str, admin: bool) -> None:
        """Create a facilitator account."""
        upgrade()  # a fresh install may not have its tables yet
        with committed():
            facilitators.create_facilitator(db.session, name, password, admin=admin)
        click.echo(f"{'Administrator' if admin else 'Facilitator'} {name!r} created.")

    @app.cli.command("set-facilitator-password")
    @click.option("--name", prompt=True, help="The account's name.")
    @click.password_option(help="At least 10 characters.")
    def set_facilitator_password(name: str, password: str) -> None:
        """Give an account a new password; every browser signed in as it is signed out."""
        with committed():
            facilitators.change_password(db.session, name, password)
        click.echo(f"New password set for {name!r}; its sessions have ended.")

    @app.cli.command("deactivate-facilitator")
    @click.option("--name", prompt=True, help="The account's name.")
    def deactivate_facilitator(name: str) -> None:
        """Stop an account from signing in and end its sessions; its workshops stay."""
        with committed():
            facilitators.deactivate(db.session, name)
        click.echo(f"Facilitator {name!r} deactivated; its sessions have ended.")

    @app.cli.command("purge-workshops")
    @click.option("--older-than-days", type=int, default=None,
                  help="Defaults to TUPA_RETENTION_DAYS.")
    def purge_workshops(older_than_days: int | None) -> None:
        """Erase every workshop older than the retention period, with all its data."""
        days = app.config["RETENTION_DAYS"] if older_than_days is None else older_than_days
        with committed():
            count = erasure.purge_older_than(db.session, days)
        click.echo(f"Erased {count} workshop(s) created more than {days} days ago.")
