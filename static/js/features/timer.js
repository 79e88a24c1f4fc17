// The current activity's timer: its part of the screen's state (from the snapshot,
// timer.changed and the answers to the board's timer commands), a clock set by the server's,
// and the countdown every screen shows. On the board, its controls too.
//
// The server tells only the deadline. Each screen counts down on its own clock, corrected by
// the offset it measured at each sync (server_now against the midpoint of the round trip), so
// every screen shows the same time left whatever its own clock says.

import { element, setAttr, setText } from "../core/dom.js";
import { announce, clearNotice, say, showNotice } from "../core/page.js";

const TICK_MS = 200;
const ONE_MINUTE_MS = 60 * 1000;
const MOST_MINUTES = 240;
// A measurement over a slower round trip is less exact; it replaces a better one only when
// that one is old (the device's clock may have been set since).
const CLOCK_KEPT_MS = 10 * 60 * 1000;
// Where the focus goes when the button that had it goes away.
const REPLACED_BY = { pause: "resume", resume: "pause", remove: "add", add: "start", stop: "start" };

function current(payload) {
  return payload && typeof payload.activity_id === "number"
    ? { activity_id: payload.activity_id, timer: payload.timer || null }
    : null;
}

// A timer told for another activity than the one shown is an old one running out.
function told(state, payload) {
  const next = current(payload);
  if (!next) return state;
  if (state.timer && state.timer.activity_id !== next.activity_id) return state;
  return { ...state, timer: next };
}

function answered(state, data) {
  return current(data) ? { ...state, timer: current(data) } : state;
}

/** The timer's part of a screen's state: `{activity_id, timer}` or null. */
export const timer = {
  initial: { timer: null },
  snapshot: (state, snapshot) => ({ ...state, timer: current(snapshot.timer) }),
  facts: {
    "timer.changed": told,
    // Another activity: its own timer, if the fact carries it; else none until it is told.
    "phase.changed": (state, payload) => {
      if (typeof payload.activity_id !== "number") return state;
      if (state.timer && state.timer.activity_id === payload.activity_id) return state;
      const activity = payload.activity || {};
      return { ...state, timer: { activity_id: payload.activity_id, timer: activity.timer || null } };
    },
  },
  answers: {
    "timer.start": answered,
    "timer.pause": answered,
    "timer.resume": answered,
    "timer.adjust": answered,
    "timer.stop": answered,
  },
};

/** The server's clock, as this screen measured it at its syncs. */
export class ServerClock {
  constructor() {
    this.offset = 0;
    this.roundTrip = null;
    this.measuredAt = 0;
  }

  measure(serverNow, sentAt, answeredAt) {
    const server = Date.parse(serverNow);
    if (!Number.isFinite(server) || !sentAt || answeredAt < sentAt) return;
    const roundTrip = answeredAt - sentAt;
    const better = this.roundTrip === null || roundTrip <= this.roundTrip * 2 + 50;
    if (!better && answeredAt - this.measuredAt < CLOCK_KEPT_MS) return;
    this.offset = server - (sentAt + answeredAt) / 2;
    this.roundTrip = roundTrip;
    this.measuredAt = answeredAt;
  }

  now() {
    return Date.now() + this.offset;
  }
}

/** Milliseconds left on a timer at the server's `now`; null for one never started. */
export function leftMs(timerState, now) {
  if (!timerState) return null;
  if (timerState.state === "paused") return timerState.remaining_ms;
  if (!timerState.deadline) return null;
  return Math.max(Date.parse(timerState.deadline) - now, 0);
}

