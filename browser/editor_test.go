package browser_test

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	"communique/storetest"
)

// answerPrompts makes window.prompt answer from window.promptAnswers, in
// order, as a reporter typing into the editor's questions would.
const answerPrompts = `window.promptAnswers = []; window.prompt = () => window.promptAnswers.length ? window.promptAnswers.shift() : null;`

// pasteWordTable pastes a table as Word puts it on the clipboard: styles,
// classes, Office tags and a script the editor's schema must drop.
const pasteWordTable = `(() => {
  const html = '<table class="MsoTableGrid" style="mso-yfti-tbllook:1184"><tr><td style="mso-border-alt:solid"><p class="MsoNormal">Month<o:p></o:p></p></td><td><p class="MsoNormal">Crossings</p></td></tr>' +
    '<tr><td><p class="MsoNormal"><span style="font-family:Calibri">January</span></p></td><td><p class="MsoNormal">312,400</p></td></tr></table><script>window.pwned = 1</script>';
  const dt = new DataTransfer();
  dt.setData('text/html', html);
  dt.setData('text/plain', 'Month Crossings January 312,400');
  document.getElementById('rich-body').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
})()`

// dropImage drops PNGs drawn on a canvas onto the editor as files from
// the desktop arrive: a real drop event whose DataTransfer holds a File
// for each of window.dropFiles ([name, colour]; one by default), at a
// point inside the editor.
const dropImage = `(async () => {
  const dt = new DataTransfer();
  for (const [name, colour] of window.dropFiles || [['harbour-dusk.png', '#2a6']]) {
    const c = document.createElement('canvas'); c.width = 64; c.height = 48;
    const g = c.getContext('2d'); g.fillStyle = colour; g.fillRect(0, 0, 64, 48); g.fillStyle = '#fff'; g.fillRect(8, 8, 20, 20);
    const blob = await new Promise((done) => c.toBlob(done, 'image/png'));
    dt.items.add(new File([blob], name, { type: 'image/png' }));
  }
  const body = document.getElementById('rich-body'), r = body.getBoundingClientRect();
  body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, clientX: r.left + 20, clientY: r.bottom - 8, bubbles: true, cancelable: true }));
  return true;
})()`

// pasteImage pastes a PNG as a screenshot arrives on the clipboard: a
// real paste event whose DataTransfer holds a File and no HTML.
const pasteImage = `(async () => {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d'); g.fillStyle = '#62a'; g.fillRect(0, 0, 48, 48);
  const blob = await new Promise((done) => c.toBlob(done, 'image/png'));
  const dt = new DataTransfer();
  dt.items.add(new File([blob], 'chart.png', { type: 'image/png' }));
  document.getElementById('rich-body').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  return true;
})()`

