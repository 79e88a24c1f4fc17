"""The methods a facilitator starts workshops from: Tupa's own and the ones they saved.

A facilitator's method is a MethodTemplate row holding the method's file as it would be
downloaded (domain/methods.py), so exporting is reading it back and importing is checking a
file and storing it. Methods belong to one facilitator; another's is as unknown as a missing
one. Saving a workshop's agenda as a method is written in that workshop's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.agenda import KINDS, PROMPT_MAX_LENGTH, ActivityDraft, ActivityKind, draft
from ..domain.errors import DomainError
from ..domain.methods import (
    BUILT_IN,
    NAME_MAX_LENGTH,
    Method,
    built_in,
    drafts_of,
    method_file,
    method_of_agenda,
    read_method,
    read_method_file,
)
from ..domain.protocol import Fact
from ..domain.text import clean_text
from ..models import Facilitator, MethodTemplate, utcnow
from . import audit
from .access import Actor, facilitated_workshop
from .agenda import activities_of

# How a form names a method: one of Tupa's by its id, or a saved one by its row's id.
BUILT_IN_KEY = "built-in:"
TEMPLATE_KEY = "template:"


@dataclass(frozen=True)
class MethodChoice:
    """A method to start from: the key a form sends for it, the method, its row if saved."""

    key: str
    method: Method
    template: MethodTemplate | None = None


def method_choices(session: Session, facilitator: Facilitator,
                   language: str) -> list[MethodChoice]:
    """Tupa's methods in the language asked for, then the facilitator's own, newest first."""
    choices = [MethodChoice(BUILT_IN_KEY + method_id, built_in(method_id, language))
               for method_id in BUILT_IN]
    return choices + [MethodChoice(TEMPLATE_KEY + str(template.id), read_method(template.body),
                                   template) for template in templates_of(session, facilitator)]


def templates_of(session: Session, facilitator: Facilitator) -> list[MethodTemplate]:
    """The facilitator's own methods, newest first."""
    return list(session.execute(
        select(MethodTemplate).where(MethodTemplate.facilitator_id == facilitator.id)
        .order_by(MethodTemplate.created_at.desc(), MethodTemplate.id.desc())).scalars())


def chosen_method(session: Session, facilitator: Facilitator, key: str,
                  language: str) -> Method:
    """The method a form's key names: Tupa's in the workshop's language, or one's own."""
    if key.startswith(BUILT_IN_KEY) and key[len(BUILT_IN_KEY):] in BUILT_IN:
        return built_in(key[len(BUILT_IN_KEY):], language)
    template_id = key[len(TEMPLATE_KEY):]
    if key.startswith(TEMPLATE_KEY) and template_id.isdecimal():
        template = session.get(MethodTemplate, int(template_id))
        if template is not None and template.facilitator_id == facilitator.id:
            return read_method(template.body)
    raise DomainError("not_found", "no such method", field="method")


def agenda_of(session: Session, facilitator: Facilitator, key: str, language: str,
              question: str = "") -> list[tuple[ActivityDraft, int | None]]:
    """The agenda a new workshop gets from the method a form chose (see drafts_of).

    A question typed on the form replaces the method's first brainstorm question: a method's
    own are written for any topic, the facilitator's says what this workshop is about.
    """
    agenda = drafts_of(chosen_method(session, facilitator, key, language))
    question = clean_text(question, max_length=PROMPT_MAX_LENGTH, required=False,
                          field_name="question")
    for index, (activity, source) in enumerate(agenda):
        if question and activity.kind is ActivityKind.BRAINSTORM:
            agenda[index] = (replace(activity, prompt=question), source)
            break
    return agenda


def own_template(session: Session, facilitator: Facilitator, template_id: int) -> MethodTemplate:
    """One of the facilitator's methods; another's is refused as not found."""
    template = session.get(MethodTemplate, template_id)
    if template is None or template.facilitator_id != facilitator.id:
        raise DomainError("not_found", "no such method")
    return template


def template_file(session: Session, facilitator: Facilitator, template_id: int) -> dict:
    """One of the facilitator's methods as its file, to download and share."""
    return method_file(read_method(own_template(session, facilitator, template_id).body))


def built_in_method_file(method_id: str, language: str) -> dict:
    """One of Tupa's methods as its file in a language, to download and adapt."""
    if method_id not in BUILT_IN:
        raise DomainError("not_found", "no such method")
    return method_file(built_in(method_id, language))


def import_template(session: Session, facilitator: Facilitator,
                    data: bytes | Any) -> tuple[MethodTemplate, list[Fact]]:
    """Check a method file (its bytes, or its parsed JSON) and keep it as one's own method.

    A file that is wrong anywhere is refused whole, saying where (domain/methods.py).
    Nobody is told: a method is no workshop's.
    """
    method = read_method_file(data) if isinstance(data, bytes) else read_method(data)
    return _stored(session, facilitator, method), []


def save_workshop_as_template(session: Session, actor: Actor,
                              name: str) -> tuple[MethodTemplate, list[Fact]]:
    """Keep a workshop's agenda as it stands as the acting facilitator's own method.

    Any facilitator of the workshop may; the method is theirs. Ideas, votes, clusters and
    timers stay with the workshop: only the activities' words, time boxes and settings go.
    """
    workshop = facilitated_workshop(session, actor)
    name = clean_text(name, max_length=NAME_MAX_LENGTH, required=True, field_name="name")
    activities = activities_of(session, workshop.id)
    index_of = {activity.id: index for index, activity in enumerate(activities)}
    agenda = []
    for activity in activities:
        settings = {"private": activity.private, "vote_budget": activity.vote_budget,
                    "votes_per_idea": activity.votes_per_idea}
        agenda.append((
            draft(activity.kind, activity.title, activity.prompt, activity.duration_seconds,
                  activity.closes_when_time_up,
                  {setting: value for setting, value in settings.items()
                   if setting in KINDS[ActivityKind(activity.kind)].settings}
                  # A method file names tables only when its brainstorm is at them.
                  | ({"at_tables": True} if activity.at_tables else {})),
            index_of.get(activity.source_activity_id)))
    method = method_of_agenda(name, "", workshop.language, agenda)
    template = _stored(session, session.get(Facilitator, actor.facilitator_id), method)
    audit.record(session, actor, "method.save", {"workshop_id": workshop.id,
                                                 "method_template_id": template.id},
                 after={"name": method.name, "activities": len(method.steps)})
    return template, []


def delete_template(session: Session, facilitator: Facilitator,
                    template_id: int) -> tuple[dict, list[Fact]]:
    """Delete one of the facilitator's methods; workshops started from it keep their agendas."""
    template = own_template(session, facilitator, template_id)
    session.delete(template)
    session.flush()
    return {"method_template_id": template_id}, []


def _stored(session: Session, facilitator: Facilitator, method: Method) -> MethodTemplate:
    template = MethodTemplate(facilitator_id=facilitator.id, name=method.name,
                              language=method.language, body=method_file(method),
                              created_at=utcnow())
    session.add(template)
    session.flush()
    return template
