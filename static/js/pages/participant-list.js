// The participants page (a facilitator's): each row's "Remove from the workshop" opens the
// page's confirming dialog.

import { RemoveDialog } from "../components/remove-dialog.js";

const dialog = document.getElementById("remove-dialog");
if (dialog) new RemoveDialog(dialog, document.querySelectorAll("[data-remove-url]"));
