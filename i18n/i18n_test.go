package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"communique"
	"communique/i18n"
)

// verbs are the printf verbs of a message, in order.
var verbs = regexp.MustCompile(`%(\[\d+\])?#?[sdvq]`)

// sampleArgs are arguments that fit the default message's verbs.
func sampleArgs(msg string) []any {
	var args []any
	for _, v := range verbs.FindAllString(msg, -1) {
		if strings.HasSuffix(v, "d") {
			args = append(args, 3)
		} else {
			args = append(args, "x")
		}
	}
	return args
}

// exactOnly reports whether a plural message chooses by exact values
// alone, besides "other".
func exactOnly(m i18n.Message) bool {
	for s := range m.Plural {
		if s != "other" && !strings.HasPrefix(s, "=") {
			return false
		}
	}
	return true
}

func defaultText(m i18n.Message) string {
	if m.Plural != nil {
		return m.Plural["other"]
	}
	return m.Text
}

// TestCatalogsComplete: every language has every key of the default
// catalogue and no other, each plural message has every CLDR form its
// language uses (Arabic's six), and every message formats with the
// default's arguments without a printf error.
func TestCatalogsComplete(t *testing.T) {
	c := i18n.Builtin()
	want := []string{"ar", "de", "en", "es", "fr", "pt-BR"}
	for _, l := range want {
		if !slices.Contains(c.Languages(), l) {
			t.Errorf("no %s catalogue; have %v", l, c.Languages())
		}
	}
	base := c.Messages(i18n.Default)
	for _, lang := range c.Languages() {
		t.Run(lang, func(t *testing.T) {
			msgs := c.Messages(lang)
			forms := i18n.PluralForms(lang)
			for key, m := range base {
				got, ok := msgs[key]
				if !ok {
					t.Errorf("%s lacks %q", lang, key)
					continue
				}
				if m.Plural != nil {
					if got.Plural == nil {
						t.Errorf("%s: %q is plural in %s but not here", lang, key, i18n.Default)
						continue
					}
					for _, f := range forms {
						if exactOnly(m) {
							break // chosen by value (date.ordinal), not by CLDR category
						}
						if _, ok := got.Plural[f]; !ok {
							t.Errorf("%s: %q lacks the plural form %q", lang, key, f)
						}
					}
				}
				l := c.For(lang)
				args := sampleArgs(defaultText(m))
				var out string
				if m.Plural != nil {
					for _, n := range []int{0, 1, 2, 3, 11, 100} {
						rest := args
						if len(rest) > 0 {
							rest = rest[1:]
						}
						out = l.T(key, append([]any{n}, rest...)...)
						if strings.Contains(out, "%!") {
							t.Errorf("%s: %q with %d: %s", lang, key, n, out)
						}
					}
				} else if out = l.T(key, args...); strings.Contains(out, "%!") {
					t.Errorf("%s: %q: %s", lang, key, out)
				}
			}
			for key := range msgs {
				if _, ok := base[key]; !ok {
					t.Errorf("%s has %q, which %s lacks", lang, key, i18n.Default)
				}
			}
		})
	}
}

