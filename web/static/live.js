// Live threads and live blogs: new approved comments, and a live blog's
// new entries, edits and removals, appear on an open article page without
// a reload, from /comments/stream and /live/stream (server-sent events),
// and are announced politely to screen readers. Without JavaScript, or
// without EventSource, the page is the page it was (a reload shows them).
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource) return;

  // follow keeps a stream open while the page is shown. A stream holds
  // one of the six connections a browser keeps to a site over HTTP/1.1:
  // a page left for another (kept in the back-forward cache) lets it go,
  // and asks again for what changed meanwhile if the reader comes back.
  // What changed in the last minute is sent first: the page may come
  // from a cache.
  function follow(url, handlers) {
    var since = Date.now() - 60000;
    var stream = null;
    function open() {
      if (stream) return;
      stream = new EventSource(url + "&since=" + since);
      for (var name in handlers) stream.addEventListener(name, handlers[name]);
    }
    function close() {
      if (!stream) return;
      stream.close();
      stream = null;
      since = Date.now() - 5000;
    }
    window.addEventListener("pagehide", close);
    window.addEventListener("pageshow", function (event) { if (event.persisted) open(); });
    open();
  }
  // announcer tells screen readers, politely, through a live region.
  function announcer(status) {
    return function (text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 100);
    };
  }
  // say returns the page's words for a message (the server writes them
  // in the site's language), with %s replaced.
  function say(name, fallback, arg) {
    return (me.getAttribute("data-" + name) || fallback).replace("%s", function () { return arg || ""; });
  }
  function element(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content.firstElementChild;
  }
  // flat is an element's HTML with its white space folded, for telling
  // a change from a copy.
  function flat(el) {
    return el.outerHTML.replace(/\s+/g, " ");
  }

  if (me.getAttribute("data-stream")) comments(me.getAttribute("data-stream"));
  if (me.getAttribute("data-entries")) entries(me.getAttribute("data-entries"));

  // A live thread: new approved comments, edits and removals.
  function comments(url) {
    var section = document.getElementById("comments");
    var status = document.getElementById("live-status");
    if (!section || !status) return;
    var insert = me.getAttribute("data-insert");
    var announce = announcer(status);
    follow(url, { comment: onComment, remove: onRemove });

    function list() {
      var l = section.querySelector("ol.comment-list");
      if (l) return l;
      l = document.createElement("ol");
      l.className = "comment-list";
      var none = section.querySelector(".no-comments");
      if (none) none.parentNode.replaceChild(l, none);
      else section.insertBefore(l, document.getElementById("respond-home") || null);
      return l;
    }
    function author(li) {
      var a = li.querySelector(".comment-author");
      return a ? a.textContent.trim() : say("someone", "a reader");
    }
    function child(el, selector) {
      for (var c = el.firstElementChild; c; c = c.nextElementSibling) {
        if (c.matches(selector)) return c;
      }
      return null;
    }

    function onComment(event) {
      var c = JSON.parse(event.data);
      var li = element(c.html);
      if (!li) return;
      var old = document.getElementById("comment-" + c.id);
      if (old) {
        // An edit: the text changes, the replies stay. The page may show
        // its reader an Edit link on their own comment, which the stream,
        // written for everyone, has not: it is no change, and it stays.
        var body = child(old, ".comment-body"), fresh = child(li, ".comment-body");
        if (!body || !fresh) return;
        var edit = body.querySelector(".comment-edit-link");
        var seen = body.cloneNode(true), mine = seen.querySelector(".comment-edit-link");
        if (mine) mine.parentNode.removeChild(mine);
        // Nor are dates the reader's browser wrote as "3 minutes ago"
        // (reltime.js), which keeps the server's words beside them.
        var times = seen.querySelectorAll("time[data-absolute]");
        for (var i = 0; i < times.length; i++) {
          times[i].textContent = times[i].getAttribute("data-absolute");
          times[i].removeAttribute("data-absolute");
          times[i].removeAttribute("title");
        }
        if (flat(seen) === flat(fresh)) return;
        var actions = fresh.querySelector(".comment-actions");
        if (edit && actions && !actions.querySelector(".comment-edit-link")) {
          var reply = actions.querySelector(".comment-reply-link");
          actions.insertBefore(edit, reply ? reply.nextSibling : actions.firstChild);
        }
        body.parentNode.replaceChild(fresh, body);
        announce(say("edited", "The comment by %s was edited.", author(old)));
        return;
      }
      if (c.parent) {
        var parent = document.getElementById("comment-" + c.parent);
        if (!parent) return;
        var kids = child(parent, "ol.children");
        if (!kids) {
          kids = document.createElement("ol");
          kids.className = "children";
          parent.appendChild(kids);
        }
        kids.appendChild(li);
      } else if (insert === "end") {
        list().appendChild(li);
      } else if (insert === "start") {
        list().insertBefore(li, list().firstChild);
      } else {
        return;
      }
      li.classList.add("comment-live");
      announce(say("new", "New comment by %s.", author(li)));
    }

    function onRemove(event) {
      var c = JSON.parse(event.data);
      var old = document.getElementById("comment-" + c.id);
      if (!old) return;
      var who = author(old);
      old.parentNode.removeChild(old);
      announce(say("removed", "The comment by %s was removed.", who));
    }
  }

  // A live blog's entries: newest first, so a new one goes on top.
  function entries(url) {
    var list = document.getElementById("live-entries");
    var status = document.getElementById("live-blog-status");
    if (!list || !status) return;
    var announce = announcer(status);
    follow(url, {
      entry: function (event) {
        var e = JSON.parse(event.data);
        var el = element(e.html);
        if (!el) return;
        var old = document.getElementById(el.id);
        if (old) {
          if (flat(old) === flat(el)) return;
          old.parentNode.replaceChild(el, old);
          announce(say("entry-edited", "An update was edited."));
          return;
        }
        // Among the entries, by number: a late catch-up keeps the order.
        var next = list.firstElementChild;
        while (next && Number(next.id.replace("entry-", "")) > e.id) next = next.nextElementSibling;
        list.insertBefore(el, next);
        el.classList.add("live-new");
        announce(say("entry-new", "New update."));
      },
      remove: function (event) {
        var old = document.getElementById("entry-" + JSON.parse(event.data).id);
        if (old) old.parentNode.removeChild(old);
      }
    });
  }
})();
