/* The theme's header buttons work from the keyboard (menu, search, close
   search; see overrides/partials/a11y-head.html).

   The theme makes them <label for="..."> elements that toggle a hidden
   checkbox (Material's "checkbox hack", squidfunk/mkdocs-material#659):
   a mouse or a tap works, but a label is no tab stop and Enter does
   nothing. At phone widths the menu and search are reachable only through
   them. This script puts a real <button type="button"> in each such
   label's place (ARIA in HTML allows no role on a <label>, so role=button
   there fails axe's aria-allowed-role). The button keeps the label's
   classes, title, content (its name: text inside, from
   overrides/hooks/theme_fixes.py) and its `for` attribute, which the
   theme's stylesheet selects on ([for=__drawer], [for=__search]); a click,
   Enter or Space clicks the checkbox, which fires "change" as a tap on the
   label did, and aria-expanded follows the checkbox. Escape closes an open
   menu and gives the focus back to its button.

   Loaded from a file (no inline script: the strict policy allows none).
   Without JavaScript the labels stay as the theme made them. */
(function () {
  "use strict";
  var SELECTOR = "label.md-header__button[for], label.md-search__icon[for]";

  function toggleFor(id) {
    var input = document.getElementById(id);
    return input && input.type === "checkbox" ? input : null;
  }

  function sync(button) {
    var input = toggleFor(button.getAttribute("for"));
    if (input) button.setAttribute("aria-expanded", input.checked ? "true" : "false");
  }

  function asButton(label) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = label.className;
    button.setAttribute("for", label.htmlFor);
    if (label.title) button.title = label.title;
    while (label.firstChild) button.appendChild(label.firstChild);
    button.addEventListener("click", function () {
      var input = toggleFor(button.getAttribute("for"));
      if (input) input.click();
    });
    label.parentNode.replaceChild(button, label);
    sync(button);
    return button;
  }

  window.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.ctrlKey || event.altKey || event.metaKey) return;
    var drawer = document.getElementById("__drawer");
    if (drawer && drawer.checked) {
      drawer.click();
      var menu = document.querySelector('.md-header button[for="__drawer"]');
      if (menu) menu.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var labels = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < labels.length; i++) {
      if (toggleFor(labels[i].htmlFor)) asButton(labels[i]);
    }
    document.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "checkbox" || !input.id) return;
      var bound = document.querySelectorAll('button[for="' + input.id + '"]');
      for (var j = 0; j < bound.length; j++) sync(bound[j]);
    });
  });
})();