// root is the module's folder.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// sources are the module's Go files (tests aside) and templates.
func sources(t *testing.T) (goFiles, templates map[string]string) {
	t.Helper()
	goFiles, templates = map[string]string{}, map[string]string{}
	dir := root(t)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case strings.HasSuffix(path, "_test.go"):
		case strings.HasSuffix(path, ".go"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			goFiles[rel] = string(b)
		case strings.HasSuffix(path, ".html") && strings.Contains(rel, "templates"+string(filepath.Separator)):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			templates[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return goFiles, templates
}

var (
	templateKey  = regexp.MustCompile(`\{\{-?\s*[^}]*?\b(?:t|tn|th)\s+"([a-z_]+\.[a-z0-9_.]+)"`)
	templateKey2 = regexp.MustCompile(`\((?:t|tn|th)\s+"([a-z_]+\.[a-z0-9_.]+)"`)
	goKey        = regexp.MustCompile(`\.(?:T|N|HTML)\("([a-z_]+\.[a-z0-9_.]+)"`)
	goKeyAny     = regexp.MustCompile(`"((?:mail|form|date|time|list|corrections|comment|edit|report|search|notfound|feed|cli)\.[a-z0-9_.]+)"`)
)

// TestCatalogKeysUsed: every key the code asks for is in the catalogue,
// and every key of the catalogue is asked for by the code (a "msg." key
// by its English text, which the domain writes).
func TestCatalogKeysUsed(t *testing.T) {
	c := i18n.Builtin()
	base := c.Messages(i18n.Default)
	goFiles, templates := sources(t)
	used := map[string]string{} // key → where
	for name, src := range templates {
		for _, re := range []*regexp.Regexp{templateKey, templateKey2} {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				used[m[1]] = name
			}
		}
	}
	var all strings.Builder
	for name, src := range goFiles {
		for _, m := range goKey.FindAllStringSubmatch(src, -1) {
			used[m[1]] = name
		}
		all.WriteString(src)
	}
	code := all.String()
	var tmpl strings.Builder
	for _, src := range templates {
		tmpl.WriteString(src)
	}
	// Keys a template builds from a prefix and a value (a status).
	for _, p := range []string{"adm.status.", "adm.cstatus.", "adm.role.", "adm.note.", "adm.mstatus.", "adm.standing.", "adm.block."} {
		if strings.Contains(tmpl.String(), `"`+p+`"`) {
			for key := range base {
				if strings.HasPrefix(key, p) {
					used[key] = "a template"
				}
			}
		}
	}
	for key, where := range used {
		if _, ok := base[key]; !ok && !strings.HasSuffix(key, ".") && where != "" {
			t.Errorf("%s asks for %q, which the catalogue lacks", where, key)
		}
	}
	// Keys built from a prefix and a number.
	dynamic := []string{"date.month.", "date.month_short.", "date.weekday.", "date.weekday_short.", "cli.about."}
	// A key held in a table (decisionWords) is used where it is written.
	for _, src := range goFiles {
		for _, m := range goKeyAny.FindAllStringSubmatch(src, -1) {
			if _, ok := used[m[1]]; !ok {
				used[m[1]] = ""
			}
		}
	}
	for key, m := range base {
		if _, ok := used[key]; ok {
			continue
		}
		if slices.ContainsFunc(dynamic, func(p string) bool { return strings.HasPrefix(key, p) && strings.Contains(code, `"`+p+`"`) }) {
			continue
		}
		if strings.HasPrefix(key, "msg.") && strings.Contains(code, strconv.Quote(m.Text)[1:len(strconv.Quote(m.Text))-1]) {
			continue
		}
		t.Errorf("the catalogue has %q, which no code uses", key)
	}
}

// TestTemplatesHaveNoLooseText: the templates' text, and the attributes
// a person reads or hears, hold no words of their own: each comes from
// the catalogue. Actions are replaced by a mark that is no letter, then
// the HTML is parsed as a browser would.
func TestTemplatesHaveNoLooseText(t *testing.T) {
	_, templates := sources(t)
	actions := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	read := map[string]bool{"alt": true, "title": true, "placeholder": true, "aria-label": true, "label": true}
	checked := 0
	for name, src := range templates {
		if !strings.HasPrefix(name, "web"+string(filepath.Separator)) && !strings.HasPrefix(name, filepath.Join("admin", "templates")+string(filepath.Separator)) {
			continue // the public theme, the newsroom's frame and editor; the newsroom's other pages are not yet translated
		}
		checked++
		z := html.NewTokenizer(strings.NewReader(actions.ReplaceAllString(src, "\uE000")))
		inScript := false
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			switch tt {
			case html.StartTagToken, html.SelfClosingTagToken:
				inScript = tok.Data == "script" || tok.Data == "style"
				for _, a := range tok.Attr {
					if read[a.Key] && hasWord(a.Val) {
						t.Errorf("%s: <%s %s=%q> is not from the catalogue", name, tok.Data, a.Key, a.Val)
					}
				}
			case html.EndTagToken:
				inScript = false
			case html.TextToken:
				if !inScript && hasWord(tok.Data) {
					t.Errorf("%s: text %q is not from the catalogue", name, strings.TrimSpace(tok.Data))
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d templates: the walk missed web/templates", checked)
	}
}

func hasWord(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// TestFrenchDates: WordPress's format letters write French names.
func TestFrenchDates(t *testing.T) {
	fr := i18n.Builtin().For("fr-FR")
	d := time.Date(2026, time.February, 1, 15, 4, 0, 0, time.UTC)
	for _, tc := range []struct{ format, want string }{
		{"j F Y", "1 février 2026"},
		{"l j M Y", "dimanche 1 févr. 2026"},
		{"D jS", "dim. 1er"},
		{"g:i a", "3:04 pm"},
	} {
		if got := communique.FormatDateIn(d, tc.format, fr); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.format, got, tc.want)
		}
	}
	if got := communique.FormatDateIn(d, "F jS", i18n.Builtin().For("en")); got != "February 1st" {
		t.Errorf("English: %q", got)
	}
}

// TestPlurals: CLDR's rules pick the form, Arabic's six included.
func TestPlurals(t *testing.T) {
	c := i18n.Builtin()
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 comment"}, {"en", 2, "2 comments"}, {"en", 0, "0 comments"}, {"en", 3000, "3000 comments"},
		{"fr", 0, "0 commentaire"}, {"fr", 1, "1 commentaire"}, {"fr", 2, "2 commentaires"}, {"fr", 3000, "3\u00a0000 commentaires"},
		{"de", 1, "1 Kommentar"}, {"de", 5, "5 Kommentare"},
		{"pt-BR", 0, "0 comentário"}, {"pt-BR", 2, "2 comentários"},
		{"ar", 0, "لا تعليقات"}, {"ar", 1, "تعليق واحد"}, {"ar", 2, "تعليقان"},
		{"ar", 3, "٣ تعليقات"}, {"ar", 11, "١١ تعليقًا"}, {"ar", 100, "١٠٠ تعليق"},
	} {
		if got := c.For(tc.lang).N("article.comments", tc.n); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

// TestThemeOverride: a theme's locales/ adds a language and overrides
// a message; a broken file fails the load.
func TestThemeOverride(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "locales"), 0o755)
	os.WriteFile(filepath.Join(dir, "locales", "fr.json"), []byte(`{"form.leave_reply": "Réagir"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "locales", "nl.json"), []byte(`{"form.leave_reply": "Reageer"}`), 0o644)
	c, err := i18n.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.For("fr").T("form.leave_reply"); got != "Réagir" {
		t.Errorf("fr override: %q", got)
	}
	if got := c.For("fr").T("form.submit"); got != "Publier le commentaire" {
		t.Errorf("fr keeps the rest: %q", got)
	}
	if got := c.For("nl-BE").T("form.leave_reply"); got != "Reageer" {
		t.Errorf("nl added: %q", got)
	}
	if got := c.For("nl").T("form.submit"); got != "Post Comment" {
		t.Errorf("nl falls back to English: %q", got)
	}
	os.WriteFile(filepath.Join(dir, "locales", "it.json"), []byte(`{"a": {"one": "x"}}`), 0o644)
	if _, err := i18n.Load(dir); err == nil || !strings.Contains(err.Error(), "other") {
		t.Errorf("a plural without other: %v", err)
	}
}
