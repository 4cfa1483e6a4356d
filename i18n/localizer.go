package i18n

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Localizer speaks one language of a catalogue. It is safe for
// concurrent use.
type Localizer struct {
	c    *Catalog
	tag  language.Tag
	lang string
	// printers are reused: making one matches languages and costs about
	// a hundred times the formatting, and one is not safe for
	// concurrent use.
	printers sync.Pool
}

func newLocalizer(c *Catalog, tag language.Tag, lang string) *Localizer {
	l := &Localizer{c: c, tag: tag, lang: lang}
	l.printers.New = func() any { return message.NewPrinter(tag, message.Catalog(c.builder)) }
	return l
}

// Lang is the localizer's language, a BCP 47 tag of the catalogue.
func (l *Localizer) Lang() string { return l.lang }

// T is the message key, formatted with args.
func (l *Localizer) T(key string, args ...any) string {
	p := l.printers.Get().(*message.Printer)
	defer l.printers.Put(p)
	return p.Sprintf(key, args...)
}

// N is the plural message key for the count n: n is its first argument
// (%d in the message), args follow.
func (l *Localizer) N(key string, n int, args ...any) string {
	return l.T(key, append([]any{n}, args...)...)
}

// HTML is the message key as HTML: the message's own text is escaped,
// and so is each argument unless it is already template.HTML (a link
// made by the template), so a sentence can hold a link without being
// cut in pieces.
func (l *Localizer) HTML(key string, args ...any) template.HTML {
	marks := make([]string, 0, len(args))
	subst := make([]any, len(args))
	for i, a := range args {
		var frag string
		switch v := a.(type) {
		case template.HTML:
			frag = string(v)
		case string:
			frag = html.EscapeString(v)
		default:
			subst[i] = a
			continue
		}
		mark := "\x00" + strconv.Itoa(i) + "\x00"
		subst[i] = mark
		marks = append(marks, mark, frag)
	}
	out := html.EscapeString(l.T(key, subst...))
	return template.HTML(strings.NewReplacer(marks...).Replace(out))
}

// Translate is a message made in the default language by code that
// knows no language (the domain's validation, which the REST API sends
// as WordPress does, in English), in l's language: the catalogue's
// "msg." keys hold those texts. A text the catalogue lacks stays as it
// is.
func (l *Localizer) Translate(text string) string {
	if key, ok := l.c.english[text]; ok {
		return l.T(key)
	}
	return text
}

// Number is n written the language's way.
func (l *Localizer) Number(n int) string {
	return message.NewPrinter(l.tag).Sprint(n)
}

// Month is the month's name, as "F" writes it.
func (l *Localizer) Month(m time.Month) string {
	return l.T("date.month." + strconv.Itoa(int(m)))
}

// MonthShort is the month's short name, as "M" writes it.
func (l *Localizer) MonthShort(m time.Month) string {
	return l.T("date.month_short." + strconv.Itoa(int(m)))
}

// Weekday is the day's name, as "l" writes it.
func (l *Localizer) Weekday(d time.Weekday) string {
	return l.T("date.weekday." + strconv.Itoa(int(d)))
}

// WeekdayShort is the day's short name, as "D" writes it.
func (l *Localizer) WeekdayShort(d time.Weekday) string {
	return l.T("date.weekday_short." + strconv.Itoa(int(d)))
}

// Ordinal is the suffix "S" writes after a day of the month ("st" of
// 1st in English, "er" of 1er in French, nothing in German).
func (l *Localizer) Ordinal(day int) string {
	return l.T("date.ordinal", day)
}

// Meridiem is "am" or "pm" in the language, in capitals for "A".
func (l *Localizer) Meridiem(pm, upper bool) string {
	switch {
	case pm && upper:
		return l.T("date.pm_upper")
	case pm:
		return l.T("date.pm")
	case upper:
		return l.T("date.am_upper")
	}
	return l.T("date.am")
}

// Funcs are the template functions of the language:
//
//	{{t "comment.leave_reply"}}          a message
//	{{t "comment.reply_to" .Name}}       with arguments
//	{{tn "comments.count" .N .Title}}    a plural chosen by .N
//	{{th "article.more_from" (link ..)}} HTML: a sentence holding a link
//	{{tr .Message}}                      a message the domain made in English
//	{{num .N}}                           a number written the language's way
//	{{lang}}                             the language's BCP 47 tag
func (l *Localizer) Funcs() template.FuncMap {
	return template.FuncMap{
		"t":    l.T,
		"tr":   l.Translate,
		"tn":   l.N,
		"th":   l.HTML,
		"num":  l.Number,
		"lang": l.Lang,
	}
}

// List joins items as a sentence does: "A", "A and B", "A, B and C".
func (l *Localizer) List(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	head := strings.Join(items[:len(items)-1], l.T("list.comma"))
	return l.T("list.and", head, items[len(items)-1])
}

// ListHTML is List of HTML fragments (links): the words between them
// are escaped, the fragments kept.
func (l *Localizer) ListHTML(items []template.HTML) template.HTML {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	comma := template.HTML(html.EscapeString(l.T("list.comma")))
	var head strings.Builder
	for i, it := range items[:len(items)-1] {
		if i > 0 {
			head.WriteString(string(comma))
		}
		head.WriteString(string(it))
	}
	return l.HTML("list.and", template.HTML(head.String()), items[len(items)-1])
}

// CommaHTML joins HTML fragments with the language's comma only, as a
// list of choices is written.
func (l *Localizer) CommaHTML(items []template.HTML) template.HTML {
	comma := html.EscapeString(l.T("list.comma"))
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString(comma)
		}
		b.WriteString(string(it))
	}
	return template.HTML(b.String())
}
