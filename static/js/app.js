// Warn before leaving with unsaved input (irreversible actions: confirm.js).
(function () {
  "use strict";
  var dirty = false;
  document.querySelectorAll("form[data-dirty-guard]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();

// A select marked data-autosubmit submits its form when changed (its form keeps a button
// for use without JavaScript). No inline handlers: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
})();
