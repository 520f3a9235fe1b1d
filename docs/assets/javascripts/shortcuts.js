/* No single-key shortcuts (WCAG 2.1.4 Character Key Shortcuts).

   The theme binds single letters to actions: f, s and / open search,
   p and , go to the previous page, n and . to the next. A speech-input user
   who says a word, or someone who presses a key by mistake, would be moved
   or have search open without meaning to. This listener runs first (capture
   phase on window, loaded in <head> before the theme's bundle) and stops a
   printable key without Ctrl, Alt or Meta from reaching the theme when
   focus is not in a form field. The key's normal action (typing, Space to
   scroll, a link's Enter) still happens: only the theme's handler misses it.

   Keyboard users reach search, the page list and the previous/next links
   with Tab, like any other link. */
(function () {
  "use strict";

  function inFormField(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  window.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (!event.key || event.key.length !== 1) return;  // Tab, Enter, arrows, Escape pass
    if (inFormField(event.target) || inFormField(document.activeElement)) return;
    // While the search dialog is open, its own keys (typing goes back to the
    // search field) work: they act only on the focused search.
    var search = document.getElementById("__search");
    if (search && search.checked) return;
    event.stopPropagation();
  }, true);
})();
