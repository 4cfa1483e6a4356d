// Moves the reply form under the comment being answered, and back.
// Without JavaScript the Reply links reload the page with ?replytocom=ID,
// which the server turns into the same reply form.
(function () {
  "use strict";
  // The page writes the form's headings in the site's language.
  var me = document.currentScript;
  var words = function (name, fallback) { return (me && me.getAttribute("data-" + name)) || fallback; };
  // A refused comment's page opens on its error summary; browsers that
  // ignore autofocus get the focus moved here, and each link of the
  // summary puts the caret in its field rather than merely scrolling.
  var summary = document.getElementById("error-summary");
  if (summary) {
    if (document.activeElement !== summary) summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
    });
  }
  // Fill the form from the remember-me cookies: the page may come from
  // the shared cache, which never holds anyone's name.
  var fields = { author: "comment_author", email: "comment_author_email", url: "comment_author_url" };
  var remembered = false;
  document.cookie.split("; ").forEach(function (pair) {
    var i = pair.indexOf("=");
    var name = pair.slice(0, i);
    for (var field in fields) {
      if (fields[field] === name) {
        var input = document.getElementById(field);
        var value = decodeURIComponent(pair.slice(i + 1).replace(/\+/g, " "));
        if (input && !input.value && value) { input.value = value; remembered = true; }
      }
    }
  });
  var consent = document.getElementById("wp-comment-cookies-consent");
  if (remembered && consent) consent.checked = true;

  var respond = document.getElementById("respond");
  var home = document.getElementById("respond-home");
  var parent = document.getElementById("comment_parent");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var title = document.getElementById("reply-title");
  if (!respond || !home || !parent || !cancel || !title) return;
  var titleText = title.firstChild;

  function setTitle(text) {
    titleText.nodeValue = text + " ";
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".comment-reply-link");
    if (!link) return;
    var id = link.getAttribute("data-commentid");
    var body = document.getElementById("div-comment-" + id);
    if (!body) return;
    event.preventDefault();
    body.parentNode.insertBefore(respond, body.nextSibling);
    parent.value = id;
    var who = link.getAttribute("data-author");
    setTitle(words("reply-to", "Reply to %s").replace("%s", function () { return who; }));
    cancel.hidden = false;
    document.getElementById("comment").focus();
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    home.parentNode.insertBefore(respond, home.nextSibling);
    parent.value = "0";
    setTitle(words("home-title", "Leave a Reply"));
    cancel.hidden = true;
  });
})();
