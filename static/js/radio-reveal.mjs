// GOV.UK Frontend's conditional reveal (the reasons under "Mark unsuccessful") also sets
// aria-expanded on the radio itself, which ARIA does not allow on a radio (axe-core:
// aria-allowed-attr, critical). The reveal and its aria-controls stay; the attribute is taken
// off once GOV.UK Frontend has set it up, and again each time it syncs the reveals.
export function initRadioReveal(root = document) {
  const strip = () => {
    for (const radio of root.querySelectorAll(".govuk-radios__input[aria-expanded]")) {
      radio.removeAttribute("aria-expanded");
    }
  };
  strip();
  // GOV.UK Frontend syncs on each click (on the radios group: this runs after it, as the
  // event bubbles) and on pageshow (registered before this, so it runs first).
  root.addEventListener("click", strip);
  root.addEventListener("change", strip);
  window.addEventListener("pageshow", strip);
}
