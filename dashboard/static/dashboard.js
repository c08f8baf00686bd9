// Tender dashboard: progressive enhancements only; every page works
// without this script.
(function () {
  "use strict";
  // On narrow screens the navigation folds behind a Menu button.
  var menu = document.querySelector(".menu");
  var nav = document.getElementById("nav");
  if (menu && nav) {
    var narrow = window.matchMedia("(max-width: 40rem)");
    var sync = function () {
      if (narrow.matches) {
        menu.hidden = false;
        nav.classList.toggle("closed", menu.getAttribute("aria-expanded") !== "true");
      } else {
        menu.hidden = true;
        nav.classList.remove("closed");
      }
    };
    menu.addEventListener("click", function () {
      menu.setAttribute("aria-expanded", menu.getAttribute("aria-expanded") === "true" ? "false" : "true");
      sync();
    });
    narrow.addEventListener("change", sync);
    sync();
  }
  // Forms that move money ask once more; a submitted form cannot be sent twice.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        ev.preventDefault();
        return;
      }
      if (form.method === "post") {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }
    });
  });
  // Filter selects apply as soon as they change.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
})();
