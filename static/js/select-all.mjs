// "Select all on this page": ticks every candidate's box in the same form. Without
// JavaScript the server reads the box itself (scope=page) and moves the page's candidates.
export function initSelectAll(root = document) {
  for (const toggle of root.querySelectorAll("[data-app-select-all]")) {
    const boxes = () => toggle.form.querySelectorAll('input[name="application_ids"]');
    toggle.addEventListener("change", () => {
      for (const box of boxes()) box.checked = toggle.checked;
    });
    for (const box of boxes()) {
      box.addEventListener("change", () => {
        if (!box.checked) toggle.checked = false;
      });
    }
  }
}
