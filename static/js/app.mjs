// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../dist/govuk-frontend.min.js";
import { initSelectAll } from "./select-all.mjs";
import { initAppForms } from "./app-forms.mjs";

initAll();
initSelectAll();
initAppForms();
