package browser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

// mirrorFacts are measured in the page by mirrorJS: where lines and blocks
// start, which only the direction decides.
type mirrorFacts struct {
	Dir string `json:"dir"`
	// Starts are, for each probe found, "right" or "left": the side of
	// its container its text begins at (a short line shows it).
	Starts map[string]string `json:"starts"`
	// ReplyRule is the side of the threaded replies' rule.
	ReplyRule   string  `json:"replyRule"`
	SideOnRight bool    `json:"sideOnRight"` // the newsroom's menu
	ScrollWidth float64 `json:"scrollWidth"`
	InnerWidth  float64 `json:"innerWidth"`
}

// mirrorJS finds where short texts sit in their blocks: the article's
// last paragraph, the reply form's labels, two comments (ids to fill in),
// the error summary's title, the newsroom editor's labels.
const mirrorJS = `(() => {
  const side = (el) => {
    const block = getComputedStyle(el).display === 'inline' ? el.parentElement : el;
    const r = document.createRange(); r.selectNodeContents(el);
    const t = r.getBoundingClientRect(), b = block.getBoundingClientRect();
    const cs = getComputedStyle(block);
    const left = t.left - b.left - parseFloat(cs.paddingLeft), right = b.right - parseFloat(cs.paddingRight) - t.right;
    return right < left ? 'right' : 'left';
  };
  const probes = {
    articleText: '.prose > p:last-of-type', commentLabel: 'label[for=comment]', authorLabel: 'label[for=author]',
    arabicComment: '#comment-%d .comment-content p', englishComment: '#comment-%d .comment-content p', errorTitle: '#error-summary-title', titleLabel: 'label[for=title]',
    cardTitle: '.card-title a',
  };
  const starts = {};
  for (const [name, sel] of Object.entries(probes)) {
    const el = document.querySelector(sel);
    if (el) starts[name] = side(el);
  }
  const children = document.querySelector('.comment-list .children');
  let replyRule = '';
  if (children) {
    const cs = getComputedStyle(children);
    replyRule = parseFloat(cs.borderRightWidth) > 0 ? 'right' : parseFloat(cs.borderLeftWidth) > 0 ? 'left' : 'none';
  }
  const s = document.querySelector('nav.side'), m = document.querySelector('main');
  return {
    dir: getComputedStyle(document.documentElement).direction, starts, replyRule,
    sideOnRight: !!(s && m && s.getBoundingClientRect().left > m.getBoundingClientRect().left),
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  };
})()`

