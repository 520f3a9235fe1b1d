/* Search that costs nothing until the reader searches (issue 16).
 *
 * Material's bundle, as soon as a page loads, starts its search worker
 * (assets/javascripts/workers/search.*.js, about 12 KiB compressed) and
 * downloads the whole search index (search/search_index.json, about 60 KiB
 * compressed, with an XMLHttpRequest): together more than the rest of a page.
 * This file, loaded before the bundle, holds both back until the reader turns
 * to search: focuses or clicks the search box, opens search with the header
 * button, or arrives with a search in the address (?q=). Then both go out at
 * once and search works as before ("Initializing search" for a moment on a
 * slow line).
 *
 * The worker: the bundle calls `new Worker(url)` for the search worker only;
 * here it gets a stand-in with the same surface (postMessage, message events)
 * that starts the real worker on release and passes messages both ways.
 * Other workers are not touched.
 *
 * Forgiving search: Material turns every word of a query into a prefix
 * search (`word*`) and matches typos only when the reader types lunr's own
 * `word~1`. So when a word of five letters or more matches nothing at all
 * ("osimertinb", "pallative"), the stand-in asks the worker once more with
 * that word spelt loosely (lunr's edit distance: 1 letter, 2 from eight
 * letters on), and with its stem ("surgeries": "surger", which meets
 * "surgery"), and shows those results instead. A word that matches
 * anything is left exactly as typed.
 *
 * Whole numbers: beside other words, a number matches only itself ("exon
 * 20" is not "exon 2026").
 *
 * Whole matches first: the theme ranks a result by lunr's score, in which a
 * word of the query in a heading counts a thousand times a word in the text.
 * "back pain" listed "Where it can come back" before the warning sign "Back
 * or neck pain ..." (patient reviews). So the results that hold every word
 * of the query come first, then those that hold fewer, each in the theme's
 * order; the sections under a page likewise. (The theme marks which words a
 * result holds, in its `terms`.)
 *
 * Under file:// the theme loads the index another way (a script file, no
 * request to hold) and its worker is the iframe shim, started only when
 * search opens: this file does nothing there.
 */
