package admin

import (
	"regexp"
	"strconv"
	"strings"

	"communique/i18n"
)

// The rules store why they held a comment as English text (discussion's
// Reason constants and labels), so rows stored before any translation
// read right too: a fixed reason is found by its English text, and the
// three that carry a figure are read back into it.
var (
	whyLinks   = regexp.MustCompile(`^link limit \((\d+) links\)$`)
	whySpam    = regexp.MustCompile(`^spam score (\d+)%$`)
	whyReports = regexp.MustCompile(`^(\d+) reports?: (.+)$`)
)

// whyHeld returns the "why" template function: a moderation queue's
// label in the newsroom's language.
func whyHeld(l *i18n.Localizer) func(string) string {
	return func(label string) string {
		if m := whyLinks.FindStringSubmatch(label); m != nil {
			n, _ := strconv.Atoi(m[1])
			return l.N("adm_com.why_links", n)
		}
		if m := whySpam.FindStringSubmatch(label); m != nil {
			n, _ := strconv.Atoi(m[1])
			return l.T("adm_com.why_spam", n)
		}
		if m := whyReports.FindStringSubmatch(label); m != nil {
			n, _ := strconv.Atoi(m[1])
			reasons := strings.Split(m[2], ", ")
			for i, r := range reasons {
				reasons[i] = l.Translate(r)
			}
			return l.N("adm_com.why_reports", n, l.List(reasons))
		}
		return l.Translate(label)
	}
}
