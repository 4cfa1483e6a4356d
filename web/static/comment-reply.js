// Moves the reply form under the comment being answered, and back.
// Without JavaScript the Reply links reload the page with ?replytocom=ID,
// which the server turns into the same reply form.
(function () {
  "use strict";
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
    setTitle("Reply to " + link.getAttribute("data-author"));
    cancel.hidden = false;
    document.getElementById("comment").focus();
  });

  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    home.parentNode.insertBefore(respond, home.nextSibling);
    parent.value = "0";
    setTitle("Leave a Reply");
    cancel.hidden = true;
  });
})();
