// New alerts while the page is open (home and group pages): asks GET /alerts/open.json every
// data-every seconds for alerts staff were told about after the page was made, and lists
// them in the page's aria-live region, so a crisis that arrives during group is seen without
// a reload. Loaded as a file: the CSP allows no inline script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var region = document.getElementById("live-alerts");
  if (!region) { return; }
  var every = parseInt(region.getAttribute("data-every") || "20", 10);
  var query = "after=" + encodeURIComponent(region.getAttribute("data-after") || "");
  var group = region.getAttribute("data-group");
  if (group) { query += "&group=" + encodeURIComponent(group); }
  var seen = "";
  var timer = null;

  function item(a) {
    var li = document.createElement("li");
    var flag = document.createElement("span");
    flag.className = "flag " + a.kind;
    flag.textContent = a.level === "crisis" ? a.kind.toUpperCase() : a.kind.replace(/_/g, " ");
    li.appendChild(flag);
    var link = document.createElement("a");
    link.href = a.href;
    link.textContent = a.client ? a.first_name + " (" + a.client + ")" : "a number on no client's record";
    li.appendChild(document.createTextNode(" "));
    li.appendChild(link);
    li.appendChild(document.createTextNode(", raised " + a.raised + ": new since this page opened"));
    return li;
  }

  function draw(alerts) {
    region.textContent = "";
    if (!alerts.length) { region.classList.add("empty"); return; }
    region.classList.remove("empty");
    var heading = document.createElement("h2");
    heading.textContent = alerts.length === 1 ? "A new alert" : alerts.length + " new alerts";
    region.appendChild(heading);
    var list = document.createElement("ul");
    alerts.forEach(function (a) { list.appendChild(item(a)); });
    region.appendChild(list);
  }

  function poll() {
    fetch("/alerts/open.json?" + query + "&seen=" + encodeURIComponent(seen),
          {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (!answer.signed_in) { clearInterval(timer); return; }
        seen = answer.seen;
        if (answer.changed) { draw(answer.alerts); }
      })
      .catch(function () { /* offline for a moment: ask again next time */ });
  }

  timer = setInterval(poll, Math.max(every, 1) * 1000);
  poll();
});
