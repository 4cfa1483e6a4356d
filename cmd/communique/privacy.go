package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"communique"
	"communique/privacy"
	"communique/sqlstore"
)

func (p *Program) privacy(ctx context.Context, action string, args []string) error {
	switch action {
	case "export", "erase":
	default:
		return usagef("unknown command %q: try 'communique privacy export|erase --email E'", strings.TrimSpace("privacy "+action))
	}
	fs, sf := p.newFlagSet("privacy " + action)
	email := fs.String("email", "", "the email address")
	actor := fs.String("actor", "", "a fediverse actor's address (https://…), instead of --email")
	output := fs.String("output", "", "write the JSON to this file instead of standard output")
	var anonymise bool
	fs.BoolVar(&anonymise, "anonymise", false, "keep the comments, without who wrote them")
	fs.BoolVar(&anonymise, "anonymize", false, "same as --anonymise")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *actor != "" {
		if *email != "" || anonymise {
			return usagef("privacy %s: --actor goes alone, without --email or --anonymise", action)
		}
		if u, err := url.Parse(*actor); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return usagef("privacy %s: --actor must be an actor's address, https://… (got %q)", action, *actor)
		}
		return p.privacyActor(ctx, action, sf, *actor, *output)
	}
	if !communique.WellFormedEmail(strings.TrimSpace(*email)) {
		return usagef("privacy %s: --email must be an email address (got %q)", action, *email)
	}
	if action == "export" && anonymise {
		return usagef("privacy export: --anonymise goes with erase")
	}
	if action == "erase" && *output != "" {
		return usagef("privacy erase: --output goes with export")
	}
	a, err := p.openApp(ctx, sf)
	if err != nil {
		return err
	}
	defer a.db.Close()
	svc := a.privacy
	if action == "export" {
		x, err := svc.Export(ctx, *email)
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return err
		}
		b = append(b, '\n')
		if *output != "" {
			// The file holds personal data: readable by its owner only.
			return os.WriteFile(*output, b, 0o600)
		}
		_, err = p.Stdout.Write(b)
		return err
	}
	res, err := svc.Erase(ctx, *email, anonymise)
	if err != nil {
		return err
	}
	verb := "deleted"
	if anonymise {
		verb = "anonymised"
	}
	fmt.Fprintf(p.Stdout, "%s: %s %d comments; deleted %d subscriptions, %d emails and %d refused comments.\n",
		strings.ToLower(strings.TrimSpace(*email)), verb, res.Comments, res.Subscriptions, res.Emails, res.CommentDrafts)
	if res.Users > 0 {
		fmt.Fprintf(p.Stdout, "%d newsroom account(s) use this address and were kept; delete them in the newsroom's Users page.\n", res.Users)
	}
	return nil
}

// privacyActor answers a fediverse commenter's request, by their actor.
func (p *Program) privacyActor(ctx context.Context, action string, sf *storeFlags, actor, output string) error {
	if action == "erase" && output != "" {
		return usagef("privacy erase: --output goes with export")
	}
	a, err := p.openApp(ctx, sf)
	if err != nil {
		return err
	}
	defer a.db.Close()
	if action == "erase" {
		res, err := a.fed.EraseActor(ctx, actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(p.Stdout, "%s: deleted %d comments, %d follows and %d reactions.\n", actor, res.Comments, res.Follows, res.Reactions)
		return nil
	}
	x, err := a.fed.ExportActor(ctx, actor)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if output != "" {
		return os.WriteFile(output, b, 0o600)
	}
	_, err = p.Stdout.Write(b)
	return err
}

// forgetIPs applies the IP retention setting now and then every interval
// until ctx ends. Every node may run it: the UPDATE is idempotent.
func forgetIPs(ctx context.Context, db *sqlstore.DB, svc *privacy.Service, interval time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		values, err := db.Settings(ctx)
		if err == nil {
			var n int
			if n, err = svc.ApplyRetention(ctx, communique.ParseSettings(values)); n > 0 {
				logger.Info("forgot commenters' IP addresses", "comments", n)
			}
		}
		if err != nil && ctx.Err() == nil {
			logger.Error("IP retention", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
