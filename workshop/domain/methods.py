"""Co-development methods: ready agendas to start a workshop from, and the file cities share.

A method is an agenda without a workshop: its activities' kinds, words, time boxes and
settings. Tupa brings a few built in (BUILT_IN, written in Finnish, Swedish and English), a
facilitator saves their own from a workshop, and a method travels between installations as a
JSON file in the format described in docs/methods.md:

    {"format": "tupa-method", "version": 1, "name": ..., "description": ...,
     "language": "fi" | "sv" | "en",
     "activities": [{"kind", "title", "prompt", "duration_seconds", "closes_when_time_up",
                     "settings": {..., "source": <index of an earlier activity or null>}}]}

Activity ids exist only inside one workshop, so in a file a group, vote or results activity
names the activity it takes its ideas or votes from by that activity's index in
`activities` (0 is the first), and cluster ids are never written at all. read_method checks
a file completely and says where it is wrong; nothing of a bad file is kept.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .agenda import (
    ACTIVITY_TITLE_MAX_LENGTH,
    KINDS,
    MAX_ACTIVITIES,
    MAX_DURATION_SECONDS,
    PROMPT_MAX_LENGTH,
    ActivityDraft,
    ActivityKind,
    draft,
)
from .errors import DomainError
from .text import clean_text
from .votes import MAX_VOTE_BUDGET
from .workshops import LANGUAGES, TITLE_MAX_LENGTH

FORMAT = "tupa-method"
# The one version this Tupa reads and writes. A file with a field version 1 does not know is
# refused, so a new field means a new version, and an older Tupa says so plainly.
VERSION = 1
MAX_FILE_BYTES = 256 * 1024
NAME_MAX_LENGTH = TITLE_MAX_LENGTH
DESCRIPTION_MAX_LENGTH = 1000

# Which kind of earlier activity each kind may take from: a group sorts a brainstorm's
# ideas, a vote is on a brainstorm's ideas, results reveal a vote.
SOURCE_KINDS: dict[ActivityKind, frozenset[ActivityKind]] = {
    ActivityKind.GROUP: frozenset({ActivityKind.BRAINSTORM}),
    ActivityKind.VOTE: frozenset({ActivityKind.BRAINSTORM}),
    ActivityKind.RESULTS: frozenset({ActivityKind.VOTE}),
}

_FILE_FIELDS = ("format", "version", "name", "description", "language", "activities")
_ACTIVITY_FIELDS = ("kind", "title", "prompt", "duration_seconds", "closes_when_time_up",
                    "settings")
# Settings that hold ids of one workshop: in a file `source` stands for the first, and the
# second is left out.
_WORKSHOP_IDS = frozenset({"source_activity_id", "cluster_ids"})


@dataclass(frozen=True)
class MethodStep:
    """One activity of a method, and the index of the earlier activity it takes from."""

    activity: ActivityDraft
    source: int | None = None


@dataclass(frozen=True)
class Method:
    """A checked method: its name, what it is for, its language and its steps in order."""

    name: str
    description: str
    language: str
    steps: tuple[MethodStep, ...]

    @property
    def duration_seconds(self) -> int:
        """The time boxes added up; an activity without one counts nothing."""
        return sum(step.activity.duration_seconds or 0 for step in self.steps)


def drafts_of(method: Method) -> list[tuple[ActivityDraft, int | None]]:
    """The agenda to create: each activity with the index of the one it takes from, if any.

    The agenda service creates them in order and turns each index into the id of the
    activity it created at that index.
    """
    return [(step.activity, step.source) for step in method.steps]


# Reading a file ---------------------------------------------------------------------------


def read_method_file(raw: bytes) -> Method:
    """A method from the bytes of an uploaded file: at most MAX_FILE_BYTES of JSON text."""
    if len(raw) > MAX_FILE_BYTES:
        _refuse("too_large", f"the file is larger than {MAX_FILE_BYTES // 1024} KB",
                max_kb=MAX_FILE_BYTES // 1024)
    try:
        # utf-8-sig: a file saved by a Windows editor may begin with a byte order mark.
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        _refuse("not_json", "the file is not JSON text")
    return read_method(data)


def read_method(data: Any) -> Method:
    """A method from a method file's parsed JSON, checked through; DomainError says where.

    Every refusal has the code `invalid_method` and in its details the `problem`, the
    `activity` it is in (counted from 1, None for the file itself) and what the problem's
    message needs (`field`, `max_length`, ...).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        _refuse("not_a_method", f"not a method file: its format must be {FORMAT!r}")
    version = data.get("version")
    if isinstance(version, bool) or version != VERSION:
        _refuse("unknown_version",
                f"format version {version!r}; this Tupa reads version {VERSION}",
                version=json.dumps(version)[:20], reads=VERSION)
    _only_known(data, _FILE_FIELDS, None)
    name = _text(data, "name", None, max_length=NAME_MAX_LENGTH, required=True)
    description = _text(data, "description", None, max_length=DESCRIPTION_MAX_LENGTH,
                        required=False)
    language = _field(data, "language", None)
    if language not in LANGUAGES:
        _refuse("unknown_language", f"language must be one of {', '.join(LANGUAGES)}",
                field="language", languages=", ".join(LANGUAGES))
    activities = _field(data, "activities", None)
    if not isinstance(activities, list):
        _refuse("not_list", "activities must be a list", field="activities")
    if not activities:
        _refuse("no_activities", "a method needs at least one activity")
    if len(activities) > MAX_ACTIVITIES:
        _refuse("too_many_activities", f"at most {MAX_ACTIVITIES} activities",
                max=MAX_ACTIVITIES)
    steps: list[MethodStep] = []
    for index, activity in enumerate(activities):
        steps.append(_read_activity(activity, index + 1, steps))
    return Method(name, description, language, tuple(steps))


