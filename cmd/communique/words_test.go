package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"communique/i18n"
)

// TestCommandLineInFrench: help and mistakes on the command line speak
// the terminal's language (LC_ALL, LC_MESSAGES, LANG), English under C.
func TestCommandLineInFrench(t *testing.T) {
	fr := map[string]string{"LANG": "fr_FR.UTF-8"}
	help := run(t, fr, "", "help")
	for _, want := range []string{"utilisation :", "Faire tourner le site", "Supprimer définitivement des commentaires.", "options de serve", "Chaque commande accepte --data DIR"} {
		if !strings.Contains(help.stdout, want) {
			t.Errorf("French help lacks %q:\n%s", want, help.stdout)
		}
	}
	if strings.Contains(help.stdout, "Run the site") {
		t.Error("French help still says Run the site")
	}
	one := run(t, fr, "", "comment", "approve", "--help")
	if !strings.HasPrefix(one.stdout, "utilisation : communique comment approve") || !strings.Contains(one.stdout, "Approuver des commentaires") {
		t.Errorf("French command help:\n%s", one.stdout)
	}
	group := run(t, map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}, "", "user")
	if !strings.HasPrefix(group.stdout, "communique user: Die Befehle sind") {
		t.Errorf("LC_ALL comes before LANG:\n%s", group.stdout)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{fr, []string{"bogus"}, `commande inconnue "bogus" : les commandes sont serve, user`},
		{fr, []string{"version", "extra"}, `version : argument inattendu "extra"`},
		{map[string]string{"LANG": "ar_EG.UTF-8"}, []string{"user", "bogus"}, `أمر غير معروف "user bogus"`},
		{map[string]string{"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, []string{"bogus"}, `unknown command "bogus"`},
		{nil, []string{"bogus"}, `unknown command "bogus"`},
	} {
		p := &Program{Getenv: func(k string) string { return tc.env[k] }}
		err := run(t, tc.env, "", tc.args...).err
		if exitCode(err) != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, exitCode(err))
		}
		if got := p.errorFor(err); !strings.Contains(got, tc.want) {
			t.Errorf("%v with %v: %q, want %q", tc.args, tc.env, got, tc.want)
		}
		if !strings.HasPrefix(err.Error(), "unknown command") && !strings.Contains(err.Error(), "unexpected argument") {
			t.Errorf("the error's own text stays English, for logs: %q", err.Error())
		}
	}
	for _, tc := range []struct {
		args            []string
		french, english string
	}{
		{[]string{"post", "create", "--author", "x"}, "post create : --title est obligatoire", "post create: --title is required"},
		{[]string{"comment", "approve", "seven"}, `comment approve : "seven" n’est pas un identifiant de commentaire`, `comment approve: "seven" is not a comment ID`},
		{[]string{"backup"}, "backup : indiquez le fichier à écrire", "backup: give the file to write"},
	} {
		err := run(t, fr, "", tc.args...).err
		p := &Program{Getenv: func(k string) string { return fr[k] }}
		if got := p.errorFor(err); !strings.HasPrefix(got, tc.french) || !strings.HasPrefix(err.Error(), tc.english) || exitCode(err) != 2 {
			t.Errorf("%v: %q (%q, exit %d), want %q", tc.args, got, err, exitCode(err), tc.french)
		}
	}
	if err := errors.New("plain"); (&Program{Getenv: func(string) string { return "fr_FR" }}).errorFor(err) != "plain" {
		t.Error("an error outside the catalogue is kept as it is")
	}
}

// TestCommandLineSiteLanguage: without a language in the environment,
// a command that opened the store speaks the site's language.
func TestCommandLineSiteLanguage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustRun(t, nil, "", "settings", "set", "language", "es", "--data", dir)
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{{nil, "es"}, {map[string]string{"LANG": "C.UTF-8"}, "es"}, {map[string]string{"LANG": "de_AT.UTF-8"}, "de"}} {
		p := &Program{Getenv: func(k string) string { return tc.env[k] }}
		fs, sf := p.newFlagSet("comment list")
		if err := parse(fs, []string{"--data", dir}); err != nil {
			t.Fatal(err)
		}
		db, err := p.openStore(t.Context(), sf)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got := i18n.Builtin().Match(p.words().Lang()); got != tc.want {
			t.Errorf("with %v the command line speaks %q, want %q", tc.env, got, tc.want)
		}
	}
}

// TestAboutsInCatalogue: what each command does, as the table in
// commands.go says it, is the English of the catalogue, which every
// language translates.
func TestAboutsInCatalogue(t *testing.T) {
	p := &Program{Getenv: func(string) string { return "" }}
	for _, c := range commands {
		if got := p.about(c); got != c.about {
			t.Errorf("%s: the catalogue says %q, the table %q", c.name, got, c.about)
		}
	}
}
