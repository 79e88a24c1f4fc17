// The workshop as one screen knows it, in one place. Each feature brings reducers: pure
// functions (state, payload) -> state that return the state they were given when nothing
// changed, so a page redraws only when something it shows did.

/**
 * A screen's state, changed only through the features' reducers.
 *
 * A feature is `{ initial, snapshot, facts, answers }`, each optional: `initial` is its part
 * of the state before any snapshot, `snapshot(state, snapshot)` takes its part of a whole
 * snapshot, `facts` maps a fact's name to its reducer, `answers` maps a command's name to
 * the reducer of its answer.
 */
export class Store {
  /** Each feature's `initial` part, then `state` (the screen's own choices), before any snapshot. */
  constructor(features, state = {}) {
    this.state = Object.assign({}, ...features.map((feature) => feature.initial || {}), state);
    this.listeners = new Set();
    this.loaders = [];
    this.facts = new Map();
    this.answers = new Map();
    for (const feature of features) {
      if (feature.snapshot) this.loaders.push(feature.snapshot);
      collect(this.facts, feature.facts);
      collect(this.answers, feature.answers);
    }
  }

  /** Take everything a snapshot holds, feature by feature. */
  load(snapshot) {
    this.replace(this.loaders.reduce((state, loader) => loader(state, snapshot), this.state));
  }

  /** Apply a fact the server told; true when the screen has something new to show. */
  dispatch(name, payload) {
    return this.run(this.facts.get(name), payload);
  }

  /** Apply the server's answer to a command; true when the screen has something new to show. */
  answer(command, data) {
    return this.run(this.answers.get(command), data);
  }

  /** Apply a change made on this screen before the server confirms it. */
  change(reducer, payload) {
    return this.run([reducer], payload);
  }

  /** Call `listener(state)` after every change; returns the function that stops it. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  run(reducers, payload) {
    if (!reducers) return false;
    return this.replace(reducers.reduce((state, reducer) => reducer(state, payload), this.state));
  }

  replace(state) {
    if (state === this.state) return false;
    this.state = state;
    for (const listener of this.listeners) listener(state);
    return true;
  }
}

// Several features may answer one name (a deleted idea leaves its cluster too): all run.
function collect(table, reducers) {
  for (const [name, reducer] of Object.entries(reducers || {})) {
    if (!table.has(name)) table.set(name, []);
    table.get(name).push(reducer);
  }
}
