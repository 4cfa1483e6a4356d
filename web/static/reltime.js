// Writes the comments' dates as relative times ("3 minutes ago",
// "il y a 3 minutes") in the page's language. The HTML keeps the
// absolute date in <time datetime>, the same for every reader, so the
// shared page cache stays right; this runs in each reader's browser,
// against their clock. Without JavaScript, or without
// Intl.RelativeTimeFormat, the absolute dates stay. Dates older than a
// week stay absolute; the full date remains as the element's title.
(function () {
  if (!window.Intl || !Intl.RelativeTimeFormat) {
    return;
  }
  var section = document.getElementById("comments");
  if (!section) {
    return;
  }
  var formats = {};
  function format(lang) {
    if (!formats[lang]) {
      try {
        formats[lang] = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
      } catch (e) {
        formats[lang] = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
      }
    }
    return formats[lang];
  }
  var steps = [
    [60, 1, "second"], [3600, 60, "minute"], [86400, 3600, "hour"], [604800, 86400, "day"]
  ];
  function relative(el, now) {
    var when = Date.parse(el.getAttribute("datetime"));
    if (isNaN(when)) {
      return;
    }
    if (!el.hasAttribute("data-absolute")) {
      el.setAttribute("data-absolute", el.textContent);
    }
    var secs = Math.round((when - now) / 1000);
    var abs = Math.abs(secs);
    for (var i = 0; i < steps.length; i++) {
      if (abs < steps[i][0]) {
        var langEl = el.closest("[lang]");
        var lang = langEl ? langEl.getAttribute("lang") : "";
        set(el, format(lang).format(Math.round(secs / steps[i][1]), steps[i][2]));
        el.title = el.getAttribute("data-absolute");
        return;
      }
    }
    set(el, el.getAttribute("data-absolute"));
    el.removeAttribute("title");
  }
  // set changes the text only when it differs: a change is a mutation,
  // which the observer below answers with another pass.
  function set(el, text) {
    if (el.textContent !== text) {
      el.textContent = text;
    }
  }
  function update() {
    var now = Date.now();
    var times = section.querySelectorAll(".comment-permalink time[datetime]");
    for (var i = 0; i < times.length; i++) {
      relative(times[i], now);
    }
  }
  update();
  // Comments that arrive live are written on the next pass.
  setInterval(update, 30000);
  if ("MutationObserver" in window) {
    var pending = false;
    new MutationObserver(function () {
      if (!pending) {
        pending = true;
        setTimeout(function () { pending = false; update(); }, 50);
      }
    }).observe(section, { childList: true, subtree: true });
  }
})();
