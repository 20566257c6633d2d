// A real dialog before an irreversible action (templates/cchc/confirm.html).
//
// A form with data-confirm="what will happen" (or its submit button carrying the attribute)
// asks first; data-confirm-title is the dialog's heading and data-confirm-button the label of
// the button that goes ahead (the submit button's own label when not given); "{name}" in the
// question is replaced by the value of the form's field `name`. Cancel, Escape or
// a click beside it leave everything as it was. Without JavaScript the form simply posts.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var title = document.getElementById("confirm-title");
  var text = document.getElementById("confirm-text");
  var ok = document.getElementById("confirm-ok");
  var pending = null;  // {form, submitter} waiting for the answer

  // "{number}" in the question is what the form's field "number" holds now (a date as
  // dd/mm/yyyy), so the dialog says what exactly will happen.
  function filled(question, form) {
    return question.replace(/\{([\w-]+)\}/g, function (whole, name) {
      var field = form.elements.namedItem(name);
      if (!field || typeof field.value !== "string") { return whole; }
      var value = field.value.trim();
      var day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      return day ? day[3] + "/" + day[2] + "/" + day[1] : value;
    });
  }

  function attribute(name, submitter, form) {
    if (submitter && submitter.hasAttribute(name)) { return submitter.getAttribute(name); }
    return form.getAttribute(name);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    if (form.method === "dialog") { return; }
    var question = attribute("data-confirm", submitter, form);
    if (!question) { return; }
    if (form.dataset.confirmed === "yes") { delete form.dataset.confirmed; return; }
    event.preventDefault();
    event.stopImmediatePropagation();  // nothing else (the unsaved-input guard) sees it yet
    pending = { form: form, submitter: submitter };
    title.textContent = attribute("data-confirm-title", submitter, form) || "Xác nhận";
    text.textContent = filled(question, form);
    ok.textContent = attribute("data-confirm-button", submitter, form) ||
      (submitter && submitter.textContent.trim()) || "Đồng ý";
    dialog.returnValue = "";
    dialog.showModal();
  }, true);

  // A click on the backdrop (outside the dialog's box) cancels.
  dialog.addEventListener("click", function (event) {
    if (event.target !== dialog) { return; }
    var box = dialog.getBoundingClientRect();
    var inside = event.clientX >= box.left && event.clientX <= box.right &&
      event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) { dialog.close("cancel"); }
  });

  dialog.addEventListener("close", function () {
    var asked = pending;
    pending = null;
    if (!asked) { return; }
    if (dialog.returnValue !== "confirm") {
      if (asked.submitter) { asked.submitter.focus(); }
      return;
    }
    asked.form.dataset.confirmed = "yes";
    if (asked.submitter) { asked.form.requestSubmit(asked.submitter); }
    else { asked.form.requestSubmit(); }
  });
})();
