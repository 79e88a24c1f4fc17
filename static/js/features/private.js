// A private brainstorm: until the facilitator reveals it, each phone has only its own ideas
// of it (the server sends it no others), the board shows how many ideas there are by
// organisation type and offers to reveal them, and the presenter shows only the number.
//
// The presenter opens with a facilitator's session, so it does receive those ideas: it must
// leave them off the wall itself (withoutHeld).

import { element, keepingFocus, placeChildren, setAttr, setText } from "../core/dom.js";
import { announce, clearNotice, organisationTypeName, say, settings } from "../core/page.js";

const BRAINSTORM = "brainstorm";

function entry(activity) {
  return {
    id: activity.id,
    kind: activity.kind,
    title: activity.title || "",
    private: Boolean(activity.private),
    revealed: Boolean(activity.revealed),
  };
}

function fromAgenda(state, agenda, current) {
  if (!Array.isArray(agenda)) return state;
  const activities = new Map(agenda.map((activity) => [activity.id, entry(activity)]));
  return {
    ...state,
    privacy: { ...state.privacy, activities, current: current === undefined ? state.privacy.current : current },
  };
}

function withActivity(state, activity, current) {
  const activities = new Map(state.privacy.activities);
  if (activity && typeof activity.id === "number") activities.set(activity.id, entry(activity));
  return { ...state, privacy: { ...state.privacy, activities, current } };
}

function revealed(state, activityId) {
  const known = state.privacy.activities.get(activityId);
  if (!known || known.revealed) return state;
  const activities = new Map(state.privacy.activities);
  activities.set(activityId, { ...known, revealed: true });
  return { ...state, privacy: { ...state.privacy, activities } };
}

function counted(state, list) {
  if (!Array.isArray(list)) return state;
  const counts = new Map(list.map((count) => [count.activity_id, count]));
  return { ...state, privacy: { ...state.privacy, counts } };
}

/** Which brainstorms are private and revealed, where the room is, and (board) the counts. */
export const privacy = {
  initial: { privacy: { activities: new Map(), current: null, counts: new Map() } },
  snapshot(state, snapshot) {
    const current = snapshot.current_activity_id !== undefined
      ? snapshot.current_activity_id
      : (snapshot.workshop && snapshot.workshop.current_activity_id) || null;
    return counted(fromAgenda(state, snapshot.agenda || [], current), snapshot.idea_counts || []);
  },
  facts: {
    "agenda.changed": (state, payload) => fromAgenda(state, payload.agenda, payload.current_activity_id),
    "phase.changed": (state, payload) => (typeof payload.activity_id === "number"
      ? withActivity(state, payload.activity, payload.activity_id)
      : state),
    "ideas.revealed": (state, payload) => revealed(state, payload.activity_id),
    "ideas.counted": (state, payload) => counted(state, payload.counts),
  },
  answers: {
    "brainstorm.reveal": (state, data) => (data && data.activity && data.activity.revealed
      ? revealed(state, data.activity.id)
      : state),
  },
};

/** True while the ideas of this brainstorm are still kept to their authors. */
export function heldBack(state, activityId) {
  const known = state.privacy && state.privacy.activities.get(activityId);
  return Boolean(known && known.private && !known.revealed);
}

/** The state with the ideas of every brainstorm not yet revealed left out (the presenter). */
export function withoutHeld(state) {
  let ideas = null;
  for (const [id, idea] of state.ideas) {
    if (!heldBack(state, idea.activity_id)) continue;
    if (!ideas) ideas = new Map(state.ideas);
    ideas.delete(id);
  }
  return ideas ? { ...state, ideas } : state;
}

function currentActivity(state) {
  const { activities, current } = state.privacy;
  return current === null || current === undefined ? null : activities.get(current) || null;
}

// How many ideas a private brainstorm has: the server's count, else those this screen holds.
function total(state, activityId) {
  const count = state.privacy.counts.get(activityId);
  if (count) return count.total;
  let found = 0;
  for (const idea of state.ideas.values()) if (idea.activity_id === activityId && !idea.hidden) found += 1;
  return found;
}

// The brainstorms the board speaks of: every one still held, and the current one if private.
function brainstormsForBoard(state) {
  const now = currentActivity(state);
  return Array.from(state.privacy.activities.values()).filter((activity) => activity.kind === BRAINSTORM
    && activity.private && (!activity.revealed || (now && now.id === activity.id)));
}

