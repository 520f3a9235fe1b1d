/* The theme's header buttons work from the keyboard (menu, search, close
   search; see overrides/partials/a11y-head.html).

   The theme makes them <label for="..."> elements that toggle a hidden
   checkbox (Material's "checkbox hack", squidfunk/mkdocs-material#659):
   a mouse or a tap works, but a label is no tab stop and Enter does
   nothing. At phone widths the menu and search are reachable only through
   them. This script gives each such label role="button", tabindex="0" and
   aria-expanded, and lets Enter and Space toggle its checkbox; Escape closes
   an open menu and gives the focus back to its button. Their names are text
   inside them (overrides/hooks/theme_fixes.py).

   Loaded in <head> from a file (no inline script: the strict policy allows
   none) and before shortcuts.js, whose capturing listener would otherwise
   keep Space from reaching the button. Without JavaScript the labels stay
   as the theme made them. */
(function () {
  "use strict";
  var SELECTOR = "label.md-header__button[for], label.md-search__icon[for]";

  function toggleOf(label) {
    var input = document.getElementById(label.htmlFor);
    return input && input.type === "checkbox" ? input : null;
  }

  function sync(label) {
    var input = toggleOf(label);
    if (input) label.setAttribute("aria-expanded", input.checked ? "true" : "false");
  }

  window.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var target = event.target;
    if (event.key === "Escape") {
      var drawer = document.getElementById("__drawer");
      if (drawer && drawer.checked) {
        drawer.click();
        var menu = document.querySelector('label.md-header__button[for="__drawer"]');
        if (menu) menu.focus();
      }
      return;
    }
    if (event.key !== "Enter" && event.key !== " ") return;
    if (!target || !target.matches || !target.matches(SELECTOR)) return;
    var input = toggleOf(target);
    if (!input) return;
    event.preventDefault();   // no page scroll on Space
    event.stopPropagation();  // the theme's key handlers do not see it
    input.click();            // toggles it and fires "change", as a tap does
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var labels = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < labels.length; i++) {
      var label = labels[i];
      if (!toggleOf(label)) continue;
      label.setAttribute("role", "button");
      label.setAttribute("tabindex", "0");
      sync(label);
    }
    document.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.type !== "checkbox" || !input.id) return;
      var bound = document.querySelectorAll('label[role="button"][for="' + input.id + '"]');
      for (var j = 0; j < bound.length; j++) sync(bound[j]);
    });
  });
})();
