// The one socket client every Tupa page shares.
//
// It opens the socket with the page's identity, syncs after every (re)connect (the facts it
// missed, or a whole snapshot), hands facts to the page in sequence order (syncing again when
// one went missing; a phone at a table also follows its table's own numbers, `tseq`), and
// sends commands through an outbox kept in localStorage: a command made
// while offline, or before a reload, is sent when the connection is back, with the same
// idempotency key, and leaves the outbox only when the server has answered it.

import { io } from "/vendor/socket.io.esm.min.js";
import { say } from "./page.js";

/** Every fact the server may tell; anything else on the socket is ignored. */
export const FACTS = new Set([
  "idea.posted",
  "idea.edited",
  "idea.deleted",
  "idea.hidden",
  "idea.shown",
  "clusters.changed",
  "phase.changed",
  "agenda.changed",
  "results.revealed",
  "presence.changed",
  "votes.progressed",
  "workshop.changed",
  "timer.changed",
  "idea.merged",
  "idea.unmerged",
  "input.changed",
  "ideas.revealed",
  "ideas.counted",
  "decision.changed",
  "decisions.changed",
  "tables.changed",
  "seats.changed",
  "duplicates.flagged",
  "hands.changed",
]);

// Commands that create something: each carries a client key, so a re-send stores it once.
// An adjustment of the timer carries one too: sent twice, it would move the deadline twice.
const CREATING = new Set([
  "idea.post", "vote.cast", "cluster.create", "idea.merge", "timer.adjust", "table.create", "idea.enter",
]);
// Commands whose "not found" after a re-send means the first send already did the job.
const REMOVING = new Set(["idea.delete", "cluster.delete", "table.delete"]);
// Refusals that may go away by themselves; any other refusal is the server's final word.
const TRY_AGAIN = new Set(["server_busy", "rate_limited"]);

const ACK_WAIT_MS = 10000;
const SYNC_WAIT_MS = 15000;
// Two commands finishing at once may broadcast their facts out of order: wait a moment for
// the missing one before asking for a whole snapshot.
const GAP_WAIT_MS = 1000;
const RETRY_FIRST_MS = 500;
const RETRY_MOST_MS = 15000;
const RECONNECTED_SHOWN_MS = 6000;
// While connected, a command answered within this time is not worth telling anyone about.
const WAITING_SHOWN_AFTER_MS = 3000;

/** A random client key, from crypto.getRandomValues: randomUUID needs a secure origin. */
function newKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function pause(ms) {
  return new Promise((resolve) => { window.setTimeout(resolve, ms); });
}

function retryDelay(attempt) {
  return Math.min(RETRY_FIRST_MS * 2 ** Math.min(attempt, 10), RETRY_MOST_MS);
}