(function () {
  "use strict";
  if (location.protocol === "file:") return;
  var INDEX = /\/search\/search_index\.json(\?|$)/;
  var WORKER = /\/workers\/search\.[^/]*\.js(\?|$)/;
  var waiting = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }

  // The index request.
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

  // Forgiving search (see above). SEARCH and RESULT are the bundle's
  // message types for a query and its results.
  var SEARCH = 2, RESULT = 3;
  var LOOSE_FROM = 5;

  function wordsOf(query, separator) {
    return String(query).split(separator).filter(function (w) { return w; });
  }

  function found(items, word) {
    return items.some(function (group) {
      return group.some(function (doc) { return doc.terms && doc.terms[word] === true; });
    });
  }

  // A word's stem for the loose try: the index keeps words whole (no
  // stemmer), so "depression" never met "depressed", "surgeries" never met
  // "surgery" and "nauseous" never met "nausea". The stem, searched as the
  // start of a word, meets them; it keeps four letters or more.
  var ENDINGS = ["ations", "ation", "ities", "ising", "izing", "ised", "ized", "ness", "ment",
    "ies", "ied", "ing", "ous", "ion", "ed", "es", "ly", "s"];

  function stem(word) {
    for (var i = 0; i < ENDINGS.length; i++) {
      var end = ENDINGS[i];
      if (word.length - end.length >= 4 && word.slice(-end.length) === end) {
        return word.slice(0, -end.length);
      }
    }
    return null;
  }

  // The query again with each plain word that matched nothing spelt
  // loosely (and its stem, when it has one, beside it), and the words
  // asked for in its place; null when there is nothing to loosen.
  function loosened(query, separator, items) {
    var changed = [];
    var words = wordsOf(query, separator).map(function (w) {
      var word = w.toLowerCase();
      if (!/^[a-z]+$/.test(word) || word.length < LOOSE_FROM || found(items, word)) return w;
      var root = stem(word);
      changed.push(word);
      if (root) changed.push(root);
      return word + "~" + (word.length >= 8 ? 2 : 1) + (root ? " " + root : "");
    });
    return changed.length ? { query: words.join(" "), words: changed } : null;
  }

  // Lunr's stop words, as in the theme's worker (tests/test_search.py
  // compares them). An index with pipeline ["stopWordFilter"] holds none,
  // so in a query they only match the start of other words ("who do i
  // call": "do" matched docetaxel). They are left out, unless nothing else
  // is left ("do", on the way to "docetaxel").
  var STOP_WORDS = ("a able about across after all almost also am among an and any are as at be " +
    "because been but by can cannot could dear did do does either else ever every for from get " +
    "got had has have he her hers him his how however i if in into is it its just least let " +
    "like likely may me might most must my neither no nor not of off often on only or other our " +
    "own rather said say says she should since so some than that the their them then there " +
    "these they this tis to too twas us wants was we were what when where which while who whom " +
    "why will with would yet you your").split(" ");

  function withoutStopWords(query, separator) {
    var words = wordsOf(query, separator);
    var kept = words.filter(function (w) { return STOP_WORDS.indexOf(w.toLowerCase()) < 0; });
    return kept.length && kept.length < words.length ? kept.join(" ") : query;
  }

  // A number beside other words is a number, not the start of one: the
  // theme makes every word a prefix ("20*"), so "exon 20" matched every
  // "2026" and listed What changed first. lunr's "20^1" (a boost of 1,
  // which changes nothing) is a word the theme leaves whole. A number on its
  // own ("9", on the way to "911") stays a prefix.
  function wholeNumbers(query, separator) {
    var words = wordsOf(query, separator);
    var number = function (w) { return /^\d+$/.test(w); };
    if (!words.some(number) || words.every(number)) return query;
    return words.map(function (w) { return number(w) ? w + "^1" : w; }).join(" ");
  }

  // A loosened word is neither "found" nor "missing" in the results (the
  // theme would list it as missing: lunr's match is not a prefix of it).
  function forget(items, words) {
    items.forEach(function (group) {
      group.forEach(function (doc) {
        if (doc.terms) words.forEach(function (w) { delete doc.terms[w]; });
      });
    });
  }

  // Results that hold every word of the query first (see above): how many
  // of the query's words a result holds, 0 to 1.
  function coverage(doc) {
    var words = doc.terms ? Object.keys(doc.terms) : [];
    if (!words.length) return 0;
    return words.filter(function (w) { return doc.terms[w]; }).length / words.length;
  }

  // A stable sort: equal keys keep the theme's order.
  function byCoverage(list, key) {
    return list.map(function (item, i) { return { item: item, key: key(item), i: i }; })
      .sort(function (a, b) { return b.key - a.key || a.i - b.i; })
      .map(function (x) { return x.item; });
  }

  function wholeMatchesFirst(items) {
    var groups = items.map(function (group) { return byCoverage(group, coverage); });
    return byCoverage(groups, function (group) {
      return Math.max.apply(null, group.map(coverage).concat([0]));
    });
  }

  // The search worker.
  var RealWorker = window.Worker;
  if (typeof RealWorker === "function" && typeof EventTarget === "function") {
    var LazyWorker = function (url, options) {
      var target = new EventTarget();
      var real = null, queue = [];
      var separator = /[\s\-]+/;
      var stopWords = false;  // does the index leave lunr's stop words out?
      // Queries sent and not yet answered, oldest first: {query, loose}.
      var pending = [];

      function deliver(data) {
        var event = new MessageEvent("message", { data: data });
        target.dispatchEvent(event);
        if (typeof target.onmessage === "function") target.onmessage(event);
      }

      function answer(data) {
        if (!data || data.type !== RESULT || !pending.length) return deliver(data);
        var asked = pending.shift();
        // The answer to a query the reader has since changed is dropped: the
        // theme would show it under the newer query ("No matching documents"
        // for the empty query asked when search got ready, while the box
        // already says "fever"), and the newer answer is on its way (the
        // worker answers every query, once, in order).
        if (pending.length) return;
        var items = (data.data && data.data.items) || [];
        if (asked.loose) {
          forget(items, asked.loose);
          data.data.items = wholeMatchesFirst(items);
          return deliver(data);
        }
        var again = loosened(asked.query, separator, items);
        if (!again) {
          if (data.data && data.data.items) data.data.items = wholeMatchesFirst(items);
          return deliver(data);
        }
        pending.push({ query: again.query, loose: again.words });
        real.postMessage({ type: SEARCH, data: again.query });
      }

      function post(message) {
        if (message && message.type === SEARCH) {
          var query = String(message.data || "");
          if (stopWords) query = withoutStopWords(query, separator);
          message = { type: SEARCH, data: query = wholeNumbers(query, separator) };
          pending.push({ query: query, loose: null });
        } else if (message && message.data && message.data.config) {
          var config = message.data.config;
          stopWords = (config.pipeline || []).indexOf("stopWordFilter") >= 0;
          try { if (config.separator) separator = new RegExp(config.separator); } catch (e) { /* keep the default */ }
        }
        real.postMessage(message);
      }

      function start() {
        real = new RealWorker(url, options);
        real.addEventListener("message", function (event) { answer(event.data); });
        real.addEventListener("error", function (event) {
          target.dispatchEvent(new Event("error"));
          if (typeof target.onerror === "function") target.onerror(event);
        });
        queue.splice(0).forEach(post);
      }
      target.postMessage = function (message) {
        if (real) post(message);
        else queue.push(message);
      };
      target.terminate = function () {
        if (real) real.terminate();
        queue = [];
      };
      if (released) start(); else waiting.push(start);
      return target;
    };
    window.Worker = function (url, options) {
      if (!(this instanceof window.Worker)) return RealWorker(url, options);
      return WORKER.test(String(url)) ? LazyWorker(url, options) : new RealWorker(url, options);
    };
    window.Worker.prototype = RealWorker.prototype;
  }

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
