// Marks the page as having JavaScript before it is first drawn, as GOV.UK Frontend's
// template does inline: a file of its own, so that the CSP allows no inline script at all.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
