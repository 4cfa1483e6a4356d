// Package i18n is the message catalogue: every word a person reads, in
// every language the site speaks, with CLDR plural rules, and the names
// dates are written with. The catalogues are JSON files embedded in the
// binary (locales/*.json); a theme folder's locales/*.json adds a
// language or overrides some of its messages.
//
// Messages are printf formats of golang.org/x/text/message, which also
// writes numbers the language's way (1,234 in English, 1 234 in French).
// A plural message is an object whose keys are CLDR plural categories
// ("zero", "one", "two", "few", "many", "other") or exact values ("=0").
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"
)

//go:embed locales/*.json
var embedded embed.FS

// Default is the language every catalogue falls back to, and whose
// messages are the reference: every other language has the same keys.
const Default = "en"

// Message is one entry of a catalogue file: a string, or plural forms.
type Message struct {
	Text   string
	Plural map[string]string // category or "=N" → text
}

// UnmarshalJSON reads a string or an object of plural forms.
func (m *Message) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &m.Text)
	}
	return json.Unmarshal(b, &m.Plural)
}

// Catalog holds the messages of every language, built once at start.
type Catalog struct {
	langs    []language.Tag
	names    []string // BCP 47 of langs, same order
	matcher  language.Matcher
	builder  *catalog.Builder
	messages map[string]map[string]Message // language → key → message
	locs     map[string]*Localizer
	english  map[string]string // default text → key, for Translate
}

var builtin = func() *Catalog {
	c, err := Load("")
	if err != nil {
		panic(err) // the embedded files are checked by the package's tests
	}
	return c
}()

// Builtin is the catalogue of the embedded languages, for components
// built without one (tests, tools).
func Builtin() *Catalog { return builtin }

// Load reads the embedded catalogues, then the theme folder's
// locales/*.json, whose messages replace or add to them. A file that
// does not parse, or a plural message without "other", fails the boot.
func Load(themeDir string) (*Catalog, error) {
	all := map[string]map[string]Message{}
	if err := readDir(embedded, all); err != nil {
		return nil, err
	}
	if themeDir != "" {
		if err := readDir(os.DirFS(themeDir), all); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("theme: %w", err)
		}
	}
	return build(all)
}

func readDir(fsys fs.FS, all map[string]map[string]Message) error {
	files, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".json")
		tag, err := language.Parse(name)
		if err != nil {
			return fmt.Errorf("%s: not a BCP 47 language tag", f)
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return err
		}
		var msgs map[string]Message
		if err := json.Unmarshal(b, &msgs); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		lang := tag.String()
		if all[lang] == nil {
			all[lang] = map[string]Message{}
		}
		for k, m := range msgs {
			if _, ok := m.Plural["other"]; m.Plural != nil && !ok {
				return fmt.Errorf("%s: %s: a plural message needs an \"other\" form", f, k)
			}
			all[lang][k] = m
		}
	}
	return nil
}

func build(all map[string]map[string]Message) (*Catalog, error) {
	if all[Default] == nil {
		return nil, fmt.Errorf("i18n: no %s catalogue", Default)
	}
	c := &Catalog{
		builder:  catalog.NewBuilder(),
		messages: all,
		locs:     map[string]*Localizer{},
	}
	c.names = make([]string, 0, len(all))
	for lang := range all {
		c.names = append(c.names, lang)
	}
	// The default first: the matcher answers it when nothing fits.
	sort.Slice(c.names, func(i, j int) bool {
		if (c.names[i] == Default) != (c.names[j] == Default) {
			return c.names[i] == Default
		}
		return c.names[i] < c.names[j]
	})
	// A language a theme adds may have some messages only: the default's
	// fill the rest.
	// (c.messages keeps each language's own, for the checks.)
	for _, lang := range c.names {
		tag := language.MustParse(lang)
		c.langs = append(c.langs, tag)
		msgs := maps.Clone(all[Default])
		maps.Copy(msgs, all[lang])
		for key, m := range msgs {
			if err := c.set(tag, key, m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %s: %w", lang, key, err)
			}
		}
	}
	c.english = map[string]string{}
	for key, m := range all[Default] {
		if m.Plural == nil && strings.HasPrefix(key, "msg.") {
			c.english[m.Text] = key
		}
	}
	c.matcher = language.NewMatcher(c.langs)
	for i, lang := range c.names {
		c.locs[lang] = newLocalizer(c, c.langs[i], lang)
	}
	return c, nil
}

// set adds one message; a plural's first argument chooses its form.
func (c *Catalog) set(tag language.Tag, key string, m Message) error {
	if m.Plural == nil {
		return c.builder.SetString(tag, key, m.Text)
	}
	var cases []any
	// Exact values first, then the categories, "other" last.
	sel := make([]string, 0, len(m.Plural))
	for s := range m.Plural {
		sel = append(sel, s)
	}
	order := map[string]int{"zero": 1, "one": 2, "two": 3, "few": 4, "many": 5, "other": 6}
	sort.Slice(sel, func(i, j int) bool { return order[sel[i]] < order[sel[j]] })
	for _, s := range sel {
		if !strings.HasPrefix(s, "=") && order[s] == 0 {
			return fmt.Errorf("%q is not a CLDR plural category", s)
		}
		cases = append(cases, s, m.Plural[s])
	}
	return c.builder.Set(tag, key, plural.Selectf(1, "%d", cases...))
}

// Languages are the catalogue's languages as BCP 47 tags, the default
// first.
func (c *Catalog) Languages() []string { return slices.Clone(c.names) }

// Match is the catalogue language that serves tag (a BCP 47 tag such as
// "fr-CA"); the default when none is close.
func (c *Catalog) Match(tag string) string {
	t, err := language.Parse(strings.TrimSpace(tag))
	if err != nil {
		return Default
	}
	_, i, conf := c.matcher.Match(t)
	if conf == language.No {
		return Default
	}
	return c.names[i]
}

// For is the localizer of the language closest to tag.
func (c *Catalog) For(tag string) *Localizer { return c.locs[c.Match(tag)] }

// Messages are lang's own messages (no fallback), for the checks.
func (c *Catalog) Messages(lang string) map[string]Message { return c.messages[lang] }

// PluralForms are the CLDR plural categories lang's integers take, so a
// check can require each of them of every plural message.
func PluralForms(lang string) []string {
	tag := language.MustParse(lang)
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
		plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	seen := map[string]bool{}
	for n := 0; n < 1000; n++ {
		seen[names[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = true
	}
	var forms []string
	for _, f := range []string{"zero", "one", "two", "few", "many", "other"} {
		if seen[f] {
			forms = append(forms, f)
		}
	}
	return forms
}
