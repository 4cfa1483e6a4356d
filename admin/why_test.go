package admin

import (
	"testing"

	"communique/discussion"
	"communique/i18n"
)

// TestWhyHeldInEveryLanguage reads back every label the rules and the
// reports store, in English, into each shipped language: none may stay
// English, and a figure stays beside its words.
func TestWhyHeldInEveryLanguage(t *testing.T) {
	labels := []string{
		discussion.ReasonFirstComment, discussion.ReasonModerateAll, discussion.ReasonWordList,
		discussion.ReasonDisallowed, discussion.ReasonCommenterHeld, discussion.ReasonArticleHeld,
		discussion.ReasonQuestion, discussion.ReasonEdited, discussion.ReasonRemote,
		discussion.ReasonLinks(3), discussion.ReasonSpamScore(0.87),
		// discussion's reportLabel, for one report and for several.
		"1 report: Spam", "3 reports: Spam, Off topic",
	}
	for _, lang := range []string{"fr", "de", "es", "pt-BR", "ar"} {
		why := whyHeld(i18n.Builtin().For(lang))
		for _, label := range labels {
			if got := why(label); got == label || got == "" {
				t.Errorf("%s: %q stays %q", lang, label, got)
			}
		}
	}
	fr := whyHeld(i18n.Builtin().For("fr"))
	for label, want := range map[string]string{
		discussion.ReasonFirstComment:  "premier commentaire",
		discussion.ReasonLinks(3):      "limite de liens (3 liens)",
		discussion.ReasonSpamScore(.5): "score de spam 50 %",
		"3 reports: Spam, Off topic":   "3 signalements : Spam et Hors sujet",
	} {
		if got := fr(label); got != want {
			t.Errorf("fr: %q = %q, want %q", label, got, want)
		}
	}
	if got := whyHeld(i18n.Builtin().For("en"))(discussion.ReasonLinks(1)); got != "link limit (1 link)" {
		t.Errorf("en: one link = %q", got)
	}
}
