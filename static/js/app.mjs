// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../dist/govuk-frontend.min.js";
import { initSelectAll } from "./select-all.mjs";
import { labelStackedTables } from "./stack-tables.mjs";

initAll();
initSelectAll();
labelStackedTables();
