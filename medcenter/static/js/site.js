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

  // The language menu is a <details>: it works without this; Escape and a click elsewhere close it.
  function setUpLanguageMenu() {
    var menu = document.querySelector(".language-menu");
    if (!menu) return;
    var toggle = menu.querySelector("summary");
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  }

  // After a failed form submit, move focus to the error summary so it is read out.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  // Warn before an idle sign-out. Asking how long is left never extends the session;
  // "Stay signed in" posts the form (with its CSRF token), which does.
  function setUpSessionWarning() {
    var box = document.getElementById("session-warning");
    if (!box || !window.fetch) return;
    var form = box.querySelector("form");
    var timer = null;

    function schedule(seconds) {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, Math.max(5, seconds) * 1000);
    }
    function check() {
      fetch(box.dataset.statusUrl, {
        headers: { "X-Session-Poll": "1", "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        if (!result.ok || !result.data.signed_in || result.data.seconds_left <= 0) {
          window.location.assign(box.dataset.signInUrl);
          return;
        }
        var left = result.data.seconds_left, warnAt = result.data.warn_at;
        if (left <= warnAt) {
          if (box.hidden) {
            box.hidden = false;
            box.querySelector("button").focus();
          }
          schedule(Math.min(left, 15));
        } else {
          box.hidden = true;
          schedule(left - warnAt);
        }
      }).catch(function () { schedule(60); });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function () { box.hidden = true; check(); });
    });
    schedule(5);
  }

  // Disclosures marked data-open-wide (search filters) start open where there is room for them;
  // on a phone they stay closed so the results come first. Also after htmx swaps in results.
  function openWideDisclosures() {
    if (!window.matchMedia("(min-width: 48.01rem)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  function start() {
    openWideDisclosures();
    document.body.addEventListener("htmx:afterSwap", openWideDisclosures);
    setUpMenu();
    setUpLanguageMenu();
    focusErrorSummary();
    setUpSessionWarning();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
