// A questionnaire page without reloads: questions whose enableWhen is not met are hidden
// (the server ignores their answers anyway), and a "yes" to an emergency question shows the
// "call now" box at once, before anything is sent. Without JavaScript every question shows
// and the server says the same after saving.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire-form");
  if (!form) { return; }
  var prefix = "q-";

  function answers(linkId) {
    var found = [];
    form.querySelectorAll('[name="' + prefix + linkId + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox")) {
        if (input.checked) { found.push(input.value); }
      } else if (input.value.trim() !== "") {
        found.push(input.value.trim());
      }
    });
    return found;
  }

  function compare(op, given, wanted) {
    var a = given, b = wanted;
    if (!isNaN(parseFloat(a)) && !isNaN(parseFloat(b))) { a = parseFloat(a); b = parseFloat(b); }
    switch (op) {
      case "=": return a === b;
      case "!=": return a !== b;
      case ">": return a > b;
      case "<": return a < b;
      case ">=": return a >= b;
      case "<=": return a <= b;
    }
    return false;
  }

  function met(condition) {
    var given = answers(condition.q);
    if (condition.op === "exists") { return (given.length > 0) === (condition.v === "true"); }
    if (given.length === 0) { return false; }
    if (condition.op === "!=") { return given.every(function (g) { return compare("!=", g, condition.v); }); }
    return given.some(function (g) { return compare(condition.op, g, condition.v); });
  }

  function refresh() {
    form.querySelectorAll("[data-when]").forEach(function (node) {
      var conditions = JSON.parse(node.getAttribute("data-when"));
      var results = conditions.map(met);
      var shown = node.getAttribute("data-behavior") === "all"
        ? results.every(Boolean) : results.some(Boolean);
      node.hidden = !shown;
    });
    var callNow = document.getElementById("call-now");
    if (callNow) {
      var emergency = false;
      form.querySelectorAll("[data-emergency] input[type=radio]").forEach(function (input) {
        if (input.checked && input.value === "true") { emergency = true; }
      });
      if (emergency && callNow.hidden) {
        callNow.hidden = false;
      } else if (!emergency && !callNow.hasAttribute("data-server")) {
        callNow.hidden = true;
      }
    }
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
