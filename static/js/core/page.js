// What every Tupa page shares: its server-rendered data, its words, and its notices.

import { element } from "./dom.js";

/** The page's data block, rendered by the server as JSON (never as a script to run). */
export const page = JSON.parse(document.getElementById("tupa-page").textContent);

/** The workshop's limits, phases and organisation types, as the server's rules have them. */
export const settings = page.settings;

/** A message in the page's language, its %(name)s placeholders filled with `values`. */
export function say(key, values = {}) {
  const text = (page.messages && page.messages[key]) || key;
  return text.replace(/%\((\w+)\)s/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole);
}

/** The name of a phase in words. */
export function phaseName(phase) {
  return say(`phase.${phase}`);
}

/** The name of an organisation type in words. */
export function organisationTypeName(type) {
  return say(`organisation_type.${type}`);
}

/**
 * Show a message in the page's notice region (role=alert), with a button to close it.
 * Messages stay until closed or replaced: nobody has to read against a clock. `link`, if
 * given ({href, text}), offers the way out (join again, sign in again).
 */
export function showNotice(text, { kind = "error", link = null } = {}) {
  const region = document.getElementById("page-notice");
  if (!region) return;
  const box = element("div", { className: `notice notice-${kind}` }, [
    element("p", { text }),
    link ? element("a", { text: link.text, attrs: { href: link.href } }) : null,
    element("button", {
      className: "notice-close",
      text: say("close"),
      attrs: { type: "button", "aria-label": say("close_message") },
    }),
  ]);
  box.querySelector("button").addEventListener("click", () => {
    box.remove();
    const main = document.getElementById("main");
    if (main) main.focus();
  });
  region.replaceChildren(box);
}

/** Remove the notice, if one is shown. */
export function clearNotice() {
  const region = document.getElementById("page-notice");
  if (region) region.replaceChildren();
}

/** Polite words for screen readers that need no place on the screen. */
export function announce(text) {
  const region = document.getElementById("page-announcer");
  if (!region) return;
  // Emptying first makes the same sentence twice in a row be read twice.
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}
