// The time-out warning (templates/partials/session_timeout.html): a modal dialog opened a
// little before the idle time-out, with a countdown and "Stay signed in". Its settings come
// from data- attributes, as the CSP allows no inline script.

const ANNOUNCE_EVERY_SECONDS = 15;

function spell(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  }
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}

function start(dialog) {
  let timeout = Number(dialog.dataset.timeoutSeconds);
  const warning = Number(dialog.dataset.warningSeconds);
  const countdown = dialog.querySelector(".app-timeout__countdown");
  const spoken = dialog.querySelector(".app-timeout__spoken");
  const announce = dialog.querySelector(".app-timeout__announce");
  const stay = dialog.querySelector(".app-timeout__stay");
  let returnFocus = null;
  // A moment past the server's own end, so that the session has ended when the page acts.
  const GRACE_SECONDS = 2;
  let endsAt = Date.now() + (timeout + GRACE_SECONDS) * 1000;
  let ticker = null;
  let opener = null;

  // A form the page marks to keep (an applicant's answers) that has been typed in since the
  // page loaded: sent when the time runs out, so the server keeps what was typed.
  const keep = document.querySelector("form[data-keep-on-timeout]");
  let typed = false;
  if (keep) keep.addEventListener("input", () => { typed = true; });

  // The token the page came with may be older than the server accepts by now (Flask-WTF
  // takes one for an hour): ask for a fresh one, falling back to the page's own.
  const freshToken = async () => {
    try {
      const response = await fetch(dialog.dataset.tokenUrl, { credentials: "same-origin" });
      if (response.ok) return (await response.json()).csrf_token;
    } catch {
      // Fall back to the page's token below.
    }
    return dialog.dataset.csrfToken;
  };

  // Seconds the session has left by the server's count (0 when it has ended), or null when
  // the server could not be asked. Another tab may have kept it alive meanwhile.
  const secondsLeft = async () => {
    try {
      const response = await fetch(dialog.dataset.statusUrl, { credentials: "same-origin" });
      if (response.status === 401) return 0;
      if (!response.ok) return null;
      return (await response.json()).seconds_left;
    } catch {
      return null;
    }
  };

  const send = async (form) => {
    const field = form.querySelector("input[name=csrf_token]");
    if (field) field.value = await freshToken();
    HTMLFormElement.prototype.submit.call(form);
  };

  const ended = async () => {
    window.clearInterval(ticker);
    const left = await secondsLeft();
    if (left !== null && left > 0) {
      // Still signed in (used in another tab): start again from the time it has.
      timeout = left;
      close();
      schedule();
      return;
    }
    if (keep && typed) {
      send(keep);
      return;
    }
    window.location.assign(dialog.dataset.endedUrl);
  };

  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left === 0) {
      ended();
      return;
    }
    countdown.textContent = spell(left);
    spoken.textContent = spell(left);
    if (left % ANNOUNCE_EVERY_SECONDS === 0 || left <= 10) {
      announce.textContent = `You will be signed out in ${spell(left)}.`;
    }
  };

  const open = async () => {
    const left = await secondsLeft();
    if (left !== null && left > warning + GRACE_SECONDS) {
      // Another tab has kept the session alive: no warning yet.
      timeout = left;
      schedule();
      return;
    }
    if (left !== null) endsAt = Date.now() + (left + GRACE_SECONDS) * 1000;
    returnFocus = document.activeElement;
    tick();
    dialog.showModal();
    stay.focus();
    ticker = window.setInterval(tick, 1000);
  };

  const schedule = () => {
    window.clearTimeout(opener);
    endsAt = Date.now() + (timeout + GRACE_SECONDS) * 1000;
    opener = window.setTimeout(open, Math.max(0, (timeout - warning) * 1000));
  };

  const close = () => {
    window.clearInterval(ticker);
    announce.textContent = "";
    if (dialog.open) dialog.close();
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  };

  stay.addEventListener("click", async () => {
    stay.disabled = true;
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": await freshToken() },
      });
      if (response.status === 401) {
        ended();
        return;
      }
      if (!response.ok) throw new Error(`keep-alive: ${response.status}`);
      timeout = (await response.json()).seconds_left;
      close();
      schedule();
    } catch {
      // Leave the dialog up, still counting: a failed request must not hide the warning.
    } finally {
      stay.disabled = false;
    }
  });
  // Escape closes a modal <dialog>: treat it as "Stay signed in", as GOV.UK's pattern does.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay.click();
  });
  schedule();
}

export function initSessionTimeout() {
  const dialog = document.querySelector('[data-module="app-session-timeout"]');
  if (dialog && typeof dialog.showModal === "function") start(dialog);
}
