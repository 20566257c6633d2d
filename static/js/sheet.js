// The assessment page's sheet: nothing typed is lost.
//
// - Unsaved values are kept in this browser (localStorage), per user, assessment and mode,
//   and offered back after a reload or a new sign-in, only for rows nobody saved since
//   (the row's edit version is the one the values were typed on).
// - A row of the self-assessment or of the explanations is saved by itself 2 s after the
//   last keystroke, with the version it was loaded at: the server refuses it if someone else
//   saved the row meanwhile, and the page then shows that person's value instead of saving.
// - "Lưu nháp" first checks the session (and signs in again in a dialog if it ended, see
//   session.js), then posts the page; after the reload the page returns to the row that
//   was being edited.
// - Sticky bars never cover the focused field.
(function () {
  "use strict";
  var form = document.getElementById("sheet");
  if (!form) { return; }

  var AUTOSAVE_AFTER = 2000;  // ms after the last keystroke in a row
  var KEPT_FOR = 30 * 24 * 3600 * 1000;  // unsaved values older than this are forgotten
  var PREFIX = "cchc:unsaved:";
  var key = PREFIX + form.dataset.user + ":" + form.dataset.assessment + ":" + form.dataset.mode;
  var autosave = form.hasAttribute("data-autosave");
  var FIELD = /^(\d+)-(value|b|a|text)$/;
  var status = document.getElementById("autosave-status");
  var submitting = false;

  // --- the rows and their inputs ---------------------------------------------------------

  function rowFields(pk) {
    var fields = {};
    ["value", "b", "a", "text"].forEach(function (name) {
      var input = form.elements.namedItem(pk + "-" + name);
      if (input) { fields[name] = input.value; }
    });
    return fields;
  }

  function rowVersion(pk) {
    var input = form.elements.namedItem(pk + "-version");
    return input ? input.value : null;
  }

  function rowCode(pk) {
    var cell = document.querySelector("#row-" + pk + " .c-code");
    return cell ? cell.textContent.trim() : pk;
  }

  function pkOf(element) {
    var match = FIELD.exec(element.name || "");
    return match ? match[1] : null;
  }

  function same(a, b) {
    return Object.keys(a).every(function (name) { return a[name] === b[name]; });
  }

  // What each row held when the page was loaded (or last saved by the autosave).
  var baseline = {};
  Array.prototype.forEach.call(form.elements, function (element) {
    var pk = pkOf(element);
    if (pk && !baseline[pk]) { baseline[pk] = rowFields(pk); }
  });

  // --- unsaved values in this browser ----------------------------------------------------

  function readStore() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(key) || "null");
      return stored && stored.rows ? stored : { at: Date.now(), rows: {} };
    } catch (e) {
      return { at: Date.now(), rows: {} };
    }
  }

  function writeStore(store) {
    try {
      if (Object.keys(store.rows).length) {
        window.localStorage.setItem(key, JSON.stringify(store));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (e) { /* storage full or disabled: the page still works, without the copy */ }
  }

  function forgetOld() {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var name = window.localStorage.key(i);
        if (name && name.indexOf(PREFIX) === 0) {
          var stored = JSON.parse(window.localStorage.getItem(name) || "{}");
          if (!stored.at || Date.now() - stored.at > KEPT_FOR) { window.localStorage.removeItem(name); }
        }
      }
    } catch (e) { /* nothing to forget */ }
  }

  function remember(pk) {
    var store = readStore();
    var fields = rowFields(pk);
    if (baseline[pk] && same(fields, baseline[pk])) {
      delete store.rows[pk];
    } else {
      // The version the values were typed on: a later save by anyone else changes it.
      store.rows[pk] = { version: rowVersion(pk), fields: fields };
      store.at = Date.now();
    }
    writeStore(store);
  }

  function forget(pk) {
    var store = readStore();
    delete store.rows[pk];
    writeStore(store);
  }

  // Rows of this page whose inputs differ from what the server holds.
  function unsavedCount() {
    return Object.keys(baseline).filter(function (pk) {
      return !same(rowFields(pk), baseline[pk]);
    }).length;
  }

  function when(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " ngày " + two(d.getDate()) + "/" +
      two(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  // After a reload or a new sign-in: offer back what this browser kept for rows that nobody
  // saved since; values for rows saved later are dropped (never restored over them).
  function offerRestore() {
    var box = document.getElementById("draft-restore");
    var store = readStore();
    var restorable = [], values = 0, dropped = 0;
    var refused = form.hasAttribute("data-refused");
    Object.keys(store.rows).forEach(function (pk) {
      var kept = store.rows[pk];
      if (!form.elements.namedItem(pk + "-version")) { return; }  // not on this page (filter)
      if (kept.version !== rowVersion(pk)) {
        if (!refused) { delete store.rows[pk]; dropped++; }
        return;
      }
      var differing = Object.keys(kept.fields).filter(function (name) {
        var input = form.elements.namedItem(pk + "-" + name);
        return input && input.value !== kept.fields[name];
      });
      if (differing.length) {
        restorable.push(pk);
        values += differing.length;
      } else if (!refused) {
        delete store.rows[pk];  // the page shows the same: saved already
      }
    });
    writeStore(store);
    if (!box || !restorable.length) { return; }
    box.textContent = "";
    var text = document.createElement("p");
    text.textContent = "Có " + values + " giá trị chưa lưu từ " + when(store.at) + " (" +
      restorable.length + " tiêu chí: " + restorable.map(rowCode).join(", ") + ")." +
      (dropped ? " Bỏ qua " + dropped + " tiêu chí đã được lưu sau đó." : "");
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "primary";
    restore.textContent = "Khôi phục";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary";
    discard.textContent = "Bỏ";
    var actions = document.createElement("p");
    actions.className = "dialog-actions";
    actions.appendChild(restore);
    actions.appendChild(discard);
    box.appendChild(text);
    box.appendChild(actions);
    box.hidden = false;
    restore.addEventListener("click", function () {
      restorable.forEach(function (pk) {
        var kept = store.rows[pk].fields;
        Object.keys(kept).forEach(function (name) {
          var input = form.elements.namedItem(pk + "-" + name);
          if (input && input.value !== kept[name]) {
            input.value = kept[name];
            input.dispatchEvent(new Event("input", { bubbles: true }));
            input.dispatchEvent(new Event("change", { bubbles: true }));
          }
        });
      });
      box.textContent = "Đã khôi phục " + values + " giá trị; hãy xem lại rồi lưu.";
      box.setAttribute("role", "status");
      var first = document.getElementById("row-" + restorable[0]);
      if (first) { reveal(first); }
    });
    discard.addEventListener("click", function () {
      var now = readStore();
      restorable.forEach(function (pk) { delete now.rows[pk]; });
      writeStore(now);
      box.hidden = true;
    });
  }

  // --- autosave of a row -----------------------------------------------------------------

  var timers = {};
  var chains = {};  // pk -> the row's last save (one at a time, each with the version before)
  var conflicted = {};  // rows someone else saved: not autosaved again (the page save decides)
  var autosaved = {};  // rows saved by themselves since the page was loaded

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function rowNote(pk, text, isError) {
    var row = document.getElementById("row-" + pk);
    if (!row) { return; }
    var note = row.querySelector(".autosave-note");
    if (!note) {
      note = document.createElement("div");
      note.setAttribute("role", "alert");
      var cell = row.querySelector(".c-title") || row.cells[0];
      cell.appendChild(note);
    }
    note.className = "autosave-note " + (isError ? "error" : "muted");
    note.textContent = text;
    if (!text) { note.remove(); }
  }

  // `again`: sent a second time after a 403 (a CSRF token from before a sign-in elsewhere,
  // or cookies cleared): the session check gives the current token, or asks to sign in.
  function sendRow(pk, again) {
    var data = new FormData();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    data.append("csrfmiddlewaretoken", token ? token.value : "");
    data.append(pk + "-version", rowVersion(pk));
    var sent = rowFields(pk);
    Object.keys(sent).forEach(function (name) { data.append(pk + "-" + name, sent[name]); });
    return fetch(window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 401 && window.cchcSession) {
        say("Phiên làm việc đã hết hạn: đăng nhập lại để lưu tiếp (giá trị vẫn được giữ).");
        return window.cchcSession.unauthorized(response).then(function () { return sendRow(pk); });
      }
      if (response.status === 403 && !again && window.cchcSession) {
        return window.cchcSession.check().then(function () { return sendRow(pk, true); });
      }
      return response.json().then(function (body) { settle(pk, sent, response.status, body); });
    }).catch(function (error) {
      if (error && error.message === "signin-cancelled") {
        say("Chưa lưu: cần đăng nhập lại. Các giá trị vẫn được giữ trên máy này.");
      } else {
        say("Chưa tự lưu được (mất kết nối?). Các giá trị vẫn được giữ trên máy này.");
      }
    });
  }

  function settle(pk, sent, code, body) {
    if (code === 200) {
      var version = form.elements.namedItem(pk + "-version");
      if (version && body.versions && body.versions[pk] !== undefined) {
        version.value = String(body.versions[pk]);
      }
      baseline[pk] = sent;
      autosaved[pk] = true;
      forget(pk);
      if (!same(rowFields(pk), sent)) { remember(pk); }  // typed on meanwhile
      rowNote(pk, "", false);
      var now = new Date();
      say("Đã tự lưu tiêu chí " + rowCode(pk) + " lúc " + when(now.getTime()).split(" ngày")[0] + ".");
      return;
    }
    if (code === 422) {
      var errors = (body.errors && body.errors[pk]) || [body.message];
      if (body.conflicts && body.conflicts[pk] !== undefined) {
        conflicted[pk] = true;
        rowNote(pk, errors.join(" ") + " Giá trị bạn nhập vẫn còn trên trang, chưa lưu; " +
          "bấm “Lưu nháp” để xem giá trị mới và quyết định.", true);
        say("Không tự lưu tiêu chí " + rowCode(pk) + ": đã có người khác sửa.");
      } else if (body.refreshed && body.refreshed.indexOf(pk) !== -1) {
        rowNote(pk, "Tiêu chí này vừa được người khác lưu; tải lại trang để xem giá trị mới.", true);
      } else {
        rowNote(pk, errors.join(" "), true);
      }
      return;
    }
    autosave = false;  // the page no longer takes input from this user (409)
    say(body.message || "");
  }

  function schedule(pk) {
    if (!autosave || conflicted[pk]) { return; }
    clearTimeout(timers[pk]);
    timers[pk] = setTimeout(function () {
      delete timers[pk];
      chains[pk] = (chains[pk] || Promise.resolve()).then(function () {
        if (same(rowFields(pk), baseline[pk] || {})) { return null; }
        return sendRow(pk);
      });
    }, AUTOSAVE_AFTER);
  }

  // Before the page is posted: no timer left, every row's save finished (its version known).
  function settled() {
    Object.keys(timers).forEach(function (pk) { clearTimeout(timers[pk]); delete timers[pk]; });
    var pending = Object.keys(chains).map(function (pk) { return chains[pk]; });
    return Promise.all(pending).catch(function () { return null; });
  }

  function onEdit(event) {
    var pk = pkOf(event.target);
    if (!pk) { return; }
    remember(pk);
    schedule(pk);
  }
  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);

  // --- saving the page -------------------------------------------------------------------

  var RETURN = "cchc:return-to";
  var lastRow = null;
  form.addEventListener("focusin", function (event) {
    var row = event.target.closest("tr.leaf");
    if (row) { lastRow = row; }
  });

  function noteReturn() {
    if (!lastRow) { return; }
    var next = [];
    for (var row = lastRow.nextElementSibling; row && next.length < 10; row = row.nextElementSibling) {
      if (row.id) { next.push(row.id); }
    }
    try {
      window.sessionStorage.setItem(RETURN, JSON.stringify({
        page: window.location.pathname + window.location.search,
        rows: [lastRow.id].concat(next),
        top: lastRow.getBoundingClientRect().top,
        at: Date.now()
      }));
    } catch (e) { /* without it the page opens at the top */ }
  }

  // While the sheet is being saved, the page's other actions (send, return, publish…) wait:
  // an action posted first would move the assessment on and leave what was typed unsaved.
  function holdOtherActions(hold) {
    var buttons = document.querySelectorAll("form:not(#sheet) button[type=submit], form:not(#sheet) input[type=submit]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].closest("dialog")) { continue; }  // the sign-in dialog the save may need
      if (hold) {
        if (!buttons[i].disabled) { buttons[i].disabled = true; buttons[i].dataset.heldBySheet = "1"; }
      } else if (buttons[i].dataset.heldBySheet) {
        buttons[i].disabled = false;
        delete buttons[i].dataset.heldBySheet;
      }
    }
  }

  form.addEventListener("submit", function (event) {
    if (submitting) { return; }
    event.preventDefault();
    holdOtherActions(true);
    say("Đang lưu…");
    settled().then(function () {
      return window.cchcSession ? window.cchcSession.check() : null;
    }).then(function () {
      submitting = true;
      noteReturn();
      // "Đã lưu N tiêu chí" counts the rows saved by themselves since the page was loaded.
      var listed = form.elements.namedItem("autosaved");
      if (!listed) {
        listed = document.createElement("input");
        listed.type = "hidden";
        listed.name = "autosaved";
        form.appendChild(listed);
      }
      listed.value = Object.keys(autosaved).join(",");
      form.submit();
    }, function (error) {
      holdOtherActions(false);
      say(error && error.message === "signin-cancelled"
        ? "Chưa lưu: cần đăng nhập lại. Các giá trị vẫn được giữ trên máy này."
        : "Chưa lưu được (mất kết nối?). Các giá trị vẫn được giữ trên máy này.");
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && unsavedCount()) { event.preventDefault(); event.returnValue = ""; }
  });

  // After the page's save: back to the row that was being edited, at the same height.
  function returnToRow() {
    var saved;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(RETURN) || "null");
      window.sessionStorage.removeItem(RETURN);
    } catch (e) { saved = null; }
    if (!saved || Date.now() - saved.at > 60000) { return; }
    if (saved.page !== window.location.pathname + window.location.search) { return; }
    if (document.querySelector(".card.errors")) { return; }  // the refusal is read first
    var row = null;
    for (var i = 0; i < saved.rows.length && !row; i++) { row = document.getElementById(saved.rows[i]); }
    if (!row) { return; }
    openAround(row);
    window.scrollBy(0, row.getBoundingClientRect().top - saved.top);
    var field = row.querySelector("input:not([type=hidden]), select, textarea");
    if (field) { field.focus({ preventScroll: true }); }
    var shown = document.querySelector(".messages");
    if (shown) { say(shown.textContent.trim()); }
  }

  // --- anchors into folded fields, sticky bars -------------------------------------------

  function openAround(element) {
    for (var d = element.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
  }

  function reveal(element) {
    openAround(element);
    element.scrollIntoView({ block: "center" });
  }

  function toHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.closest("details")) {
      openAround(target);
      target.scrollIntoView({ block: "center" });
    }
  }
  window.addEventListener("hashchange", toHash);

  // The live check (preview.html) says what is wrong beside the field: mark the field too.
  document.body.addEventListener("htmx:oobAfterSwap", function (event) {
    var swapped = event.detail.target;  // the element replaced: read its successor
    var box = swapped && swapped.id && document.getElementById(swapped.id);
    if (!box || !box.classList.contains("live-error")) { return; }
    var input = form.elements.namedItem(box.id.replace("live-", "") + "-value");
    if (input) {
      if (box.textContent.trim()) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    }
  });

  window.cchcSheet = { unsavedCount: unsavedCount, settled: settled };

  forgetOld();
  offerRestore();
  if (window.location.hash) { toHash(); } else { returnToRow(); }
})();

