// Evidence on the assessment page's rows: pick several files, or drop them on the row, and
// they are uploaded at once without leaving the page (what is typed on the sheet stays).
// The server answers with the row's files cell ("3 tệp đã tải lên"), or the reason it refused.
// Without JavaScript the row's "Tải lên" button posts the files and comes back to the row.
(function () {
  "use strict";
  var cells = document.querySelectorAll("[data-evidence-drop]");
  if (!cells.length || !window.fetch || !window.FormData) { return; }

  function say(cell, text) {
    var line = document.createElement("div");
    line.className = "error";
    line.setAttribute("role", "alert");
    line.textContent = text;
    cell.appendChild(line);
  }

  function upload(cell, files) {
    var input = cell.querySelector("input[type=file]");
    var form = document.getElementById(input.getAttribute("form"));
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    Array.prototype.forEach.call(files, function (file) { data.append("files", file); });
    cell.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", headers: { "HX-Request": "true" }
    }).then(function (response) {
      if (response.redirected || response.status === 401 || response.status === 403) {
        throw new Error("signed out");
      }
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("template");
      holder.innerHTML = html.trim();
      var fresh = holder.content.firstElementChild;
      cell.replaceWith(fresh);
      bind(fresh);
    }).catch(function () {
      cell.removeAttribute("aria-busy");
      say(cell, "Chưa tải lên được (mất kết nối hoặc phiên đăng nhập đã hết); hãy thử lại.");
    });
  }

  function bind(cell) {
    var input = cell.querySelector("input[type=file]");
    if (!input) { return; }
    var send = cell.querySelector(".upload-send");
    if (send) { send.hidden = true; }
    // Choosing files is not typing on the sheet: keep it from the unsaved-input guard.
    input.addEventListener("input", function (event) { event.stopPropagation(); });
    input.addEventListener("change", function (event) {
      event.stopPropagation();
      if (input.files.length) { upload(cell, input.files); }
    });
    var row = cell.closest("tr") || cell;
    row.addEventListener("dragover", function (event) {
      event.preventDefault();
      row.classList.add("dropping");
    });
    row.addEventListener("dragleave", function () { row.classList.remove("dropping"); });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      event.stopPropagation();
      row.classList.remove("dropping");
      var target = document.getElementById(cell.id) || cell;  // the cell may be fresh
      if (event.dataTransfer && event.dataTransfer.files.length) {
        upload(target, event.dataTransfer.files);
      }
    });
  }

  cells.forEach(bind);
  // A file dropped beside a row must not replace the page (and what is typed on it).
  document.addEventListener("dragover", function (event) { event.preventDefault(); });
  document.addEventListener("drop", function (event) { event.preventDefault(); });
})();
