// A question revealed under one radio option ("Yes, I accept" reveals the mentor question),
// as GOV.UK's conditional reveal does, but without the aria-expanded it puts on the radio:
// ARIA does not allow that attribute on a radio, and axe-core refuses it. The markup is
// GOV.UK's own (the macro's data-aria-controls renamed data-app-controls), so without
// JavaScript the revealed question is simply shown. No aria-controls either: GOV.UK's radios
// script, listening on the same radios, adds aria-expanded to any radio that has one.

const HIDDEN = "govuk-radios__conditional--hidden";

function sync(radios) {
  for (const radio of radios) {
    const target = document.getElementById(radio.dataset.appControls);
    if (target) target.classList.toggle(HIDDEN, !radio.checked);
  }
}

export function initConditionalReveals() {
  const controlling = document.querySelectorAll("input[type=radio][data-app-controls]");
  const groups = new Set([...controlling].map((radio) => radio.name));
  for (const name of groups) {
    const all = document.querySelectorAll(`input[type=radio][name="${CSS.escape(name)}"]`);
    const radios = [...all].filter((radio) => radio.dataset.appControls);
    for (const radio of all) radio.addEventListener("change", () => sync(radios));
    sync(radios);
  }
}