/** Time as a clock shows it: m:ss, or h:mm:ss from an hour; whole seconds, rounded up. */
export function clockText(ms) {
  const seconds = Math.ceil(Math.max(ms, 0) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${String(minutes).padStart(2, "0")}:${rest}`;
}

/**
 * Draw the current activity's timer in `host` and keep it counting down.
 *
 * `controls`: the board's buttons to start, pause, resume, adjust and stop it.
 */
export function mountTimer(host, store, connection, { controls = false } = {}) {
  if (!host) return;
  const clock = new ServerClock();
  connection.onSync((data, sentAt, answeredAt) => {
    if (data && data.server_now) clock.measure(data.server_now, sentAt, answeredAt);
  });

  const label = element("span", { className: "timer-label", text: say("timer_left"), attrs: { id: "timer-label" } });
  // role=timer is not read out by itself (aria-live off): only one minute left and time up
  // are announced, politely, through the page's announcer.
  const face = element("span", {
    className: "timer-clock",
    attrs: { role: "timer", "aria-live": "off", "aria-labelledby": "timer-label" },
  });
  const note = element("p", { className: "timer-note" });
  host.replaceChildren(element("p", { className: "timer-face" }, [label, " ", face]), note);
  host.classList.add("activity-timer");
  const buttons = controls ? drawControls(host, store, connection) : null;

  let spokenFor = null; // the deadline whose minute and end were already announced
  let spoken = new Set();

  function tick() {
    const shown = store.state.timer;
    const state = shown && shown.timer;
    const phase = state ? state.state : "idle";
    const left = leftMs(state, clock.now());
    const running = phase === "running" || phase === "ended";
    const up = running && left === 0;
    const shownPhase = up ? "ended" : phase;
    host.hidden = !controls && (!state || phase === "idle");
    host.dataset.state = shownPhase;
    setAttr(face, "data-left-ms", left === null ? null : Math.round(left));
    setAttr(face, "data-deadline", state && state.deadline ? state.deadline : null);
    setAttr(face, "data-offset-ms", Math.round(clock.offset));
    const planned = state && state.duration_seconds ? state.duration_seconds * 1000 : null;
    setText(face, left === null ? (planned ? clockText(planned) : "--:--") : clockText(left));
    let words = "";
    if (up) words = say(state.closes_when_time_up ? "timer_up_closed" : "timer_up");
    else if (phase === "paused") words = say("timer_paused");
    else if (phase === "idle" && controls) words = say("timer_not_started");
    setText(note, words);
    if (running && state.deadline) {
      if (spokenFor !== state.deadline) {
        spokenFor = state.deadline;
        // Already under a minute when first seen: no need to say so again.
        spoken = new Set(left <= ONE_MINUTE_MS ? ["minute"] : []);
        if (up) spoken.add("up");
      }
      if (!up && left <= ONE_MINUTE_MS && !spoken.has("minute")) {
        spoken.add("minute");
        announce(say("timer_one_minute"));
      }
      if (up && !spoken.has("up")) {
        spoken.add("up");
        announce(words);
      }
    }
    if (buttons) buttons.draw(phase, up);
  }

  store.subscribe(tick);
  window.setInterval(tick, TICK_MS);
  tick();
}

function drawControls(host, store, connection) {
  const minutes = element("input", {
    className: "timer-minutes",
    attrs: {
      id: "timer-minutes", type: "number", min: 1, max: MOST_MINUTES, step: 1, inputmode: "numeric",
      "aria-describedby": "timer-minutes-hint",
    },
  });
  const button = (key, name, act) => {
    const node = element("button", { text: say(key), attrs: { type: "button", "data-timer": name } });
    node.addEventListener("click", act);
    return node;
  };
  const send = (name, payload = {}) => {
    clearNotice();
    connection.send(name, payload);
  };
  const start = () => {
    const typed = minutes.value.trim();
    if (!typed) {
      send("timer.start", { seconds: null });
      return;
    }
    const value = Number(typed);
    if (!Number.isInteger(value) || value < 1 || value > MOST_MINUTES) {
      showNotice(say("timer_minutes_invalid"));
      minutes.focus();
      return;
    }
    send("timer.start", { seconds: value * 60 });
  };
  const all = {
    start: button("timer_start", "start", start),
    pause: button("timer_pause", "pause", () => send("timer.pause")),
    resume: button("timer_resume", "resume", () => send("timer.resume")),
    add: button("timer_add_minute", "add", () => send("timer.adjust", { seconds: 60 })),
    remove: button("timer_remove_minute", "remove", () => send("timer.adjust", { seconds: -60 })),
    stop: button("timer_stop", "stop", () => send("timer.stop")),
  };
  const group = element("div", {
    className: "timer-controls",
    attrs: { role: "group", "aria-label": say("timer") },
  }, [
    element("label", { text: say("timer_minutes"), attrs: { for: "timer-minutes" } }),
    minutes,
    element("span", { className: "field-hint", text: say("timer_minutes_hint"), attrs: { id: "timer-minutes-hint" } }),
    ...Object.values(all),
  ]);
  host.append(group);
  return {
    draw(phase, up) {
      const running = phase === "running" && !up;
      const hide = {
        start: false,
        pause: !running,
        resume: phase !== "paused",
        add: phase === "idle",
        remove: phase === "idle" || up,
        stop: phase === "idle",
      };
      // The focus stays on the controls: a button about to go hands it to its successor.
      const going = Object.keys(hide).find((name) => hide[name] && document.activeElement === all[name]);
      for (const [name, hidden] of Object.entries(hide)) {
        if (all[name].hidden !== hidden) all[name].hidden = hidden;
      }
      if (going) {
        const next = REPLACED_BY[going];
        (next && !hide[next] ? all[next] : all.start).focus();
      }
    },
  };
}
