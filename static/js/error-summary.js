// A long form came back with errors: bring the summary at its top into view and focus it, so the clerk (and a
// screen reader) sees at once what to fix. A static file, as the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
