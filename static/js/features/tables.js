// Tables and the hybrid room, as the facilitator's screens know them: the tables and who sits
// where, each table brainstorm's ideas by table, the likely duplicates found when the tables
// merge into the plenary, and the hands counted in the room beside the phones' votes.

import { activityById, currentActivity } from "./agenda.js";

const BRAINSTORM = "brainstorm";
const VOTE = "vote";

function byPosition(list) {
  return list.slice().sort((a, b) => a.position - b.position || a.id - b.id);
}

function handsKey(activityId, ideaId) {
  return `${activityId}:${ideaId}`;
}

function pairKey(ideaIds) {
  return ideaIds.slice().sort((a, b) => a - b).join("-");
}

// Seats come as {participant id: table id}; JSON keys are strings.
function seatMap(seats) {
  const map = new Map();
  for (const [person, table] of Object.entries(seats || {})) {
    if (table !== null && table !== undefined) map.set(Number(person), Number(table));
  }
  return map;
}

function withSeats(state, seats) {
  if (!seats || typeof seats !== "object") return state;
  const map = new Map(state.seats);
  for (const [person, table] of Object.entries(seats)) {
    if (table === null || table === undefined) map.delete(Number(person));
    else map.set(Number(person), Number(table));
  }
  return { ...state, seats: map };
}

function withTables(state, payload) {
  if (!payload || !Array.isArray(payload.tables)) return state;
  const known = new Set(payload.tables.map((table) => table.id));
  // Those seated at a deleted table are unseated.
  let seats = state.seats;
  for (const [person, table] of state.seats) {
    if (!known.has(table)) {
      if (seats === state.seats) seats = new Map(state.seats);
      seats.delete(person);
    }
  }
  return {
    ...state,
    tables: byPosition(payload.tables),
    tablesByChoice: typeof payload.tables_by_choice === "boolean" ? payload.tables_by_choice : state.tablesByChoice,
    seats,
  };
}

function withTable(state, table) {
  if (!table || typeof table.id !== "number") return state;
  const list = state.tables.filter((known) => known.id !== table.id);
  return { ...state, tables: byPosition([...list, table]) };
}

function withDuplicates(state, list) {
  if (!Array.isArray(list)) return state;
  const found = new Map(state.duplicates.map((pair) => [pairKey(pair.idea_ids), pair]));
  for (const pair of list) {
    if (pair && Array.isArray(pair.idea_ids) && pair.idea_ids.length === 2) found.set(pairKey(pair.idea_ids), pair);
  }
  const duplicates = Array.from(found.values()).sort((a, b) => b.score - a.score);
  return { ...state, duplicates };
}

function withHands(state, { activity_id: activityId, idea_id: ideaId, hands }) {
  if (typeof activityId !== "number" || typeof ideaId !== "number") return state;
  const key = handsKey(activityId, ideaId);
  const now = Number(hands) || 0;
  if ((state.hands.get(key) || 0) === now) return state;
  const map = new Map(state.hands);
  if (now > 0) map.set(key, now);
  else map.delete(key);
  return { ...state, hands: map };
}

function withPeople(state, list) {
  if (!Array.isArray(list)) return state;
  // Stand-ins for paper notes are never people to seat, whatever a list carries.
  const people = list.filter((person) => person && typeof person.id === "number" && !person.on_paper)
    .map((person) => ({
      id: person.id,
      nickname: person.nickname || "",
      organisation_type: person.organisation_type || "",
      removed: Boolean(person.removed),
    }));
  return { ...state, people };
}

// A brainstorm at tables merged into the plenary: its ideas.revealed (or the merge's answer)
// is the moment, whether or not an agenda.changed follows.
function mergedActivity(state, activityId) {
  const at = state.agenda.findIndex((activity) => activity.id === activityId);
  const known = at < 0 ? null : state.agenda[at];
  if (!known || !known.at_tables || known.merged) return state;
  const agenda = state.agenda.slice();
  agenda[at] = { ...known, merged: true };
  return { ...state, agenda };
}

function merged(state, data) {
  if (!data) return state;
  const activity = data.activity;
  const next = activity && typeof activity.id === "number" ? mergedActivity(state, activity.id) : state;
  return withDuplicates(next, data.duplicates);
}

/** The tables' part of a facilitator's screen: tables, seats, people, duplicates, hands. */
export const tables = {
  initial: {
    tables: [],
    tablesByChoice: false,
    seats: new Map(),
    people: [],
    peopleListed: false, // the server lists the people (else only the seated ones are known)
    duplicates: [],
    hands: new Map(),
  },
  snapshot(state, snapshot) {
    let next = {
      ...state,
      tables: byPosition(Array.isArray(snapshot.tables) ? snapshot.tables : []),
      tablesByChoice: Boolean(snapshot.tables_by_choice),
      peopleListed: Array.isArray(snapshot.participants || snapshot.people),
      seats: seatMap(snapshot.seats),
      duplicates: [],
      hands: new Map(),
    };
    // Without a list of people (an older server), those seated are known by their ids.
    const people = snapshot.participants || [];
    next = withPeople(next, people);
    next = withDuplicates(next, snapshot.duplicates);
    for (const tally of Array.isArray(snapshot.hands) ? snapshot.hands : []) next = withHands(next, tally);
    return next;
  },
  facts: {
    "tables.changed": withTables,
    "seats.changed": (state, payload) => withSeats(state, payload.seats),
    "duplicates.flagged": (state, payload) => withDuplicates(state, payload.duplicates),
    "ideas.revealed": (state, payload) => mergedActivity(state, payload.activity_id),
    "hands.changed": withHands,
  },
  answers: {
    "table.create": (state, data) => withTable(state, data && data.table),
    "table.rename": (state, data) => withTable(state, data && data.table),
    "tables.assign": (state, data) => withSeats(state, data && data.seats),
    "brainstorm.merge": merged,
  },
};

