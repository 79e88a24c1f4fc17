// One decision in words, as the phone's list and the board's cards show it: the outcome, then
// the owner, the next step and the date, each only when given.

import { element } from "../core/dom.js";
import { organisationTypeName, page, say } from "../core/page.js";

/** A date "2027-03-31" in the page's language, as a calendar shows it. */
export function dueDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  try {
    return new Intl.DateTimeFormat(page.lang, { dateStyle: "long", timeZone: "UTC" })
      .format(new Date(Date.UTC(year, month - 1, day)));
  } catch {
    return iso;
  }
}

/** The owner in words: a name, a kind of organisation, or both. */
export function ownerWords(decision) {
  const type = decision.owner_type ? organisationTypeName(decision.owner_type) : "";
  if (decision.owner_name && type) return say("decision_owner_with_type", { name: decision.owner_name, type });
  return decision.owner_name || type;
}

/** The lines of a decision, in a <div class="decision-summary">. */
export function decisionSummary(decision) {
  const owner = ownerWords(decision);
  return element("div", { className: "decision-summary" }, [
    element("p", { className: "decision-outcome", text: say(`outcome.${decision.outcome}`) }),
    owner ? element("p", { className: "decision-owner", text: say("decision_owner", { owner }) }) : null,
    decision.next_step ? element("p", { className: "decision-step", text: say("decision_next_step", { step: decision.next_step }) }) : null,
    decision.due_on ? element("p", { className: "decision-due" }, [
      element("time", { text: say("decision_due_on", { date: dueDate(decision.due_on) }), attrs: { datetime: decision.due_on } }),
    ]) : null,
  ]);
}
