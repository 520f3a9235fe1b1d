/* "My situation" (docs/my-situation.md): narrows the page's lists to the
   reader's answers, on this device only.

   Items carry data-ms-fit, written at build time by
   overrides/hooks/my_situation.py from docs/includes/my-situation.yml:
   alternatives joined by "|", each a list of "question:answer,answer"
   joined by ";"; a part holds when the reader picked one of its answers
   (a question with check boxes takes several). Before any answer, the
   lists marked data-ms-wait (the guide's parts and the drugs) show only
   their prompt line, and the question list shows in full; after one, an
   unanswered question counts as its fieldset's data-ms-unanswered ("I
   don't know", the broadest sets).
   Without JavaScript everything shows.

   Private by design: no request, no cookie, no change to the address. The
   answers are kept in this browser's localStorage only, and "Forget my
   answers" removes them. Loaded on this page only. */
(function () {
  "use strict";
  var tool = document.getElementById("ms-tool");
  if (!tool) return;
  var article = tool.closest("article") || document;
  var fieldsets = Array.prototype.slice.call(tool.querySelectorAll("fieldset[data-ms-question]"));
  var status = document.getElementById("ms-status");
  var KEY = "guide-my-situation:" + new URL(".", location.href).pathname;

  function store() {
    try { return window.localStorage; } catch (e) { return null; }  // blocked (sandboxed frame)
  }
  function load() {
    try { return JSON.parse(store().getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(answers) {
    try {
      if (Object.keys(answers).length) store().setItem(KEY, JSON.stringify(answers));
      else store().removeItem(KEY);
    } catch (e) { /* nothing kept: the page still works */ }
  }

  // {question: [answer, ...]} of the questions the reader answered.
  function picked() {
    var answers = {};
    fieldsets.forEach(function (fs) {
      var values = Array.prototype.map.call(fs.querySelectorAll("input:checked"),
                                            function (input) { return input.value; });
      if (values.length) answers[fs.dataset.msQuestion] = values;
    });
    return answers;
  }

  // A rule (data-ms-fit, see my_situation.py's fit_attr): alternatives split
  // by "|", each holding when all its parts do; "q:a,b" holds when one of
  // the answers to q is a or b, "q!a,b" when none of them is.
  function fits(rule, answers) {
    return !rule || rule.split("|").some(function (alt) {
      return alt.split(";").every(function (part) {
        var i = part.search(/[:!]/);
        var given = answers[part.slice(0, i)];
        var named = part.slice(i + 1).split(",").some(function (v) { return given.indexOf(v) >= 0; });
        return part.charAt(i) === "!" ? !named : named;
      });
    });
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(article.querySelectorAll(selector), fn);
  }

  function count(list) {
    return Array.prototype.filter.call(list.querySelectorAll("li"), function (li) {
      return !li.closest("[hidden]");
    }).length;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function apply() {
    var chosen = picked(), any = Object.keys(chosen).length > 0, answers = {};
    fieldsets.forEach(function (fs) {
      var q = fs.dataset.msQuestion;
      answers[q] = chosen[q] || [fs.dataset.msUnanswered];
    });
    each("[data-ms-fit]", function (el) { el.hidden = any && !fits(el.dataset.msFit, answers); });
    each("[data-ms-group]", function (group) {
      var shown = !!group.querySelector("li:not([hidden])");
      group.hidden = !shown || (group.dataset.msFit !== undefined && any && !fits(group.dataset.msFit, answers));
    });
    each("[data-ms-wait]", function (list) {
      list.querySelector(".ms-prompt").hidden = any;
      list.querySelector(".ms-results").hidden = !any;
    });
    var n = {};
    each("[data-ms-list]", function (list) {
      n[list.dataset.msList] = count(list);
      var empty = list.querySelector(".ms-empty");
      if (empty) empty.hidden = n[list.dataset.msList] > 0;
    });
    return any ? "Showing " + plural(n.sections, "part", "parts") + " of the guide, " +
      plural(n.treatments, "drug", "drugs") + " from the table and " +
      plural(n.questions, "question", "questions") +
      (n.situation ? " (" + n.situation + " of them for your situation)" : "") + "."
      : "Pick an answer to any question above to see the parts of the guide and the drugs " +
        "that fit you. Until then, every question of the guide is listed.";
  }

  function today() {
    var d = document.getElementById("ms-date");
    if (d) d.textContent = new Date().toLocaleDateString(document.documentElement.lang || undefined,
      {year: "numeric", month: "long", day: "numeric"});
  }

  // Restore what this browser kept, if anything.
  var kept = load();
  fieldsets.forEach(function (fs) {
    var values = [].concat(kept[fs.dataset.msQuestion] || []);  // one answer, as kept before, or several
    Array.prototype.forEach.call(fs.querySelectorAll("input"), function (input) {
      if (values.indexOf(input.value) >= 0) input.checked = true;
    });
  });
  tool.hidden = false;
  status.textContent = apply();

  tool.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" && input.type !== "checkbox") return;
    var fs = input.closest("fieldset");
    if (input.type === "checkbox" && input.checked) {
      // "I don't know" clears the other answers; any other answer clears "I don't know".
      var unsure = input.value === fs.dataset.msUnanswered;
      Array.prototype.forEach.call(fs.querySelectorAll("input:checked"), function (other) {
        if (other !== input && (unsure || other.value === fs.dataset.msUnanswered)) other.checked = false;
      });
    }
    save(picked());
    status.textContent = apply();
  });
  document.getElementById("ms-forget").addEventListener("click", function () {
    save({});
    Array.prototype.forEach.call(tool.querySelectorAll("input:checked"), function (input) {
      input.checked = false;
    });
    status.textContent = "Your answers are forgotten: this browser no longer keeps them. " + apply();
  });
  document.getElementById("ms-print").addEventListener("click", function () {
    today();
    window.print();
  });
  window.addEventListener("beforeprint", today);
})();