// TestRightToLeft screenshots the front page, an article with a threaded
// discussion and its reply form, a refused comment's page and the
// newsroom editor, in English and in Arabic, on a desktop and a phone:
// the Arabic pages are mirrored (direction, where text and blocks start,
// the replies' rule on the right, the newsroom's menu on the right) with
// no sideways scrolling, the English ones are not, and axe-core finds no
// serious or critical violation on any. Comments in Arabic start at the
// right and comments in English at the left on both. Words are not checked: the
// interface's Arabic text comes from the message catalogue.
func TestRightToLeft(t *testing.T) {
	axe := axeScript(t)
	browser := newBrowser(t)
	n := startNewsroom(t, storetest.SQLite.Fresh(t))
	ctx := context.Background()
	editor := n.Users[communique.RoleEditor]
	local, err := n.DB.EnsureTerm(ctx, communique.TaxonomyCategory, "محلي")
	if err != nil {
		t.Fatal(err)
	}
	art := &communique.Article{Title: "افتتاح جسر الميناء بعد عامين من الإصلاحات", AuthorID: editor.ID,
		Source: "أعيد فتح جسر الميناء القديم أمام حركة المرور صباح اليوم، بعد ستة وعشرين شهراً من التحويلات لنحو 14,000 شخص يعبرونه كل يوم.\n\n" +
			"The council says the work came in 4% under budget.\n\nنزهة يوم الأحد.",
		Status: communique.StatusPublished, PublishedAt: n.Clock.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(n.DB).Create(ctx, articles.System, art, []int64{local.ID}, nil); err != nil {
		t.Fatal(err)
	}
	parent := &communique.Comment{ArticleID: art.ID, AuthorName: "ليلى حسن", AuthorEmail: "layla@mail.example", AuthorIP: "203.0.113.9",
		Text: "جسر رائع!", HTML: "<p>جسر رائع!</p>", Status: communique.CommentApproved}
	if err := n.DB.CreateComment(ctx, parent); err != nil {
		t.Fatal(err)
	}
	replies := []*communique.Comment{
		{AuthorName: "שרה כהן", Text: "Finally open, 9am sharp.", HTML: "<p>Finally open, 9am sharp.</p>"},
		{AuthorName: "Ann Reader", Text: "أوافق — agreed.", HTML: "<p>أوافق — agreed.</p>"},
	}
	for _, c := range replies {
		c.ArticleID, c.ParentID, c.AuthorEmail, c.AuthorIP, c.Status = art.ID, parent.ID, "reader@mail.example", "203.0.113.10", communique.CommentApproved
		if err := n.DB.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	articlePath := communique.ArticlePath(art, settings(t, n.DB), nil)
	js := fmt.Sprintf(mirrorJS, parent.ID, replies[0].ID)

	reader, staff := newTab(t, browser), newTab(t, browser)
	for _, tab := range []context.Context{reader, staff} {
		// The admin's Content-Security-Policy forbids scripts from
		// anywhere but itself; the injected axe is the test's.
		if _, err := chromedp.Call(tab, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	signIn(t, staff, n.URL, "marta", "/admin/", chromedp.CSS("main h1"))

	pages := []struct {
		name   string
		tab    context.Context
		open   func(t *testing.T)
		probes []string
	}{
		{"front", reader, func(t *testing.T) {
			do(t, reader, chromedp.Navigate(n.URL+"/"), chromedp.WaitReady(chromedp.CSS("main")))
		}, []string{"cardTitle"}},
		{"article", reader, func(t *testing.T) {
			do(t, reader, chromedp.Navigate(n.URL+articlePath), chromedp.WaitReady(chromedp.CSS("#commentform")))
			// The reply script titles the moved form in the site's
			// language, and gives the home title back on Cancel.
			title := func() string {
				return eval[string](t, reader, `document.getElementById('reply-title').firstChild.nodeValue.trim()`)
			}
			replyTo, home := "Reply to ", "Leave a Reply"
			if lang := eval[string](t, reader, `document.documentElement.lang`); strings.HasPrefix(lang, "ar") {
				replyTo, home = "الرد على ", "اترك تعليقًا"
			}
			do(t, reader, chromedp.Click(chromedp.CSS(".comment-reply-link")))
			if got := title(); !strings.HasPrefix(got, replyTo) {
				t.Errorf("reply form title = %q, want it to start %q", got, replyTo)
			}
			do(t, reader, chromedp.Click(chromedp.CSS("#cancel-comment-reply-link")))
			if got := title(); got != home {
				t.Errorf("form title after Cancel = %q, want %q", got, home)
			}
		}, []string{"articleText", "commentLabel", "authorLabel"}},
		{"refused", reader, func(t *testing.T) {
			// Without a name or an email the comment is refused, and
			// the page says why above the form, which keeps the text.
			do(t, reader, chromedp.Navigate(n.URL+articlePath), chromedp.WaitReady(chromedp.CSS("#commentform")),
				chromedp.SetValue(chromedp.ID("comment"), "تعليق بلا اسم"),
				chromedp.Click(chromedp.CSS("#commentform #submit")),
				chromedp.WaitVisible(chromedp.ID("error-summary")))
		}, []string{"errorTitle", "commentLabel"}},
		{"editor", staff, func(t *testing.T) {
			do(t, staff, chromedp.Navigate(fmt.Sprintf("%s/admin/posts/%d/edit", n.URL, art.ID)), chromedp.WaitReady(chromedp.ID("title")))
		}, []string{"titleLabel"}},
	}
	for _, lang := range []struct{ tag, dir, start, opposite string }{{"en", "ltr", "left", "right"}, {"ar", "rtl", "right", "left"}} {
		if err := n.DB.SetSetting(ctx, "language", lang.tag); err != nil {
			t.Fatal(err)
		}
		for _, vp := range []struct {
			name          string
			width, height int64
			mobile        bool
		}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
			t.Run(lang.tag+"/"+vp.name, func(t *testing.T) {
				opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
				if vp.mobile {
					opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
				}
				for _, tab := range []context.Context{reader, staff} {
					do(t, tab, chromedp.EmulateViewport(vp.width, vp.height, opts...))
				}
				for _, p := range pages {
					t.Run(p.name, func(t *testing.T) {
						p.open(t)
						saveScreenshot(t, fmt.Sprintf("communique-%s-%s-%s.png", lang.tag, vp.name, p.name), run(t, p.tab, chromedp.FullScreenshot(100)))
						f := eval[mirrorFacts](t, p.tab, js)
						t.Logf("%+v", f)
						if f.Dir != lang.dir {
							t.Errorf("direction %q, want %q", f.Dir, lang.dir)
						}
						for _, probe := range p.probes {
							if got, ok := f.Starts[probe]; !ok {
								t.Errorf("%s: not on the page", probe)
							} else if got != lang.start {
								t.Errorf("%s starts at the %s, want the %s", probe, got, lang.start)
							}
						}
						// Each comment takes its own direction, whatever the page's.
						if p.name == "article" && (f.Starts["arabicComment"] != "right" || f.Starts["englishComment"] != "left") {
							t.Errorf("an Arabic comment starts at the %q, an English one at the %q; want right and left",
								f.Starts["arabicComment"], f.Starts["englishComment"])
						}
						if p.name == "article" && f.ReplyRule != lang.start {
							t.Errorf("the replies' rule is on the %s, want the %s", f.ReplyRule, lang.start)
						}
						if p.name == "editor" && !vp.mobile && f.SideOnRight != (lang.dir == "rtl") {
							t.Errorf("the newsroom's menu on the right = %v in %s", f.SideOnRight, lang.dir)
						}
						if f.ScrollWidth > f.InnerWidth {
							t.Errorf("the page scrolls sideways: %v > %v", f.ScrollWidth, f.InnerWidth)
						}
						checkAxe(t, p.tab, axe)
					})
				}
			})
		}
	}
}