// Sticky bars (the top bar if the layout pins it, the "Lưu nháp" bar) never cover the focused
// field: their heights feed scroll-padding (entry.css), and a field that still ends up under
// one is scrolled clear of it.
(function () {
  "use strict";
  var top = [], bottom = [];

  function find() {
    top = [];
    bottom = [];
    document.querySelectorAll("body *").forEach(function (element) {
      var style = window.getComputedStyle(element);
      if (style.position !== "sticky" && style.position !== "fixed") { return; }
      if (element.closest("dialog")) { return; }
      (style.top === "auto" && style.bottom !== "auto" ? bottom : top).push(element);
    });
    var height = function (list) {
      return list.reduce(function (sum, e) { return sum + e.getBoundingClientRect().height; }, 0);
    };
    var root = document.documentElement.style;
    root.setProperty("--sticky-top", Math.ceil(height(top)) + "px");
    root.setProperty("--sticky-bottom", Math.ceil(height(bottom)) + "px");
  }

  function clear(field) {
    if (!field || field === document.body || !field.getBoundingClientRect) { return; }
    var margin = 8;
    bottom.concat(top).forEach(function (bar) {
      if (bar.contains(field)) { return; }
      var rect = field.getBoundingClientRect();
      var cover = bar.getBoundingClientRect();
      if (!cover.height || rect.bottom <= cover.top - margin || rect.top >= cover.bottom + margin) {
        return;
      }
      if (bottom.indexOf(bar) !== -1) {
        window.scrollBy(0, rect.bottom - cover.top + margin);
      } else {
        window.scrollBy(0, rect.top - cover.bottom - margin);
      }
    });
  }

  document.addEventListener("focusin", function (event) {
    window.requestAnimationFrame(function () { clear(event.target); });
  });
  window.addEventListener("resize", find);
  find();
})();
