package main

import (
	"context"
	"strings"

	"communique"
	"communique/i18n"
	"communique/sqlstore"
)

// words are the command line's messages in the language of the person
// at the terminal: LC_ALL, LC_MESSAGES or LANG (POSIX's order) when one
// names a language, else the site's language once a command has opened
// the store, else English.
func (p *Program) words() *i18n.Localizer {
	if lang := p.localeLanguage(); lang != "" {
		return i18n.Builtin().For(lang)
	}
	return i18n.Builtin().For(p.siteLanguage)
}

// localeLanguage is the BCP 47 tag of the environment's locale ("fr_FR.UTF-8"
// is "fr-FR"), or "" when it names none (unset, C, POSIX).
func (p *Program) localeLanguage() string {
	if p.Getenv == nil {
		return ""
	}
	for _, key := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := p.Getenv(key)
		if v == "" {
			continue
		}
		v, _, _ = strings.Cut(v, ".") // the encoding
		v, _, _ = strings.Cut(v, "@") // the modifier
		if v == "C" || v == "POSIX" || v == "" {
			return ""
		}
		return strings.ReplaceAll(v, "_", "-")
	}
	return ""
}

// openStore opens the store the flags name and learns the site's
// language for the messages that follow.
func (p *Program) openStore(ctx context.Context, sf *storeFlags) (*sqlstore.DB, error) {
	db, err := openStore(ctx, sf)
	if err != nil {
		return nil, err
	}
	if values, err := db.Settings(ctx); err == nil {
		p.siteLanguage = communique.ParseSettings(values).Language
	}
	return db, nil
}

// about is what the command does, in the person's language.
func (p *Program) about(c command) string {
	return p.words().T("cli.about." + strings.ReplaceAll(strings.ReplaceAll(c.name, " ", "_"), "-", "_"))
}