// TestRichEditor is the reporter in Chromium, on both stores:
// write with the visual editor (a heading, a link, a pasted Word table, a
// library image with alt, caption and credit, an embed), publish; the
// stored body is clean HTML, the public page shows it all and asks
// nothing of another site; axe finds no serious problem in the editor.
func TestRichEditor(t *testing.T) {
	axe := axeScript(t)
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		browser := newBrowser(t)
		n := startNewsroom(t, place)
		ctx := context.Background()
		pic := &communique.Media{Key: "0123456789abcdef0123456789abcdef.png", Filename: "ferry.png", MimeType: "image/png", Width: 640, Height: 480,
			Size: 1000, AltText: "The night ferry at the quay", UploaderID: n.Users[communique.RoleEditor].ID}
		if err := n.DB.CreateMedia(ctx, pic); err != nil {
			t.Fatal(err)
		}
		tab := newTab(t, browser)
		if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: answerPrompts}); err != nil {
			t.Fatal(err)
		}
		signIn(t, tab, n.URL, "marta", "/admin/posts/new", chromedp.CSS("#rich-body"))
		if eval[bool](t, tab, `!document.getElementById('body').hidden`) || eval[string](t, tab, `document.getElementById('format').value`) != "html" {
			t.Fatal("the visual editor did not replace the textarea")
		}
		checkAxe(t, tab, axe)

		tool := func(name string) chromedp.Action[chromedp.Void] {
			return chromedp.Click(chromedp.CSS(`.rich-toolbar button[data-command="` + name + `"]`))
		}
		answers := func(a ...string) chromedp.Action[chromedp.Void] {
			js := `window.promptAnswers = ` + jsonList(a)
			return chromedp.Evaluate[chromedp.Void](js)
		}
		do(t, tab,
			chromedp.SendKeys(chromedp.ID("title"), "Ferry timetable for the winter"),
			chromedp.Click(chromedp.ID("rich-body")),
			tool("Heading"), chromedp.SendKeys(chromedp.ID("rich-body"), "What changes\r"),
			chromedp.SendKeys(chromedp.ID("rich-body"), "Read the report"),
			chromedp.Evaluate[chromedp.Void](`(() => { const e = window.communiqueEditor; const end = e.state.selection.from; e.commands.setTextSelection({ from: end - 10, to: end }); })()`),
			answers("https://example.org/report"), tool("Link"),
			chromedp.Evaluate[chromedp.Void](`window.communiqueEditor.commands.focus('end')`),
			chromedp.Evaluate[chromedp.Void](pasteWordTable),
			chromedp.Evaluate[chromedp.Void](`window.communiqueEditor.commands.focus('end')`),
			answers(pic.URL(), "The night ferry at the quay", "The ferry leaves at dusk.", "Photo: Marta"), tool("Image"),
		)
		// A dropped image with no alt text is refused before any upload;
		// with it, it lands in the library and the article.
		library := func() int {
			_, total, err := n.DB.FindMedia(ctx, communique.MediaFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return total
		}
		before := library()
		do(t, tab, answers(""))
		if !run(t, tab, chromedp.Evaluate[bool](dropImage, chromedp.EvalAwaitPromise)) {
			t.Fatal("the drop did not run")
		}
		waitFor(t, "the refusal for missing alt text", 5*time.Second, func() bool {
			return strings.Contains(eval[string](t, tab, `document.getElementById('rich-status').textContent`), "needs alt text")
		})
		if got := library(); got != before {
			t.Fatalf("an image without alt text was uploaded: %d images, want %d", got, before)
		}
		do(t, tab, answers("Fishing boats at dusk", "Back in the harbour by six.", "Photo: Lena"))
		run(t, tab, chromedp.Evaluate[bool](dropImage, chromedp.EvalAwaitPromise))
		waitFor(t, "the dropped image's upload", 10*time.Second, func() bool {
			return strings.Contains(eval[string](t, tab, `document.getElementById('rich-status').textContent`), "added to the media library")
		})
		list, total, err := n.DB.FindMedia(ctx, communique.MediaFilter{Limit: 1})
		if err != nil || total != before+1 || list[0].AltText != "Fishing boats at dusk" || list[0].Filename != "harbour-dusk.png" {
			t.Fatalf("library after the drop: %d images (want %d), newest %+v, %v", total, before+1, list, err)
		}
		dropped := list[0]
		// Two images dropped together: a gallery.
		do(t, tab, chromedp.Evaluate[chromedp.Void](`window.dropFiles = [['nets-1.png', '#a62'], ['nets-2.png', '#26a']]`),
			answers("Nets drying on the quay", "", "", "Nets mended at the harbour wall", "", "Photo: Lena"))
		run(t, tab, chromedp.Evaluate[bool](dropImage, chromedp.EvalAwaitPromise))
		waitFor(t, "the gallery's uploads", 10*time.Second, func() bool {
			return strings.Contains(eval[string](t, tab, `document.getElementById('rich-status').textContent`), "as a gallery")
		})
		pair, total, err := n.DB.FindMedia(ctx, communique.MediaFilter{Limit: 2})
		if err != nil || total != before+3 {
			t.Fatalf("library after the gallery: %d images (want %d), %v", total, before+3, err)
		}
		// A pasted image (a screenshot) goes the same way.
		do(t, tab, chromedp.Evaluate[chromedp.Void](`window.communiqueEditor.commands.focus('end')`),
			answers("Crossings by month, January to March", "", ""))
		run(t, tab, chromedp.Evaluate[bool](pasteImage, chromedp.EvalAwaitPromise))
		waitFor(t, "the pasted image's upload", 10*time.Second, func() bool {
			return strings.Contains(eval[string](t, tab, `document.getElementById('rich-status').textContent`), "chart.png added")
		})
		pasted, total, err := n.DB.FindMedia(ctx, communique.MediaFilter{Limit: 1})
		if err != nil || total != before+4 || pasted[0].Filename != "chart.png" {
			t.Fatalf("library after the paste: %d images (want %d), %v", total, before+4, err)
		}
		do(t, tab,
			chromedp.Evaluate[chromedp.Void](`window.communiqueEditor.commands.focus('end')`),
			answers("https://www.youtube.com/watch?v=abc123"), tool("Embed"),
		)
		if got := eval[string](t, tab, `document.getElementById('rich-count').textContent`); !strings.Contains(got, "words,") {
			t.Errorf("word count = %q", got)
		}
		if eval[bool](t, tab, `window.pwned === 1`) {
			t.Fatal("the pasted script ran")
		}
		do(t, tab, chromedp.SetValue(chromedp.ID("status"), "published"), chromedp.Click(chromedp.CSS(updateButton)))
		saved(t, tab, "done=published")
		path := eval[string](t, tab, `location.pathname`)
		var id int64
		for _, f := range strings.Split(path, "/") {
			if v, err := parseID(f); err == nil {
				id = v
			}
		}
		art, err := n.DB.FindArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<h2>What changes</h2>", `<a href="https://example.org/report">the report</a>`, "<table", "<td", "January", "312,400",
			`<figure><img src="` + pic.URL() + `" alt="The night ferry at the quay"><figcaption>The ferry leaves at dusk. <small>Photo: Marta</small></figcaption></figure>`,
			`<figure><img src="` + dropped.URL() + `" alt="Fishing boats at dusk"><figcaption>Back in the harbour by six. <small>Photo: Lena</small></figcaption></figure>`,
			`<figure class="wp-block-gallery has-nested-images columns-2"><figure class="wp-block-image"><img src="` + pair[1].URL() + `" alt="Nets drying on the quay"></figure>` +
				`<figure class="wp-block-image"><img src="` + pair[0].URL() + `" alt="Nets mended at the harbour wall"><figcaption><small>Photo: Lena</small></figcaption></figure></figure>`,
			`<figure><img src="` + pasted[0].URL() + `" alt="Crossings by month, January to March"></figure>`,
			`<figure class="wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__wrapper">https://www.youtube.com/watch?v=abc123</div></figure>`} {
			if !strings.Contains(art.Source, want) {
				t.Errorf("the stored body lacks %q:\n%s", want, art.Source)
			}
		}
		for _, unwanted := range []string{"Mso", "mso-", "<o:p", "<script", "style="} {
			if strings.Contains(art.Source, unwanted) {
				t.Errorf("the stored body keeps %q from the paste:\n%s", unwanted, art.Source)
			}
		}
		if art.Format != communique.FormatHTML || art.Status != communique.StatusPublished {
			t.Fatalf("stored as %s, %s", art.Format, art.Status)
		}

		// The public page shows it all and asks nothing of another site.
		reader := newTab(t, browser)
		var mu sync.Mutex
		var requests []string
		if err := chromedp.Listen(reader, func(ev any) {
			if e, ok := ev.(*network.EventRequestWillBeSent); ok {
				mu.Lock()
				requests = append(requests, e.Request.URL)
				mu.Unlock()
			}
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(reader, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		settings := settings(t, n.DB)
		do(t, reader, chromedp.Navigate(n.URL+communique.ArticlePath(art, settings, nil)))
		html := eval[string](t, reader, `document.querySelector('.prose').innerHTML`)
		for _, want := range []string{"<h2>What changes</h2>", "<table", "<figcaption>", "wp-block-embed", dropped.Key, "Photo: Lena", "wp-block-gallery", pair[0].Key, pair[1].Key} {
			if !strings.Contains(html, want) {
				t.Errorf("the public article lacks %q:\n%s", want, html)
			}
		}
		time.Sleep(300 * time.Millisecond)
		host := strings.TrimPrefix(n.URL, "http://")
		mu.Lock()
		got := slices.Clone(requests)
		mu.Unlock()
		if len(got) == 0 {
			t.Fatal("no request seen: the listener misses them")
		}
		for _, raw := range got {
			if u, err := url.Parse(raw); err != nil || u.Scheme != "data" && u.Host != host {
				t.Errorf("the public page asked another site: %s", raw)
			}
		}
	})
}

func jsonList(items []string) string {
	b, _ := json.Marshal(items)
	return string(b)
}

func parseID(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }
