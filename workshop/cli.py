"""Shell commands: `flask --app workshop create-facilitator`."""

from __future__ import annotations

import click
from flask import Flask
from flask_migrate import upgrade

from .domain import DomainError
from .extensions import db
from .services import facilitators


def register(app: Flask) -> None:
    """Add Tupa's commands to the `flask` command line."""

    @app.cli.command("create-facilitator")
    @click.option("--name", prompt=True, help="Name used to sign in.")
    @click.password_option(help="At least 10 characters.")
    def create_facilitator(name: str, password: str) -> None:
        """Create a facilitator account."""
        upgrade()  # a fresh install may not have its tables yet
        try:
            facilitators.create_facilitator(db.session, name, password)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"Facilitator {name!r} created.")
