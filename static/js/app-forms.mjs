// The applicant journey's and time-outs' own enhancements: the time-out warning (every
// signed-in page) and questions revealed under a radio option without aria-expanded.
import { initConditionalReveals } from "./reveal.mjs";
import { initSessionTimeout } from "./session-timeout.mjs";

export function initAppForms() {
  initConditionalReveals();
  initSessionTimeout();
}
