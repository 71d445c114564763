// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../dist/govuk-frontend.min.js";
import { initRadioReveal } from "./radio-reveal.mjs";
import { initSelectAll } from "./select-all.mjs";
import { initSessionTimeout } from "./session-timeout.mjs";
import { labelStackedTables } from "./stack-tables.mjs";

initAll();
initRadioReveal();
initSelectAll();
initSessionTimeout();
labelStackedTables();