def _read_activity(data: Any, number: int, earlier: list[MethodStep]) -> MethodStep:
    if not isinstance(data, dict):
        _refuse("not_object", "an activity must be an object", number, field="activity")
    _only_known(data, _ACTIVITY_FIELDS, number)
    kind_name = _field(data, "kind", number)
    try:
        kind = ActivityKind(kind_name) if isinstance(kind_name, str) else None
    except ValueError:
        kind = None
    if kind is None:
        kinds = ", ".join(k.value for k in ActivityKind)
        _refuse("unknown_kind", f"unknown kind {kind_name!r}", number,
                value=str(kind_name)[:40], kinds=kinds)
    spec = KINDS[kind]
    title = _text(data, "title", number, max_length=ACTIVITY_TITLE_MAX_LENGTH, required=True)
    prompt = _text(data, "prompt", number, max_length=PROMPT_MAX_LENGTH, required=False)
    if kind is ActivityKind.BRAINSTORM and not prompt:
        _refuse("no_question", "a brainstorm needs its question in prompt", number,
                field="prompt")
    duration = data.get("duration_seconds")
    if duration is not None:
        if isinstance(duration, bool) or not isinstance(duration, int):
            _refuse("not_number", "duration_seconds must be a whole number or null", number,
                    field="duration_seconds")
        if not 1 <= duration <= MAX_DURATION_SECONDS:
            _refuse("duration_range",
                    f"duration_seconds must be 1-{MAX_DURATION_SECONDS} or null", number,
                    field="duration_seconds", max=MAX_DURATION_SECONDS)
    closes = data.get("closes_when_time_up", False)
    if not isinstance(closes, bool):
        _refuse("not_boolean", "closes_when_time_up must be true or false", number,
                field="closes_when_time_up")
    if closes and not spec.closable:
        _refuse("cannot_close", f"time cannot close a {kind}", number,
                field="closes_when_time_up", kind=kind.value)
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        _refuse("not_object", "settings must be an object", number, field="settings")
    takes = (spec.settings - _WORKSHOP_IDS) | (
        {"source"} if "source_activity_id" in spec.settings else set())
    for setting in settings:
        if setting not in takes:
            _refuse("unknown_setting", f"a {kind} takes no setting {setting!r}", number,
                    field="settings", setting=str(setting)[:40], kind=kind.value)
    source = settings.get("source")
    _check_source(kind, source, number, earlier)
    _check_setting_types(settings, number)
    checked = {name: value for name, value in settings.items() if name != "source"}
    try:
        activity = draft(kind, title, prompt, duration, closes, checked)
    except DomainError as error:
        field = error.details.get("field", "settings")
        if field in ("vote_budget", "votes_per_idea"):
            _refuse("vote_settings", error.message, number, field=field, max=MAX_VOTE_BUDGET)
        # Checked above already; kept so that a rule added to draft() still says where.
        _refuse("invalid_value", error.message, number, field=field)
    return MethodStep(activity, source)


