/* At home in a frame (see overrides/partials/frame-mode.html).
   Inside an iframe, from any origin, the page:
   - gets the class "guide-in-frame" on <html>, so guide.css hides the site
     header, sidebars and search, keeping the content and previous/next links;
   - opens links to other sites in a new tab, so the portal stays in place.
   Links inside the guide stay inside the frame; nothing here touches
   window.top. */
(function () {
  "use strict";
  var framed;
  try {
    framed = window.self !== window.top;
  } catch (e) {
    framed = true; /* a cross-origin parent can throw on access */
  }
  if (!framed) return;
  document.documentElement.classList.add("guide-in-frame");

  function external(a) {
    var href = a.getAttribute("href");
    if (!href || href.charAt(0) === "#") return false;
    if (!/^https?:/i.test(a.protocol)) return false;
    return a.host !== window.location.host || window.location.protocol === "file:";
  }

  function mark(root) {
    var links = root.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      if (external(a)) {
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    mark(document);
  });
})();
