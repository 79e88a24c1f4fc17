// What every Tupa page shares: its server-rendered data, its words, and careful DOM updates.

/** The page's data block, rendered by the server as JSON (never as a script to run). */
export const page = JSON.parse(document.getElementById("tupa-page").textContent);

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

/** An idea's text cut to a length that fits in a control's accessible name. */
export function shortText(text, limit = 80) {
  const characters = Array.from(text.replace(/\s+/g, " ").trim());
  return characters.length > limit ? `${characters.slice(0, limit - 1).join("")}…` : characters.join("");
}

/**
 * A new element. `text` always goes in as text, never as markup, so an idea that looks like
 * HTML stays words on the screen.
 */
export function element(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child) node.append(child);
  }
  return node;
}

/** Set an element's text only when it changed, so screen readers are not told twice. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Set or remove an attribute only when it changed. */
export function setAttr(node, name, value) {
  if (value === false || value === null || value === undefined) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else {
    const text = value === true ? "" : String(value);
    if (node.getAttribute(name) !== text) node.setAttribute(name, text);
  }
}

/**
 * Put `nodes` first among `parent`'s children, in order, moving only the ones out of place.
 * Children that are no longer wanted end up after them, for trimChildren to remove once
 * every list is arranged: a node moving to another list is then moved, never removed and
 * re-inserted, and moveBefore (where the browser has it) keeps its focus and state.
 */
export function arrangeChildren(parent, nodes) {
  nodes.forEach((node, index) => {
    const here = parent.children[index] || null;
    if (here === node) return;
    if (typeof parent.moveBefore === "function" && node.isConnected && parent.isConnected) {
      try {
        parent.moveBefore(node, here);
        return;
      } catch {
        // moveBefore refuses some moves; a plain insert does them all.
      }
    }
    parent.insertBefore(node, here);
  });
}

/** Remove `parent`'s children after the first `count`. */
export function trimChildren(parent, count) {
  while (parent.children.length > count) parent.lastElementChild.remove();
}

/** Make `parent`'s children exactly `nodes`, in order. */
export function placeChildren(parent, nodes) {
  arrangeChildren(parent, nodes);
  trimChildren(parent, nodes.length);
}

/**
 * Run `render` and give focus back to the control that had it, found again by its
 * data-focus name when the element itself was replaced or moved.
 */
export function keepingFocus(render) {
  const active = document.activeElement;
  const name = active && active.dataset ? active.dataset.focus : undefined;
  render();
  if (!name) return;
  const now = document.activeElement;
  if (now === active && active.isConnected) return;
  if (now && now !== document.body && now !== active) return;
  const again = document.querySelector(`[data-focus="${CSS.escape(name)}"]`);
  if (again) again.focus();
}

/** True when the person asked their system for less motion. */
export function prefersLessMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
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