def _check_source(kind: ActivityKind, source: Any, number: int,
                  earlier: list[MethodStep]) -> None:
    if source is None:
        return
    if isinstance(source, bool) or not isinstance(source, int) \
            or not 0 <= source < len(earlier):
        _refuse("source_not_earlier",
                f"source must be the index of an earlier activity (0-{len(earlier) - 1}) "
                "or null", number, field="source", value=str(source)[:20])
    found = earlier[source].activity.kind
    if found not in SOURCE_KINDS[kind]:
        expected = " or ".join(sorted(SOURCE_KINDS[kind]))
        _refuse("source_wrong_kind",
                f"source {source} is a {found}; a {kind} takes from a {expected}", number,
                field="source", source=source, found=found.value, expected=expected,
                kind=kind.value)


def _check_setting_types(settings: dict, number: int) -> None:
    for flag in ("private", "at_tables"):
        if flag in settings and not isinstance(settings[flag], bool):
            _refuse("not_boolean", f"{flag} must be true or false", number, field=flag)
    for name in ("vote_budget", "votes_per_idea"):
        value = settings.get(name)
        if name in settings and not (value is None and name == "votes_per_idea") \
                and (isinstance(value, bool) or not isinstance(value, int)):
            _refuse("not_number", f"{name} must be a whole number", number, field=name)


def _only_known(data: dict, fields: tuple[str, ...], number: int | None) -> None:
    for name in data:
        if name not in fields:
            _refuse("unknown_field", f"{str(name)[:40]!r} is not a field of version {VERSION}",
                    number, field=str(name)[:40])


def _field(data: dict, name: str, number: int | None) -> Any:
    if name not in data:
        _refuse("missing", f"{name} is missing", number, field=name)
    return data[name]


def _text(data: dict, name: str, number: int | None, *, max_length: int,
          required: bool) -> str:
    value = _field(data, name, number) if required else data.get(name, "")
    if not isinstance(value, str):
        _refuse("not_text", f"{name} must be text", number, field=name)
    try:
        return clean_text(value, max_length=max_length, required=required, field_name=name)
    except DomainError as error:
        if error.code == "text_too_long":
            _refuse("too_long", error.message, number, field=name, max_length=max_length)
        if error.code == "text_empty":
            _refuse("empty", error.message, number, field=name)
        _refuse("bad_text", error.message, number, field=name)
        raise  # unreachable: _refuse always raises


def _refuse(problem: str, message: str, number: int | None = None, **details: Any) -> None:
    where = f"activity {number}: " if number is not None else ""
    raise DomainError("invalid_method", where + message, problem=problem, activity=number,
                      **details)


# Writing a file ---------------------------------------------------------------------------