/** A hand tally set on this screen at once, before the server's hands.changed confirms it. */
export function handsSet(state, payload) {
  return withHands(state, payload);
}

/** Seats changed on this screen at once ({participant id: table id or null}). */
export function seatsMoved(state, seats) {
  return withSeats(state, seats);
}

/** The table with this id, or null. */
export function tableById(state, tableId) {
  return state.tables.find((table) => table.id === tableId) || null;
}

/** The name of the table with this id, or "" when there is none (or it was deleted). */
export function tableName(state, tableId) {
  const table = tableId === null || tableId === undefined ? null : tableById(state, tableId);
  return table ? table.name : "";
}

/** The people seated at this table, in the order the screen lists people. */
export function seatedAt(state, tableId) {
  return state.people.filter((person) => state.seats.get(person.id) === tableId);
}

/** True while this brainstorm's ideas are held at their tables (not merged yet). */
export function heldAtTables(activity) {
  return Boolean(activity && activity.kind === BRAINSTORM && activity.at_tables && !activity.merged);
}

/** The current activity when it is a brainstorm at tables (held or merged), else null. */
export function tableBrainstorm(state) {
  const activity = currentActivity(state);
  return activity && activity.kind === BRAINSTORM && activity.at_tables ? activity : null;
}

/**
 * A brainstorm's ideas by table, in the tables' order: [{table, ideas}], and the ideas of no
 * table (or of a table since deleted) as {table: null, ideas} at the end when there are any.
 * Hidden ideas are left out of what `shown` keeps (the board passes every idea).
 */
export function ideasByTable(state, activityId, shown = () => true) {
  const lists = new Map(state.tables.map((table) => [table.id, []]));
  const elsewhere = [];
  for (const idea of state.ideas.values()) {
    if (idea.activity_id !== activityId || !shown(idea)) continue;
    const list = lists.get(idea.table_id);
    if (list) list.push(idea);
    else elsewhere.push(idea);
  }
  const order = (a, b) => a.id - b.id;
  const sections = state.tables.map((table) => ({ table, ideas: lists.get(table.id).sort(order) }));
  if (elsewhere.length) sections.push({ table: null, ideas: elsewhere.sort(order) });
  return sections;
}

/** Likely duplicates whose two ideas still stand on this screen, best first. */
export function standingDuplicates(state, dismissed = new Set()) {
  return state.duplicates
    .filter((pair) => !dismissed.has(pairKey(pair.idea_ids)))
    .map((pair) => ({ ...pair, key: pairKey(pair.idea_ids), ideas: pair.idea_ids.map((id) => state.ideas.get(id)) }))
    .filter((pair) => pair.ideas.every((idea) => idea && !idea.hidden));
}

/** The vote whose hands the screen counts now: the current vote, or the one a results activity shows. */
export function voteInFocus(state) {
  const current = currentActivity(state);
  if (!current) return null;
  if (current.kind === VOTE) return current;
  if (current.kind !== "results") return null;
  if (current.source_activity_id) {
    const source = activityById(state, current.source_activity_id);
    return source && source.kind === VOTE ? source : null;
  }
  const before = state.agenda.slice(0, state.agenda.indexOf(current)).reverse();
  return before.find((activity) => activity.kind === VOTE) || null;
}

/** The hands counted for an idea in a vote (0 when none). */
export function handsFor(state, activityId, ideaId) {
  return state.hands.get(handsKey(activityId, ideaId)) || 0;
}

/**
 * Results lines (features/results.js rankedResults) with phone votes (`phones`), `hands` and
 * their `total` apart, ranked again by the total as the hands on this screen now stand.
 */
export function withHandVotes(state, ranked) {
  if (!ranked) return ranked;
  const vote = voteInFocus(state);
  const lines = ranked.map((line) => {
    const phones = Number(line.votes) || 0;
    const hands = vote ? handsFor(state, vote.id, line.idea_id) : Number(line.hands) || 0;
    return { ...line, phones, hands, total: phones + hands };
  });
  const sorted = lines.slice().sort((a, b) => b.total - a.total);
  return sorted.map((line) => ({ ...line, rank: 1 + sorted.filter((other) => other.total > line.total).length }));
}

/** The state with the ideas of every brainstorm still held at its tables left out (the presenter). */
export function withoutHeldTables(state) {
  const held = new Set(state.agenda.filter(heldAtTables).map((activity) => activity.id));
  if (!held.size) return state;
  let ideas = null;
  for (const [id, idea] of state.ideas) {
    if (!held.has(idea.activity_id)) continue;
    if (!ideas) ideas = new Map(state.ideas);
    ideas.delete(id);
  }
  return ideas ? { ...state, ideas } : state;
}
