// A form kept while the session had ended: send it again at once, now with this session's
// CSRF token (the button does the same without script). Loaded as a file: the CSP allows no
// inline script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("resume-form");
  if (form && !form.dataset.sent) {
    form.dataset.sent = "1";
    form.submit();
  }
});
