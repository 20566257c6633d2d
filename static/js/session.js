// Signing in again without leaving the page.
//
// When the session ends (idle timeout, signed out in another tab), the server answers the
// page's scripts (htmx, fetch asking for JSON) with 401 instead of the login page. This
// shows a sign-in dialog, posts the password to the login view with fetch, puts the new
// CSRF token (signing in rotates it) into every form of the page, and then runs again what
// was waiting: a save, a live preview. Nothing typed on the page is touched.
//
// window.cchcSession.check() resolves once the session is alive (asking to sign in if not)
// with the current CSRF token; the assessment page calls it before saving.
(function () {
  "use strict";
  var dialog = document.getElementById("signin-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var form = dialog.querySelector("form");
  var reasonBox = document.getElementById("signin-reason");
  var errorBox = document.getElementById("signin-error");
  var password = document.getElementById("signin-password");
  var sessionUrl = dialog.getAttribute("data-session-url");
  var loginUrl = dialog.getAttribute("data-login-url");
  var waiting = [];  // {resolve, reject} of check() calls made while signed out
  var loginToken = null;  // CSRF token for the login post, from the 401 answer
  var LOCKED = "Tài khoản tạm bị khóa đăng nhập do nhập sai mật khẩu nhiều lần. " +
    "Vui lòng thử lại sau 15 phút hoặc liên hệ quản trị hệ thống.";
  var NETWORK = "Không kết nối được máy chủ; kiểm tra mạng rồi thử lại.";

  function currentToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setToken(token) {
    if (!token) { return; }
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      input.value = token;
    });
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function ask(reason) {
    if (reason) { reasonBox.textContent = reason; }
    if (!dialog.open) {
      // Another account signs in on the login page, then comes back here.
      document.getElementById("signin-elsewhere").href = loginUrl + "?next=" +
        encodeURIComponent(window.location.pathname + window.location.search);
      showError("");
      password.value = "";
      dialog.showModal();
      password.focus();
    }
    return wait();
  }

  function wait() {
    return new Promise(function (resolve, reject) {
      waiting.push({ resolve: resolve, reject: reject });
    });
  }

  // The user closed the dialog: what waited is dropped (it stays typed on the page, and the
  // next save asks again), so that it does not run twice after a later sign-in.
  function dropWaiting() {
    var pending = waiting;
    waiting = [];
    pending.forEach(function (p) { p.reject(new Error("signin-cancelled")); });
  }

  function signedIn(token) {
    var pending = waiting;
    waiting = [];
    loginToken = null;
    setToken(token);
    dialog.close();
    document.dispatchEvent(new CustomEvent("cchc:signed-in", { detail: { token: token } }));
    pending.forEach(function (p) { p.resolve(token); });
  }

  // Resolves with the CSRF token once the session is alive; asks to sign in on a 401.
  function check() {
    if (dialog.open) { return wait(); }
    return fetch(sessionUrl, {
      headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.status === 401) {
          loginToken = body.csrf_token;
          return ask(body.message);
        }
        setToken(body.csrf_token);
        return body.csrf_token;
      });
    });
  }

  // A 401 answer of the page's own scripts: remember the token it carries, ask to sign in.
  function unauthorized(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      if (body.csrf_token) { loginToken = body.csrf_token; }
      return ask(body.message);
    });
  }

  function lockoutText(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var lines = Array.prototype.map.call(doc.querySelectorAll("main [role=alert] p"), function (p) {
      return p.textContent.trim();
    }).filter(function (text) { return text && text.indexOf("Về trang") !== 0; });
    return lines.length ? lines.join(" ") : LOCKED;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    showError("");
    var data = new FormData(form);
    data.set("csrfmiddlewaretoken", loginToken || currentToken());
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(loginUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // django-axes' lockout page, or a refusal of the CSRF check.
        return response.text().then(function (html) {
          if (response.status === 429) { showError(lockoutText(html)); return; }
          // A stale token: take the current one from the server and let the user retry.
          return fetch(sessionUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (again) { return again.json(); })
            .then(function (body) {
              loginToken = body.csrf_token;
              showError("Trang đã được làm mới mã bảo mật; hãy bấm Đăng nhập lại một lần nữa.");
            });
        });
      }
      return response.json().then(function (body) {
        if (response.ok) { signedIn(body.csrf_token); return; }
        showError((body.errors || []).join(" "));
        password.select();
      });
    }).catch(function () {
      showError(NETWORK);
    }).then(function () { button.disabled = false; });
  });

  document.getElementById("signin-cancel").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () {
    if (waiting.length) { dropWaiting(); }
  });

  // htmx requests (the live total, panels) that met a 401: sign in, then send them again.
  // A 403 may be a CSRF token from before a sign-in elsewhere (or cookies cleared): the
  // session check gives the current one (or asks to sign in), then the request goes once more.
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var elt = event.detail.elt;
    if (!xhr || (xhr.status !== 401 && xhr.status !== 403)) { return; }
    var config = event.detail.requestConfig;
    var again = function () {
      if (window.htmx && config) {
        window.htmx.ajax(config.verb, config.path, { source: elt, target: event.detail.target });
      }
    };
    if (xhr.status === 403) {
      if (elt.cchcRetried) { elt.cchcRetried = false; return; }
      elt.cchcRetried = true;
      check().then(again, function () { /* closed without signing in */ });
      return;
    }
    var body = {};
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
    if (body.csrf_token) { loginToken = body.csrf_token; }
    ask(body.message).then(again, function () { /* closed without signing in */ });
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && event.detail.elt) { event.detail.elt.cchcRetried = false; }
  });

  // Signing out on purpose (a shared office computer): values this user typed and did not
  // save, kept in this browser by the assessment page (sheet.js), go too.
  var logoutUrl = dialog.getAttribute("data-logout-url");
  var unsaved = "cchc:unsaved:" + dialog.getAttribute("data-user") + ":";
  document.querySelectorAll("form").forEach(function (logout) {
    if (logout.getAttribute("action") !== logoutUrl) { return; }
    logout.addEventListener("submit", function () {
      try {
        for (var i = window.localStorage.length - 1; i >= 0; i--) {
          var name = window.localStorage.key(i);
          if (name && name.indexOf(unsaved) === 0) { window.localStorage.removeItem(name); }
        }
      } catch (e) { /* storage disabled: nothing kept */ }
    });
  });

  window.cchcSession = { check: check, unauthorized: unauthorized, setToken: setToken };
})();