// A short, non-secret fingerprint of the participant token (FNV-1a): outboxes of two
// participants in one browser stay apart without writing the token itself into storage.
function fingerprint(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

// The table a table's fact is about: it says so itself, or its idea does; else it is the
// table of the room this socket sits in.
function tableOf(payload, sittingAt) {
  if (typeof payload.table_id === "number") return payload.table_id;
  if (payload.idea && typeof payload.idea.table_id === "number") return payload.idea.table_id;
  return sittingAt;
}

/**
 * Commands waiting for the server's answer, in order, in localStorage. Every change reads
 * storage afresh, so two tabs of one person add to the same list without losing each other's.
 */
class Outbox {
  constructor(name) {
    this.name = name;
    this.memory = [];
    try {
      const probe = `${name}.probe`;
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      this.stored = true;
    } catch {
      // Storage is off (private mode, full quota): keep the list for this page's life only.
      this.stored = false;
    }
  }

  items() {
    if (!this.stored) return this.memory.slice();
    try {
      const list = JSON.parse(window.localStorage.getItem(this.name) || "[]");
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  write(items) {
    this.memory = items;
    if (!this.stored) return;
    try {
      if (items.length) window.localStorage.setItem(this.name, JSON.stringify(items));
      else window.localStorage.removeItem(this.name);
    } catch {
      this.stored = false;
    }
  }

  add(item) {
    this.write([...this.items(), item]);
  }

  update(id, change) {
    this.write(this.items().map((item) => (item.id === id ? { ...item, ...change } : item)));
  }

  remove(id) {
    this.write(this.items().filter((item) => item.id !== id));
  }
}

/**
 * A page's connection to its workshop.
 *
 * `handlers`: snapshot(snapshot), fact(name, payload), done(item, data), refused(item, error),
 * outboxChanged(items), denied(error). Each is optional.
 */
export class Connection {
  constructor(page, handlers = {}) {
    this.handlers = handlers;
    this.lastSeq = null;
    this.synced = false;
    this.syncing = false;
    this.syncAgain = false;
    this.wantWhole = false; // the next sync asks for a snapshot, not for what was missed
    this.early = [];
    this.ahead = new Map();
    this.gapTimer = null;
    // A phone at a table: who it is, where it sits, and the last number heard from each
    // table (its own, from its snapshot); facts held back by a gap in a table's numbers.
    this.participantId = null;
    this.tableId = null;
    this.tableSeqs = new Map();
    this.tableAhead = new Map();
    this.sending = false;
    this.everConnected = false;
    this.state = "connecting";
    this.reconnectedTimer = null;
    this.syncListeners = [];

    const who = page.token ? `participant-${fingerprint(page.token)}` : page.role;
    this.outbox = new Outbox(`tupa.outbox.${page.workshop_id}.${who}`);
    this.status = document.getElementById("connection-status");

    const auth = { workshop_id: page.workshop_id, lang: page.lang };
    if (page.token) auth.token = page.token;
    this.socket = io({
      auth,
      transports: ["websocket", "polling"],
      // Some networks block WebSockets: then long-polling is tried before giving up.
      tryAllTransports: true,
    });
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("disconnect", (reason) => this.onDisconnect(reason));
    this.socket.on("connect_error", (error) => this.onConnectError(error));
    // Facts come in frames of one or more, each {name, payload}, in sequence order.
    this.socket.on("facts", (frame) => {
      if (!Array.isArray(frame)) return;
      for (const fact of frame) {
        if (fact && typeof fact === "object") this.receive(fact.name, fact.payload);
      }
    });

    window.addEventListener("storage", (event) => {
      if (event.key !== this.outbox.name) return;
      this.outboxChanged();
      this.pump();
    });
    window.addEventListener("online", () => {
      if (!this.socket.connected && this.state !== "denied") this.socket.connect();
    });
    this.showStatus();
  }

  /** Queue a command; it is sent now if connected, else when the connection is back. */
  send(name, payload = {}) {
    const item = { id: newKey(), name, payload: { ...payload }, sent: false, made: Date.now() };
    if (CREATING.has(name) && !item.payload.key) item.payload.key = item.id;
    this.outbox.add(item);
    this.outboxChanged();
    this.pump();
    window.setTimeout(() => this.showStatus(), WAITING_SHOWN_AFTER_MS + 100);
    return item;
  }

  /** Commands not yet answered by the server, oldest first. */
  pending() {
    return this.outbox.items();
  }

  /** True while the socket is connected and the page holds a current snapshot. */
  get live() {
    return this.socket.connected && this.synced;
  }

  /** Call `listener(data, sentAt, answeredAt)` after each answered sync (timer.js sets its clock). */
  onSync(listener) {
    this.syncListeners.push(listener);
  }

  /** Ask for a whole fresh snapshot now: what was missed would not say what the server moved. */
  resync() {
    this.wantWhole = true;
    this.sync();
  }

  onConnect() {
    window.clearTimeout(this.reconnectedTimer);
    this.state = this.everConnected ? "reconnected" : "connected";
    this.everConnected = true;
    this.showStatus();
    if (this.state === "reconnected") {
      this.reconnectedTimer = window.setTimeout(() => {
        if (this.state === "reconnected") {
          this.state = "connected";
          this.showStatus();
        }
      }, RECONNECTED_SHOWN_MS);
    }
    this.sync();
  }

  onDisconnect(reason) {
    this.synced = false;
    window.clearTimeout(this.reconnectedTimer);
    if (this.state === "denied") return;
    this.state = "lost";
    this.showStatus();
    // The server closed this socket on purpose: Socket.IO waits for us to reconnect.
    if (reason === "io server disconnect") {
      window.setTimeout(() => this.socket.connect(), retryDelay(2));
    }
  }

  onConnectError(error) {
    if (this.socket.active) {
      // A network failure: Socket.IO keeps trying by itself.
      if (this.state !== "lost") {
        this.state = this.everConnected ? "lost" : "connecting";
        this.showStatus();
      }
      return;
    }
    // The server refused who we are: trying again would be refused again.
    this.state = "denied";
    this.showStatus();
    if (this.handlers.denied) this.handlers.denied(error && error.data ? error.data : {});
  }

  async sync() {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    this.synced = false;
    window.clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.ahead.clear();
    this.tableAhead.clear();
    let answer = null;
    let attempt = 0;
    let sentAt = 0;
    let answeredAt = 0;
    const whole = Boolean(this.wantWhole);
    this.wantWhole = false;
    while (this.socket.connected) {
      // A screen that has drawn the workshop before asks only for what it missed since.
      const payload = this.lastSeq === null || whole ? {} : { since: this.lastSeq };
      // A table's facts are not logged: the server answers with a snapshot when this phone's
      // table has told anything since the last number it heard.
      if (payload.since !== undefined && this.tableId !== null) payload.table_seq = this.tableSeqs.get(this.tableId) ?? null;
      sentAt = Date.now();
      answer = await this.ask("workshop.sync", payload, SYNC_WAIT_MS);
      answeredAt = Date.now();
      if (answer && (answer.ok || !TRY_AGAIN.has(answer.error && answer.error.code))) break;
      answer = null;
      await pause(retryDelay(attempt));
      attempt += 1;
    }
    if (!answer) {
      this.syncing = false;
      this.wantWhole = this.wantWhole || whole;
      return; // disconnected meanwhile: the next connect syncs again
    }
    if (!answer.ok) {
      this.syncing = false;
      this.early = [];
      if (this.handlers.refused) this.handlers.refused({ name: "workshop.sync" }, answer.error);
      return;
    }
    const data = answer.data;
    for (const listener of this.syncListeners) listener(data, sentAt, answeredAt);
    if (Array.isArray(data.missed)) {
      // Catching up: the missed facts, in order, exactly as they would have arrived.
      for (const { name, payload } of data.missed) {
        if (FACTS.has(name) && payload && payload.seq > this.lastSeq) {
          this.deliver(name, payload);
          this.lastSeq = payload.seq;
        }
      }
      this.lastSeq = Math.max(this.lastSeq, data.seq);
    } else {
      this.lastSeq = data.seq;
      this.seatedBy(data.me);
      if (this.handlers.snapshot) this.handlers.snapshot(data);
    }
    this.synced = true;
    this.showStatus();
    const early = this.early;
    this.early = [];
    // Still syncing while the caught-up and early facts are handed on: a fact that asks for
    // a fresh snapshot (seats.changed) then queues it after this one, never beside it.
    for (const [name, payload] of early) this.receive(name, payload);
    this.syncing = false;
    if (this.syncAgain) {
      this.syncAgain = false;
      this.sync();
      return;
    }
    this.pump();
  }

  receive(name, payload) {
    if (!FACTS.has(name) || !payload || typeof payload !== "object") return;
    if (!this.synced) {
      // Facts that overtake the snapshot wait for it; those it already holds are dropped then.
      this.early.push([name, payload]);
      return;
    }
    const seq = payload.seq;
    if ((seq === null || seq === undefined) && typeof payload.tseq === "number") {
      this.receiveAtTable(name, payload);
      return;
    }
    if (seq === null || seq === undefined) {
      this.deliver(name, payload);
      return;
    }
    if (seq <= this.lastSeq) return;
    if (seq > this.lastSeq + 1) {
      this.ahead.set(seq, [name, payload]);
      this.waitForGap();
      return;
    }
    this.deliver(name, payload);
    this.lastSeq = seq;
    while (this.ahead.has(this.lastSeq + 1)) {
      const [nextName, nextPayload] = this.ahead.get(this.lastSeq + 1);
      this.ahead.delete(this.lastSeq + 1);
      this.deliver(nextName, nextPayload);
      this.lastSeq += 1;
    }
    for (const old of this.ahead.keys()) {
      if (old <= this.lastSeq) this.ahead.delete(old);
    }
    this.gapClosed();
  }

  /**
   * A fact told to this phone's table, numbered by the table (`tseq`) apart from the
   * workshop's `seq`. The first heard of a table sets where it is; a gap waits a moment,
   * then asks for a whole snapshot, since a table's facts are not kept for a catch-up.
   */
  receiveAtTable(name, payload) {
    const table = tableOf(payload, this.tableId);
    // Told to the table this phone has just left, before its snapshot moved it: not its own.
    if (this.participantId !== null && table !== this.tableId) return;
    const last = this.tableSeqs.get(table);
    const tseq = payload.tseq;
    if (last !== undefined && tseq <= last) return;
    if (last !== undefined && tseq > last + 1) {
      if (!this.tableAhead.has(table)) this.tableAhead.set(table, new Map());
      this.tableAhead.get(table).set(tseq, [name, payload]);
      this.waitForGap();
      return;
    }
    this.deliver(name, payload);
    let now = tseq;
    const ahead = this.tableAhead.get(table);
    while (ahead && ahead.has(now + 1)) {
      const [nextName, nextPayload] = ahead.get(now + 1);
      ahead.delete(now + 1);
      now += 1;
      this.deliver(nextName, nextPayload);
    }
    // A snapshot asked for by one of those facts has started afresh: it sets the numbers.
    if (!this.synced) return;
    this.tableSeqs.set(table, now);
    if (ahead) {
      for (const old of ahead.keys()) if (old <= now) ahead.delete(old);
      if (!ahead.size) this.tableAhead.delete(table);
    }
    this.gapClosed();
  }

  // Two commands finishing at once may broadcast out of order: the missing fact gets a
  // moment to arrive. A workshop gap then asks for what was missed, a table's for a snapshot.
  waitForGap() {
    if (this.gapTimer) return;
    this.gapTimer = window.setTimeout(() => {
      this.gapTimer = null;
      if (this.tableAhead.size) this.wantWhole = true;
      if (this.ahead.size || this.tableAhead.size) this.sync();
    }, GAP_WAIT_MS);
  }

  gapClosed() {
    if (this.ahead.size || this.tableAhead.size) return;
    window.clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  // A snapshot says who this phone is, where it sits and its table's number now.
  seatedBy(me) {
    this.tableSeqs = new Map();
    this.tableAhead.clear();
    const seated = me && typeof me.table_id === "number";
    this.participantId = me && typeof me.participant_id === "number" ? me.participant_id : null;
    this.tableId = seated ? me.table_id : null;
    if (seated && typeof me.table_seq === "number") this.tableSeqs.set(me.table_id, me.table_seq);
  }

  deliver(name, payload) {
    if (this.handlers.fact) this.handlers.fact(name, payload);
    // This phone was seated elsewhere (or unseated): only a snapshot moves it to its table's
    // room and brings that table's ideas.
    if (name === "seats.changed" && this.participantId !== null
        && Array.isArray(payload.participant_ids) && payload.participant_ids.includes(this.participantId)) {
      this.resync();
    }
  }

  async ask(name, payload, ms) {
    try {
      return await this.socket.timeout(ms).emitWithAck(name, payload);
    } catch {
      return null; // no answer in time: the caller sends the same thing again
    }
  }

  async pump() {
    if (this.sending) return;
    this.sending = true;
    try {
      let attempt = 0;
      while (this.live) {
        const item = this.outbox.items()[0];
        if (!item) break;
        const resent = Boolean(item.sent);
        if (!resent) this.outbox.update(item.id, { sent: true });
        const answer = await this.ask(item.name, item.payload, ACK_WAIT_MS);
        const code = answer && !answer.ok && answer.error ? answer.error.code : null;
        if (answer === null || TRY_AGAIN.has(code)) {
          if (!this.socket.connected) break; // the whole outbox goes again after reconnecting
          await pause(retryDelay(attempt));
          attempt += 1;
          continue;
        }
        if (code === "not_authenticated") {
          // The server no longer knows this socket: connect afresh, then send again.
          this.socket.disconnect().connect();
          break;
        }
        attempt = 0;
        this.outbox.remove(item.id);
        this.outboxChanged();
        if (answer.ok || (resent && code === "not_found" && REMOVING.has(item.name))) {
          if (this.handlers.done) this.handlers.done(item, answer.ok ? answer.data : null);
        } else if (this.handlers.refused) {
          this.handlers.refused(item, answer.error || { code: "server_error", message: "" });
        }
      }
    } finally {
      this.sending = false;
    }
  }

  outboxChanged() {
    this.showStatus();
    if (this.handlers.outboxChanged) this.handlers.outboxChanged(this.outbox.items());
  }

  showStatus() {
    if (!this.status) return;
    const words = {
      connecting: say("connecting"),
      connected: "",
      reconnected: say("connection_back"),
      lost: say("connection_lost"),
      denied: say("connection_denied"),
    }[this.state];
    // Offline, everything waiting is worth a word; online, only what has been slow.
    const now = Date.now();
    const waiting = this.outbox.items().filter((item) =>
      !this.live || !item.made || now - item.made >= WAITING_SHOWN_AFTER_MS).length;
    const parts = [words];
    if (waiting) parts.push(say("actions_waiting", { count: waiting }));
    const text = parts.filter(Boolean).join(" ");
    if (this.status.textContent !== text) this.status.textContent = text;
    // The region stays in the page even when empty: a live region that appears together
    // with its words is often not read out.
    this.status.dataset.state = text ? this.state : "quiet";
  }
}