function mountBoard(after, store, connection) {
  const heading = element("h2", { text: say("private_brainstorm"), attrs: { id: "private-heading" } });
  const list = element("div", { className: "private-list" });
  const panel = element("section", { className: "private-panel", attrs: { "aria-labelledby": "private-heading" } }, [heading, list]);
  panel.hidden = true;
  after.after(panel);
  const cards = new Map();

  function reveal(activity) {
    clearNotice();
    if (!window.confirm(say("confirm_reveal", { title: activity.title }))) return;
    connection.send("brainstorm.reveal", { activity_id: activity.id });
    announce(say("ideas_revealing"));
  }

  function card(activity) {
    let shown = cards.get(activity.id);
    if (!shown) {
      const title = element("h3", { className: "private-title" });
      const note = element("p", { className: "private-note" });
      const number = element("p", { className: "private-total" });
      const byType = element("ul", { className: "private-by-type" });
      const button = element("button", {
        className: "button-primary",
        text: say("reveal_ideas"),
        attrs: { type: "button", "data-focus": `reveal-${activity.id}` },
      });
      button.addEventListener("click", () => reveal(store.state.privacy.activities.get(activity.id) || activity));
      shown = { node: element("div", { className: "private-brainstorm" }, [title, note, number, byType, button]), title, note, number, byType, button };
      cards.set(activity.id, shown);
    }
    setText(shown.title, activity.title);
    setText(shown.note, say(activity.revealed ? "private_revealed" : "private_note_board"));
    setText(shown.number, say("ideas_so_far", { count: total(store.state, activity.id) }));
    const count = store.state.privacy.counts.get(activity.id);
    const types = count ? settings.organisation_types.filter((type) => type in count.by_organisation_type) : [];
    placeChildren(shown.byType, types.map((type) => element("li", {
      text: say("count_of", { name: organisationTypeName(type), count: count.by_organisation_type[type] }),
    })));
    shown.byType.hidden = types.length === 0;
    if (activity.revealed && document.activeElement === shown.button) {
      // The button goes once pressed and confirmed: the focus stays on what it did.
      setAttr(shown.note, "tabindex", "-1");
      shown.note.focus();
    }
    shown.button.hidden = activity.revealed;
    setAttr(shown.button, "aria-label", say("reveal_ideas_named", { title: activity.title }));
    return shown.node;
  }

  function draw(state) {
    const shown = brainstormsForBoard(state);
    panel.hidden = shown.length === 0;
    keepingFocus(() => placeChildren(list, shown.map(card)));
  }
  store.subscribe(draw);
  draw(store.state);
}

function mountPhone(after, store) {
  const note = element("p", { className: "private-phone-note", text: say("private_note_phone"), attrs: { id: "private-note" } });
  note.hidden = true;
  after.after(note);
  let heldBefore = null;

  function draw(state) {
    const now = currentActivity(state);
    const held = Boolean(now && now.kind === BRAINSTORM && heldBack(state, now.id));
    note.hidden = !held;
    // Said once, when the ideas this phone could not see arrive.
    if (heldBefore && !held && now && now.id === heldBefore && now.revealed) announce(say("ideas_revealed"));
    heldBefore = held ? now.id : null;
  }
  store.subscribe(draw);
  draw(store.state);
}

function mountPresenter(after, store) {
  const number = element("span", { className: "private-count-number" });
  const label = element("span", { className: "private-count-label", text: say("ideas_so_far_label") });
  const box = element("p", { className: "private-count", attrs: { id: "private-count" } }, [number, " ", label]);
  box.hidden = true;
  after.after(box);

  function draw(state) {
    const now = currentActivity(state);
    const held = Boolean(now && now.kind === BRAINSTORM && heldBack(state, now.id));
    box.hidden = !held;
    if (held) setText(number, String(total(state, now.id)));
  }
  store.subscribe(draw);
  draw(store.state);
}

/**
 * Show the private brainstorm's part of a screen, placed right after `after`: the board's
 * note, counts and Reveal button ("board"), the phone's note ("phone"), or the presenter's
 * number ("presenter").
 */
export function mountPrivate(after, store, connection, role) {
  if (!after) return;
  if (role === "board") mountBoard(after, store, connection);
  else if (role === "phone") mountPhone(after, store);
  else mountPresenter(after, store);
}
