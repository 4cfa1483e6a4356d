package i18n_test

import (
	"fmt"
	"testing"

	"communique/i18n"
)

// BenchmarkMessage is one catalogue message with a plural, beside the
// fmt.Sprintf it replaces (the reference of the same run).
func BenchmarkMessage(b *testing.B) {
	fr := i18n.Builtin().For("fr")
	b.Run("Sprintf", func(b *testing.B) {
		for b.Loop() {
			_ = fmt.Sprintf("%d comments on “%s”", 12, "Le pont rouvre")
		}
	})
	b.Run("Catalogue", func(b *testing.B) {
		for b.Loop() {
			_ = fr.N("discussion.count_on", 12, "Le pont rouvre")
		}
	})
	b.Run("Translate", func(b *testing.B) {
		for b.Loop() {
			_ = fr.Translate("Please type your comment.")
		}
	})
}

func BenchmarkMessageKinds(b *testing.B) {
	fr := i18n.Builtin().For("fr")
	b.Run("Plain", func(b *testing.B) {
		for b.Loop() {
			_ = fr.T("form.submit")
		}
	})
	b.Run("Arg", func(b *testing.B) {
		for b.Loop() {
			_ = fr.T("form.reply_to", "Ana")
		}
	})
	b.Run("Plural", func(b *testing.B) {
		for b.Loop() {
			_ = fr.N("article.comments", 12)
		}
	})
}
