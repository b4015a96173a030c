// Before the idle timeout ends the session, say so where it is seen, with a way to stay
// signed in; once it has ended, say that anything sent now is kept until you sign in again.
// Asks the server (GET /session/status, which does not count as activity) every
// data-session-check seconds. Loaded as a file: the CSP allows no inline script.
"use strict";
(function () {
  var box = null;
  var shown = "";

  function csrf() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function hide() {
    if (box) { box.remove(); box = null; shown = ""; }
    document.body.classList.remove("session-warned");
  }

  function show(kind, text) {
    if (shown === kind + text) { return; }
    hide();
    shown = kind + text;
    box = document.createElement("div");
    box.className = "session-warning " + kind;
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    if (kind === "soon") {
      var stay = document.createElement("button");
      stay.type = "button";
      stay.className = "btn";
      stay.textContent = "Stay signed in";
      stay.addEventListener("click", keepalive);
      box.appendChild(stay);
    } else {
      var link = document.createElement("a");
      link.href = "/login?ended=1&next=" + encodeURIComponent(location.pathname + location.search);
      link.textContent = "Sign in again";
      box.appendChild(link);
    }
    document.body.appendChild(box);
    document.body.classList.add("session-warned");  // room below the page's last line
  }

  function keepalive() {
    var body = new URLSearchParams();
    body.set("csrf_token", csrf());
    fetch("/session/keepalive", {method: "POST", body: body, credentials: "same-origin",
                                 headers: {"Accept": "application/json"}, redirect: "manual"})
      .then(check);
  }

  function check() {
    fetch("/session/status", {credentials: "same-origin", cache: "no-store",
                              headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (!s.signed_in) {
          show("ended", "You were signed out (no activity for a while). Anything you send " +
               "now is kept, and saved once you sign in again.");
        } else if (s.seconds_left <= s.warn_before) {
          var minutes = Math.max(1, Math.ceil(s.seconds_left / 60));
          show("soon", "You will be signed out in about " + minutes +
               (minutes === 1 ? " minute" : " minutes") + " unless you do something here.");
        } else {
          hide();
        }
      })
      .catch(function () { /* offline for a moment: ask again next time */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var every = parseInt(document.body.getAttribute("data-session-check") || "30", 10);
    if (every > 0) { setInterval(check, every * 1000); }
  });
})();
