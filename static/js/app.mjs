// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../dist/govuk-frontend.min.js";
import { initRadioReveal } from "./radio-reveal.mjs";
import { initSelectAll } from "./select-all.mjs";
import { initAppForms } from "./app-forms.mjs";
import { labelStackedTables } from "./stack-tables.mjs";

initAll();
initRadioReveal();
initSelectAll();
initAppForms();
labelStackedTables();
