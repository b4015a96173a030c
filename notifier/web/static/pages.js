// The staff text box: how many characters are left, as the person types (the server checks
// again; this only saves a round trip). Loaded as a file: the CSP allows no inline script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("text");
  var out = document.getElementById("text-count");
  if (!box || !out) { return; }
  var max = parseInt(box.getAttribute("maxlength"), 10);
  function update() {
    var left = max - box.value.length;
    out.textContent = left + " of " + max + " characters left";
  }
  box.addEventListener("input", update);
  update();
});
