// Newsroom conveniences; every page works without this file.
(function () {
  "use strict";

  // Autosave: the editor's text is sent every 15 seconds when it changed,
  // so closing the tab loses at most a few seconds of writing. A new
  // article becomes a draft on its first autosave.
  var form = document.getElementById("editor");
  if (form && window.fetch && window.FormData) {
    var status = document.getElementById("autosave-status");
    var url = form.getAttribute("data-autosave");
    var last = snapshot();
    var busy = false;
    function snapshot() {
      return ["title", "body", "excerpt"].map(function (n) { return form.elements[n] ? form.elements[n].value : ""; }).join("\u0000");
    }
    function save() {
      var now = snapshot();
      if (busy || now === last) return;
      busy = true;
      var data = new FormData(form);
      data.delete("featured_file"); // an image is uploaded on Save, not with every autosave
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
        .then(function (res) {
          if (!res.ok) throw new Error(res.body.error || status.getAttribute("data-failed") || "Autosave failed");
          last = now;
          if (res.body.edit_url) {
            form.action = res.body.edit_url;
            url = res.body.autosave_url;
            form.setAttribute("data-autosave", url);
            form.setAttribute("data-lock", res.body.edit_url.replace(/edit$/, "lock"));
            if (form.elements.base_version) form.elements.base_version.value = res.body.version;
            history.replaceState(null, "", res.body.edit_url);
          }
          showLock(res.body);
          status.textContent = (status.getAttribute("data-saved") || "Draft autosaved at {time}.").replace("{time}", res.body.saved_at);
        })
        .catch(function (e) { status.textContent = (status.getAttribute("data-not-saved") || "Not autosaved: {reason}").replace("{reason}", e.message); })
        .then(function () { busy = false; });
    }
    setInterval(save, 15000);

    // Edit lock: renewed every minute while the editor is open, so others
    // see who is editing; when someone takes over, say so at once.
    var lockStatus = document.createElement("p");
    lockStatus.className = "notice";
    lockStatus.id = "lock-status";
    lockStatus.setAttribute("role", "status");
    lockStatus.hidden = true;
    form.parentNode.insertBefore(lockStatus, form);
    function showLock(body) {
      if (!body || body.lock_mine === undefined) return;
      lockStatus.hidden = body.lock_mine;
      if (!body.lock_mine) lockStatus.textContent = body.lock_holder + " is editing this article since " + body.lock_since +
        ". Your save is still checked against their version: nothing is overwritten.";
    }
    function renewLock() {
      var lockURL = form.getAttribute("data-lock");
      if (!lockURL) return;
      var data = new FormData();
      data.append("csrf_token", form.elements.csrf_token.value);
      fetch(lockURL, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.json(); }).then(showLock).catch(function () {});
    }
    setInterval(renewLock, 60000);
    window.addEventListener("beforeunload", function (e) {
      if (snapshot() !== last && !form.submitting) { save(); e.preventDefault(); e.returnValue = ""; }
    });
    form.addEventListener("submit", function () { form.submitting = true; });
  }

  // Ask before destructive buttons.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.danger");
    if (b && !window.confirm(document.body.getAttribute("data-confirm") || "This cannot be undone. Continue?")) e.preventDefault();
  });

  // The moderation queue: keys for the next item and the usual verdicts
  // (each presses the row's own button, so the server decides as for a
  // click), and counts kept current while the page stays open.
  var queue = document.getElementById("moderation-form");
  if (queue) {
    var items = [].slice.call(queue.querySelectorAll(".mod-item"));
    var help = document.querySelector(".keyboard-help");
    if (help && items.length) help.hidden = false;
    var at = -1;
    function go(i) {
      if (!items.length) return;
      at = Math.max(0, Math.min(items.length - 1, i));
      items[at].focus();
    }
    function press(verb) {
      var item = items[at];
      var button = item && item.querySelector("button[name=row][value^='" + verb + ":']");
      if (button) button.click();
    }
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName)))) return;
      var keys = { j: function () { go(at + 1); }, k: function () { go(at - 1); },
        a: function () { press("approve"); }, s: function () { press("spam"); }, t: function () { press("trash"); },
        x: function () { var box = items[at] && items[at].querySelector("input[name=ids]"); if (box) box.checked = !box.checked; } };
      if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
    });
  }
  var tabs = document.querySelector("nav.tabs[data-counts]");
  if (tabs && window.fetch) {
    window.setInterval(function () {
      fetch(tabs.getAttribute("data-counts"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (counts) {
          if (!counts) return;
          [].forEach.call(tabs.querySelectorAll("a"), function (tab) {
            var status = /[?&]status=([a-z]+)/.exec(tab.getAttribute("href"));
            var el = tab.querySelector(".count");
            var n = status && counts[status[1]];
            if (el && typeof n === "number") el.textContent = n;
          });
        })
        .catch(function () {});
    }, 30000);
  }
})();
