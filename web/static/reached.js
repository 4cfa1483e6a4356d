// Tells the site, once per page view, that its reader reached the
// comments (first-party analytics; nothing is stored in the browser).
// Without JavaScript, or without sendBeacon, the page works the same.
(function () {
  var script = document.currentScript;
  var section = document.getElementById("comments");
  if (!script || !section || !navigator.sendBeacon || !("IntersectionObserver" in window)) {
    return;
  }
  var id = script.getAttribute("data-article");
  var seen = new IntersectionObserver(function (entries) {
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].isIntersecting) {
        seen.disconnect();
        navigator.sendBeacon("/analytics/reached", id);
        return;
      }
    }
  });
  seen.observe(section);
})();
