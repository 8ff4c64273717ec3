// Progressive enhancement for the site shell. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The main menu collapses behind a disclosure button on narrow screens.
  function setUpMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    var narrow = window.matchMedia("(max-width: 48rem)");

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.setAttribute("data-collapsed", open ? "false" : "true");
    }
    function sync() {
      button.hidden = !narrow.matches;
      setOpen(!narrow.matches);
    }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      setOpen(open);
      if (open) {
        var first = menu.querySelector("a");
        if (first) first.focus();
      }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches) {
        setOpen(false);
        button.focus();
      }
    });
    narrow.addEventListener("change", sync);
    sync();
  }

  // After a failed form submit, move focus to the error summary so it is read out.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpMenu(); focusErrorSummary(); });
  } else {
    setUpMenu();
    focusErrorSummary();
  }
})();
