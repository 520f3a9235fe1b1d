/* Search that costs nothing until the reader searches (issue 16).
 *
 * Material's bundle downloads the whole search index (search/search_index.json,
 * about 60 KiB compressed: more than the rest of a page) as soon as a page
 * loads, with an XMLHttpRequest. This file, loaded before the bundle, holds
 * that one request back until the reader turns to search: focuses or clicks
 * the search box, opens search with the header button, or arrives with a
 * search in the address (?q=). Then it goes out at once and search works as
 * before ("Initializing search" for a moment on a slow line).
 *
 * Nothing else is touched. Under file:// the theme loads the index another
 * way (a script file, no request to hold), so this does nothing there.
 */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(\?|$)/;
  var waiting = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__guideHold = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this, args = arguments;
    if (!xhr.__guideHold || released) return send.apply(xhr, args);
    waiting.push(function () { send.apply(xhr, args); });
  };

  function wantsSearch(target) {
    return target && target.closest &&
      !!target.closest(".md-search, [for='__search'], #__search");
  }
  ["focusin", "pointerdown", "keydown", "input"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (wantsSearch(event.target)) release();
    }, true);
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search") release();
  }, true);
  if (/[?&]q=/.test(location.search)) release();
})();
