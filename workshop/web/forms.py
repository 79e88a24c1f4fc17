"""The pages' forms, declared once: their fields, and the checks a form can make before a service.

The rules themselves stay in the domain (clean_text, check_vote_settings and their limits); a
form only applies them field by field, so one round trip shows every mistake, in the words the
rest of Tupa uses. What only a service can tell (a used set-up link, a closed workshop, a taken
name) still comes back from the service and is shown next to its field by the view.

CSRFProtect (extensions.csrf) checks the token of every POST before a view runs; the forms'
own check then finds the request marked valid and agrees. The templates write their fields by
hand (the `csrf_token` hidden field included), so the markup is what it was; they read a field's
value from `form.<field>.data`.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import AnyOf, EqualTo, StopValidation, ValidationError

from ..domain.errors import DomainError
from ..domain.methods import NAME_MAX_LENGTH
from ..domain.series import SERIES_NAME_MAX_LENGTH
from ..domain.text import clean_text
from ..domain.votes import DEFAULT_VOTE_BUDGET, MAX_VOTE_BUDGET, check_vote_settings
from ..domain.workshops import (
    DEFAULT_TIME_ZONE,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    check_time_zone,
)
from ..languages import LANGUAGES, message_for

PASSWORDS_DIFFER = _l("The two passwords are not the same.")
BUDGET_NOT_VALID = _l("The vote budget must be a whole number from 1 to %(max)s.")
CAP_NOT_A_NUMBER = _l("Give a whole number, or leave this empty to allow the whole budget.")
LANGUAGE_NOT_VALID = _l("Please choose one of the languages.")
TIME_ZONE_NOT_VALID = _l("Unknown time zone. Give its name as Europe/Helsinki, for example.")
# The new-workshop form's choice for no method: welcome, the question, group, vote, results.
SINGLE_QUESTION = "single"


class WholeNumberField(StringField):
    """A whole number as typed: `data` keeps the text, so a mistake is shown again as typed."""

    @property
    def number(self) -> int | None:
        """The number typed (digits only, spaces around allowed), else None."""
        text = (self.data or "").strip()
        return int(text) if text.isdecimal() else None


class DomainText:
    """The domain's rule for typed text (clean_text) as a validator, with the domain's message."""

    def __init__(self, max_length: int, *, required: bool) -> None:
        self.max_length = max_length
        self.required = required

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        try:
            clean_text(field.data, max_length=self.max_length, required=self.required,
                       field_name=field.name)
        except DomainError as error:
            raise StopValidation(message_for(error.code, error.details)) from None


class CodeForm(FlaskForm):
    """The front page's join code; any case, spaces or dashes (the lookup normalises it)."""

    code = StringField(default="")


class SignInForm(FlaskForm):
    """Name and password, checked together by the accounts service (one message for both)."""

    name = StringField(default="")
    password = PasswordField(default="")


class SetupForm(FlaskForm):
    """The first facilitator's name and password, typed twice; the service checks the rest."""

    name = StringField(default="")
    password = PasswordField(default="")
    password_again = PasswordField(
        default="", validators=[EqualTo("password", message=PASSWORDS_DIFFER)])


class AccountForm(SetupForm):
    """An account an administrator creates for another facilitator: name, password twice."""


class InviteForm(FlaskForm):
    """The name of the account the owner invites to run the workshop with them."""

    name = StringField(default="")


class WorkshopForm(FlaskForm):
    """A new workshop: title, question, votes and language, each checked by the domain's rules."""

    title = StringField(default="", validators=[DomainText(TITLE_MAX_LENGTH, required=True)])
    # SINGLE_QUESTION, or the key of a method to start from (services/methods.py).
    method = StringField(default=SINGLE_QUESTION)
    question = StringField(
        default="", validators=[DomainText(QUESTION_MAX_LENGTH, required=False)])
    vote_budget = WholeNumberField(default=str(DEFAULT_VOTE_BUDGET))
    votes_per_idea = WholeNumberField(default="")
    language = StringField(default=lambda: str(get_locale()),
                           validators=[AnyOf(LANGUAGES, message=LANGUAGE_NOT_VALID)])
    # Nicknames neither asked for nor shown; chosen once, before anyone joins.
    anonymous = BooleanField(default=False)
    # The room's clocks, for the times in its exports: the installation's, unless changed.
    time_zone = StringField(
        default=lambda: current_app.config.get("TIME_ZONE", DEFAULT_TIME_ZONE))
    # The id of one of the facilitator's series, or "" for none (web/series.py).
    series = StringField(default="")

    def validate_question(self, field: StringField) -> None:
        """Needed for the single question; a method brings its own questions."""
        if self.method.data == SINGLE_QUESTION and not clean_text(
                field.data, max_length=QUESTION_MAX_LENGTH, required=False,
                field_name="question"):
            raise ValidationError(message_for("text_empty", {}))

    def validate_time_zone(self, field: StringField) -> None:
        """An IANA name this machine knows; kept trimmed for the service."""
        try:
            field.data = check_time_zone(field.data)
        except DomainError:
            raise ValidationError(str(TIME_ZONE_NOT_VALID)) from None

    def validate_vote_budget(self, field: WholeNumberField) -> None:
        """The budget alone, by the domain's rule."""
        if field.number is None or not _vote_settings_valid(field.number, None):
            raise ValidationError(str(BUDGET_NOT_VALID) % {"max": MAX_VOTE_BUDGET})

    def validate_votes_per_idea(self, field: WholeNumberField) -> None:
        """The cap, against a valid budget (a wrong budget is the one mistake to mention)."""
        if field.data.strip() and field.number is None:
            raise ValidationError(str(CAP_NOT_A_NUMBER))
        if not self.vote_budget.errors and not _vote_settings_valid(self.vote_budget.number,
                                                                    field.number):
            raise ValidationError(message_for("invalid_vote_settings", {}))


class MethodNameForm(FlaskForm):
    """The name a workshop's agenda is saved under as one's own method."""

    name = StringField(default="", validators=[DomainText(NAME_MAX_LENGTH, required=True)])


class MethodFileForm(FlaskForm):
    """A method file to import; domain/methods.py reads it and says what is wrong, and where."""

    file = FileField()


class ExportFileForm(FlaskForm):
    """A workshop's JSON export to restore; reports/restore.py reads it and says what is wrong,
    and where."""

    file = FileField()


class SeriesNameForm(FlaskForm):
    """A series' name, new or changed."""

    name = StringField(default="", validators=[DomainText(SERIES_NAME_MAX_LENGTH, required=True)])


class SeriesChoiceForm(FlaskForm):
    """Which of one's series a workshop is in: a series' id, or "" for none."""

    series = StringField(default="")


class JoinForm(FlaskForm):
    """A participant's nickname and organisation; the participants service checks them.

    The service decides, after whether the workshop still takes newcomers, so a closed
    workshop says so instead of pointing at a field.
    """

    nickname = StringField(default="")
    organisation_type = StringField(default="")
    organisation_name = StringField(default="")


def first_errors(form: FlaskForm) -> dict[str, str]:
    """Each field's first mistake by field name, in the form's order: what the templates show."""
    return {name: str(messages[0]) for name, messages in form.errors.items()
            if name and messages}


def _vote_settings_valid(budget: int | None, cap: int | None) -> bool:
    try:
        check_vote_settings(budget, cap)
    except DomainError:
        return False
    return True