def method_file(method: Method) -> dict:
    """The method as its JSON file holds it; read_method reads it back as it was."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": method.name,
        "description": method.description,
        "language": method.language,
        "activities": [_activity_file(step) for step in method.steps],
    }


def _activity_file(step: MethodStep) -> dict:
    activity = step.activity
    settings = {name: value for name, value in activity.settings.items()
                if name not in _WORKSHOP_IDS}
    if not settings.get("at_tables", True):
        del settings["at_tables"]  # files written before tables stay as they were
    if "source_activity_id" in KINDS[activity.kind].settings:
        settings["source"] = step.source
    return {
        "kind": activity.kind.value,
        "title": activity.title,
        "prompt": activity.prompt,
        "duration_seconds": activity.duration_seconds,
        "closes_when_time_up": activity.closes_when_time_up,
        "settings": settings,
    }


def file_name(method: Method) -> str:
    """A download's file name from the method's name: tupa-method-<letters and digits>.json."""
    ascii_name = unicodedata.normalize("NFKD", method.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"tupa-method-{slug or 'method'}.json"


def method_of_agenda(name: str, description: str, language: str,
                     activities: list[tuple[ActivityDraft, int | None]]) -> Method:
    """A method from a workshop's agenda, each activity with the index it takes from.

    Checked as a file from elsewhere would be: an agenda a file could not hold (a source
    that now comes later, say) is refused with the same words.
    """
    method = Method(name, description, language,
                    tuple(MethodStep(activity, source) for activity, source in activities))
    return read_method(method_file(method))


# The built-in methods ----------------------------------------------------------------------

MINUTE = 60

# Each built-in method as data: what a file would hold, with every text in fi, sv and en.
BUILT_IN: dict[str, dict[str, Any]] = {
    "idea-to-pilot": {
        "name": {"fi": "Ideasta kokeiluun", "sv": "Från idé till pilot",
                 "en": "Idea to pilot"},
        "description": {
            "fi": "Yhteisestä haasteesta kokeiluun, joka kannattaa tehdä: sovitaan haaste, "
                  "kerätään ideoita, ryhmitellään ne, äänestetään pisteillä ja katsotaan, "
                  "mitä kokeillaan.",
            "sv": "Från en gemensam utmaning till en pilot som är värd att göra: vi enas om "
                  "utmaningen, samlar idéer, grupperar dem, röstar med punkter och ser vad "
                  "vi ska pilotera.",
            "en": "From a shared challenge to a pilot worth running: agree on the challenge, "
                  "gather ideas, group them, vote with dots and see what to pilot.",
        },
        "activities": [
            {"kind": "welcome", "duration_seconds": 5 * MINUTE,
             "title": {"fi": "Tervetuloa", "sv": "Välkommen", "en": "Welcome"},
             "prompt": {"fi": "Liity puhelimellasi. Etenemme haasteesta yhteen ideaan, jota "
                              "kannattaa kokeilla.",
                        "sv": "Anslut med telefonen. Vi går från utmaningen till en idé som "
                              "är värd att pilotera.",
                        "en": "Join with your phone. We go from the challenge to one idea "
                              "worth piloting."}},
            {"kind": "discussion", "duration_seconds": 15 * MINUTE,
             "title": {"fi": "Haaste", "sv": "Utmaningen", "en": "The challenge"},
             "prompt": {"fi": "Mikä on ongelma, kenen ongelma se on, ja mikä olisi paremmin "
                              "onnistuneen kokeilun jälkeen?",
                        "sv": "Vad är problemet, vems problem är det, och vad vore bättre "
                              "efter en lyckad pilot?",
                        "en": "What is the problem, whose problem is it, and what would be "
                              "better after a successful pilot?"}},
            {"kind": "brainstorm", "duration_seconds": 20 * MINUTE,
             "title": {"fi": "Ideointi", "sv": "Idéstorm", "en": "Brainstorm"},
             "prompt": {"fi": "Mitä voisimme kokeilla? Yksi idea yhteen lappuun.",
                        "sv": "Vad kunde vi pröva? En idé per lapp.",
                        "en": "What could we try? One idea per note."}},
            {"kind": "group", "duration_seconds": 15 * MINUTE, "source": 2,
             "title": {"fi": "Ryhmittely", "sv": "Gruppering", "en": "Grouping"},
             "prompt": {"fi": "Mitkä ideat kuuluvat yhteen? Fasilitaattori ryhmittelee ne "
                              "yhdessä teidän kanssanne.",
                        "sv": "Vilka idéer hör ihop? Facilitatorn grupperar dem tillsammans "
                              "med er.",
                        "en": "Which ideas belong together? The facilitator groups them "
                              "with you."}},
            {"kind": "vote", "duration_seconds": 10 * MINUTE, "closes_when_time_up": True,
             "source": 2, "settings": {"vote_budget": 5, "votes_per_idea": 2},
             "title": {"fi": "Pisteäänestys", "sv": "Punktröstning", "en": "Dot vote"},
             "prompt": {"fi": "Mitä ideaa kokeilisimme ensin? Anna pisteesi ideoille, "
                              "joihin uskot.",
                        "sv": "Vilken idé ska vi pilotera först? Ge dina punkter till "
                              "idéerna du tror på.",
                        "en": "Which idea should we pilot first? Give your dots to the "
                              "ideas you believe in."}},
            {"kind": "results", "duration_seconds": 15 * MINUTE, "source": 4,
             "title": {"fi": "Tulokset ja seuraavat askeleet",
                       "sv": "Resultat och nästa steg", "en": "Results and next steps"},
             "prompt": {"fi": "Kuka vie kärki-idean eteenpäin, ja mikä on kokeilun "
                              "ensimmäinen askel?",
                        "sv": "Vem tar toppidén vidare, och vilket är pilotens första steg?",
                        "en": "Who takes the top idea forward, and what is the pilot's "
                              "first step?"}},
        ],
    },
    "service-journey": {
        "name": {"fi": "Palvelupolun kipupisteet", "sv": "Servicestigens smärtpunkter",
                 "en": "Service journey pain points"},
        "description": {
            "fi": "Kuljetaan palvelu läpi sen käyttäjän silmin ja etsitään kipupisteet. "
                  "Sitten ideoidaan ratkaisuja pahimpiin ja äänestetään.",
            "sv": "Vi går igenom en tjänst med användarens ögon och letar upp var det "
                  "skaver. Sedan samlar vi idéer för de värsta smärtpunkterna och röstar.",
            "en": "Walk through a service as its users meet it and find where it hurts; "
                  "then gather ideas for the worst pain points and vote.",
        },
        "activities": [
            {"kind": "welcome", "duration_seconds": 5 * MINUTE,
             "title": {"fi": "Tervetuloa", "sv": "Välkommen", "en": "Welcome"},
             "prompt": {"fi": "Tänään katsomme yhtä palvelua sen käyttäjien silmin.",
                        "sv": "I dag ser vi på en tjänst med användarnas ögon.",
                        "en": "Today we look at one service through its users' eyes."}},
            {"kind": "brainstorm", "duration_seconds": 20 * MINUTE,
             "title": {"fi": "Kipupisteet", "sv": "Smärtpunkter", "en": "Pain points"},
             "prompt": {"fi": "Missä palvelupolun vaiheessa asiat menevät pieleen tai "
                              "tuntuvat hankalilta? Kerro vaihe ja mitä siinä tapahtuu.",
                        "sv": "Var längs servicestigen går det fel eller känns det svårt? "
                              "Nämn steget och vad som händer.",
                        "en": "Where along the service journey do things go wrong or feel "
                              "hard? Name the step and what happens."}},
            {"kind": "group", "duration_seconds": 15 * MINUTE, "source": 1,
             "title": {"fi": "Kipupisteiden ryhmittely", "sv": "Gruppera smärtpunkterna",
                       "en": "Group the pain points"},
             "prompt": {"fi": "Mitkä kipupisteet ovat samaa ongelmaa? Mitkä haittaavat "
                              "eniten?",
                        "sv": "Vilka smärtpunkter är samma problem? Vilka skaver mest?",
                        "en": "Which pain points are the same problem? Which hurt most?"}},
            {"kind": "brainstorm", "duration_seconds": 20 * MINUTE,
             "title": {"fi": "Ideoita pahimpiin kipupisteisiin",
                       "sv": "Idéer för de värsta smärtpunkterna",
                       "en": "Ideas for the worst pain points"},
             "prompt": {"fi": "Valitse yksi pahimmista kipupisteistä: miten palvelu voisi "
                              "toimia siinä paremmin?",
                        "sv": "Välj en av de värsta smärtpunkterna: hur kunde tjänsten "
                              "fungera bättre där?",
                        "en": "Pick one of the worst pain points: how could the service "
                              "do better there?"}},
            {"kind": "vote", "duration_seconds": 10 * MINUTE, "closes_when_time_up": True,
             "source": 3, "settings": {"vote_budget": 5, "votes_per_idea": 2},
             "title": {"fi": "Äänestys", "sv": "Röstning", "en": "Vote"},
             "prompt": {"fi": "Mitkä ideat auttaisivat palvelun käyttäjiä eniten?",
                        "sv": "Vilka idéer skulle hjälpa tjänstens användare mest?",
                        "en": "Which ideas would help the service's users most?"}},
            {"kind": "results", "duration_seconds": 15 * MINUTE, "source": 4,
             "title": {"fi": "Tulokset", "sv": "Resultat", "en": "Results"},
             "prompt": {"fi": "Mitä viemme eteenpäin, ja kuka vastaa siitä?",
                        "sv": "Vad tar vi vidare, och vem ansvarar för det?",
                        "en": "What do we take forward, and who owns it?"}},
        ],
    },
    "pulse-30": {
        "name": {"fi": "30 minuutin pulssi", "sv": "30 minuters puls",
                 "en": "30-minute pulse"},
        "description": {
            "fi": "Nopea tilannekatsaus: yksi kysymys, kahdeksan minuuttia ideointia, lyhyt "
                  "äänestys ja tulokset. Mahtuu puoleen tuntiin.",
            "sv": "En snabb avstämning: en fråga, åtta minuter för idéer, en kort röstning "
                  "och resultaten. Ryms på en halvtimme.",
            "en": "A quick check of where things stand: one question, eight minutes of "
                  "ideas, a short vote and the results. Fits in half an hour.",
        },
        "activities": [
            {"kind": "welcome", "duration_seconds": 3 * MINUTE,
             "title": {"fi": "Tervetuloa", "sv": "Välkommen", "en": "Welcome"},
             "prompt": {"fi": "Puoli tuntia, yksi kysymys. Liity puhelimellasi.",
                        "sv": "En halvtimme, en fråga. Anslut med telefonen.",
                        "en": "Half an hour, one question. Join with your phone."}},
            {"kind": "brainstorm", "duration_seconds": 8 * MINUTE, "closes_when_time_up": True,
             "title": {"fi": "Ideat", "sv": "Idéer", "en": "Ideas"},
             "prompt": {"fi": "Mitä meidän pitäisi muuttaa tai säilyttää? Kirjoita niin "
                              "monta lappua kuin haluat.",
                        "sv": "Vad borde vi ändra eller behålla? Skriv så många lappar du "
                              "vill.",
                        "en": "What should we change or keep? Write as many notes as you "
                              "like."}},
            {"kind": "vote", "duration_seconds": 5 * MINUTE, "closes_when_time_up": True,
             "source": 1, "settings": {"vote_budget": 3, "votes_per_idea": 1},
             "title": {"fi": "Äänestys", "sv": "Röstning", "en": "Vote"},
             "prompt": {"fi": "Mitkä ovat tärkeimpiä? Anna äänesi.",
                        "sv": "Vilka är viktigast? Ge dina röster.",
                        "en": "Which matter most? Give your votes."}},
            {"kind": "results", "duration_seconds": 10 * MINUTE, "source": 2,
             "title": {"fi": "Tulokset", "sv": "Resultat", "en": "Results"},
             "prompt": {"fi": "Mitä äänet kertovat, ja mitä tapahtuu seuraavaksi?",
                        "sv": "Vad säger rösterna, och vad händer sedan?",
                        "en": "What do the votes tell us, and what happens next?"}},
        ],
    },
}


def built_in(method_id: str, language: str) -> Method:
    """A built-in method in one language, read as its file would be read."""
    return read_method(built_in_file(method_id, language))


def built_in_file(method_id: str, language: str) -> dict:
    """A built-in method as its file in one language would hold it."""
    method = BUILT_IN[method_id]
    activities = []
    for activity in method["activities"]:
        settings = dict(activity.get("settings", {}))
        if "source" in activity:
            settings["source"] = activity["source"]
        activities.append({
            "kind": activity["kind"],
            "title": activity["title"][language],
            "prompt": activity["prompt"][language],
            "duration_seconds": activity["duration_seconds"],
            "closes_when_time_up": activity.get("closes_when_time_up", False),
            "settings": settings,
        })
    return {"format": FORMAT, "version": VERSION, "name": method["name"][language],
            "description": method["description"][language], "language": language,
            "activities": activities}
