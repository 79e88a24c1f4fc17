// The board's dialog for a decision on an idea or a cluster: what happens next (one of the
// outcomes), who owns it (an organisation's name and kind), the next step and its date. A
// problem is said next to its field when the form is sent; the server's rules are the same.

import { element, setAttr, setText } from "../core/dom.js";
import { organisationTypeName, say, settings } from "../core/page.js";
import { Dialog } from "./dialog.js";

const EARLIEST = "2000-01-01";
const LATEST = "2099-12-31";

function field(id, label, control, hint) {
  const error = element("p", { className: "field-error", attrs: { id: `${id}-error` } });
  error.hidden = true;
  const parts = [element("label", { text: label, attrs: { for: id } })];
  if (hint) parts.push(element("p", { className: "hint", text: hint, attrs: { id: `${id}-hint` } }));
  parts.push(control, error);
  return { node: element("div", { className: "field" }, parts), control, error, hint: hint ? `${id}-hint` : null };
}

/** The dialog; `save(target, fields)` hears a decision, `remove(target)` its removal. */
export class DecisionDialog {
  constructor({ save, remove }) {
    this.target = null; // {idea_id} or {cluster_id}
    this.dialog = Dialog.build("decision-dialog", say("decision_dialog_heading"));
    this.about = element("p", { className: "decision-about" });
    this.outcomes = settings.outcomes.map((outcome) => element("input", {
      attrs: { type: "radio", name: "decision-outcome", id: `decision-outcome-${outcome}`, value: outcome },
    }));
    const outcomeSet = element("fieldset", { className: "field" }, [
      element("legend", { text: say("decision_outcome_question") }),
      ...settings.outcomes.map((outcome, index) => element("span", { className: "choice" }, [
        this.outcomes[index],
        element("label", { text: say(`outcome.${outcome}`), attrs: { for: `decision-outcome-${outcome}` } }),
      ])),
    ]);
    this.ownerName = field("decision-owner-name", say("decision_owner_name_label"), element("input", {
      attrs: { type: "text", id: "decision-owner-name", maxlength: settings.organisation_name_max_length, autocomplete: "organization" },
    }), say("decision_optional"));
    this.ownerType = field("decision-owner-type", say("decision_owner_type_label"), element("select", {
      attrs: { id: "decision-owner-type" },
    }, [
      element("option", { text: say("decision_owner_type_none"), attrs: { value: "" } }),
      ...settings.organisation_types.map((type) => element("option", { text: organisationTypeName(type), attrs: { value: type } })),
    ]));
    this.nextStep = field("decision-next-step", say("decision_next_step_label"), element("textarea", {
      attrs: { id: "decision-next-step", rows: 3 },
    }), say("decision_optional"));
    this.dueOn = field("decision-due-on", say("decision_due_on_label"), element("input", {
      attrs: { type: "date", id: "decision-due-on", min: EARLIEST, max: LATEST },
    }), say("decision_optional"));
    this.fields = [this.ownerName, this.ownerType, this.nextStep, this.dueOn];
    for (const one of this.fields) if (one.hint) setAttr(one.control, "aria-describedby", one.hint);
    this.removeButton = element("button", { className: "button-danger", text: say("decision_remove"), attrs: { type: "button" } });
    const cancel = element("button", { text: say("cancel"), attrs: { type: "button" } });
    this.form = element("form", { className: "form", attrs: { novalidate: true } }, [
      outcomeSet,
      ...this.fields.map((one) => one.node),
      element("div", { className: "button-row" }, [
        element("button", { className: "button-primary", text: say("save"), attrs: { type: "submit" } }),
        this.removeButton,
        cancel,
      ]),
    ]);
    this.dialog.body.append(this.about, this.form);
    cancel.addEventListener("click", () => this.dialog.close());
    this.removeButton.addEventListener("click", () => {
      remove(this.target);
      this.dialog.close();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const fields = this.read();
      if (!fields) return;
      save(this.target, fields);
      this.dialog.close();
    });
  }

  /** Open it on `target` ({idea_id} or {cluster_id}), about `about` (its words), with `decision` if it has one. */
  open(target, about, decision) {
    this.target = target;
    setText(this.about, about);
    const outcome = decision ? decision.outcome : settings.outcomes[0];
    for (const radio of this.outcomes) radio.checked = radio.value === outcome;
    this.ownerName.control.value = decision ? decision.owner_name : "";
    this.ownerType.control.value = decision ? decision.owner_type : "";
    this.nextStep.control.value = decision ? decision.next_step : "";
    this.dueOn.control.value = decision && decision.due_on ? decision.due_on : "";
    for (const one of this.fields) this.showProblem(one, null);
    this.removeButton.hidden = !decision;
    this.dialog.open(this.outcomes.find((radio) => radio.checked));
  }

  /** The fields to send, or null after saying what is wrong next to the first problem. */
  read() {
    const owner = this.ownerName.control.value.trim();
    const step = this.nextStep.control.value.trim();
    const due = this.dueOn.control.value;
    const problems = [
      [this.ownerName, owner.length > settings.organisation_name_max_length
        ? say("decision_too_long", { max_length: settings.organisation_name_max_length }) : null],
      [this.nextStep, step.length > settings.next_step_max_length
        ? say("decision_too_long", { max_length: settings.next_step_max_length }) : null],
      // A date input gives "" for a date it cannot read, and the format for one it can.
      [this.dueOn, (this.dueOn.control.validity && this.dueOn.control.validity.badInput)
        || (due && (!/^\d{4}-\d{2}-\d{2}$/.test(due) || due < EARLIEST || due > LATEST))
        ? say("decision_due_on_invalid") : null],
    ];
    let first = null;
    for (const [one, problem] of problems) {
      this.showProblem(one, problem);
      if (problem && !first) first = one;
    }
    if (first) {
      first.control.focus();
      return null;
    }
    const chosen = this.outcomes.find((radio) => radio.checked);
    return {
      outcome: chosen ? chosen.value : settings.outcomes[0],
      owner_name: owner,
      owner_type: this.ownerType.control.value,
      next_step: step,
      due_on: due || null,
    };
  }

  showProblem(one, text) {
    setText(one.error, text || "");
    one.error.hidden = !text;
    setAttr(one.control, "aria-invalid", text ? "true" : null);
    const described = [one.hint, text ? one.error.id : null].filter(Boolean).join(" ");
    setAttr(one.control, "aria-describedby", described || null);
  }
}
