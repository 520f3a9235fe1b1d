/* The address a page printed on its own came from
   (overrides/partials/printed-from.html): when the build did not know it
   (no site_url), the address the reader opened, without its ?query or
   #part (a search or a place in the page is nobody else's business).
   Without JavaScript the line stays empty, and print.css leaves it out. */
(function () {
  "use strict";
  function fill() {
    var slot = document.querySelector(".guide-printed-from__address");
    if (!slot || slot.textContent.trim()) return;
    slot.textContent = location.href.split(/[?#]/)[0];
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
})();
