package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"communique"
)

// commentJSON is a comment as `comment list --json` prints it, for
// scripts and outside checks. Moderators see the email and IP here.
type commentJSON struct {
	ID        int64     `json:"id"`
	Post      int64     `json:"post"`
	Parent    int64     `json:"parent"`
	Author    string    `json:"author"`
	Email     string    `json:"email"`
	URL       string    `json:"url"`
	IP        string    `json:"ip"`
	Type      string    `json:"type"`
	Status    string    `json:"status"`
	Date      time.Time `json:"date"`
	Edited    bool      `json:"edited"`
	SpamScore float64   `json:"spam_score"`
	Text      string    `json:"text"`
}

func (p *Program) commentList(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("comment list")
	status := fs.String("status", "", "pending, approved, spam or trash (default: all)")
	post := fs.Int64("post", 0, "only comments on this article id")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	f := communique.CommentFilter{Private: true, Limit: 10000}
	if *status != "" {
		s := communique.CommentStatus(*status)
		if !s.Valid() {
			return usageKey("cli.comment_status", *status)
		}
		f.Status = []communique.CommentStatus{s}
	}
	if *post < 0 {
		return usageKey("cli.comment_post")
	} else if *post > 0 {
		f.ArticleID = post
	}
	db, err := p.openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer db.Close()
	list, _, err := db.FindComments(ctx, f)
	if err != nil {
		return err
	}
	out := make([]commentJSON, 0, len(list))
	for _, c := range list {
		out = append(out, commentJSON{ID: c.ID, Post: c.ArticleID, Parent: c.ParentID, Author: c.AuthorName, Email: c.AuthorEmail,
			URL: c.AuthorURL, IP: c.AuthorIP, Type: c.Type, Status: string(c.Status), Date: c.CreatedAt,
			Edited: !c.EditedAt.IsZero(), SpamScore: c.SpamScore, Text: c.Text})
	}
	if *asJSON {
		enc := json.NewEncoder(p.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(p.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPOST\tSTATUS\tSPAM\tDATE\tAUTHOR\tEMAIL\tTEXT")
	for _, c := range out {
		text := strings.Join(strings.Fields(c.Text), " ")
		if len([]rune(text)) > 50 {
			text = string([]rune(text)[:49]) + "…"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%.2f\t%s\t%s\t%s\t%s\n", c.ID, c.Post, c.Status, c.SpamScore, c.Date.Format("2006-01-02 15:04"), c.Author, c.Email, text)
	}
	return tw.Flush()
}

func (p *Program) commentModerate(ctx context.Context, action string, args []string) error {
	fs, sf := p.newFlagSet("comment " + action)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageKey("cli.comment_ids", action)
	}
	var ids []int64
	for _, a := range rest {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usageKey("cli.comment_id", action, a)
		}
		ids = append(ids, id)
	}
	a, err := p.openApp(ctx, sf)
	if err != nil {
		return err
	}
	defer a.db.Close()
	svc := a.talk
	act := map[string]func(ctx context.Context, by *communique.User, id int64) error{
		"approve": svc.Approve, "unapprove": svc.Unapprove, "spam": svc.Spam, "trash": svc.Trash, "delete": svc.Delete,
	}[action]
	failed := 0
	for _, id := range ids {
		// Whoever runs the command line holds the database: the system acts.
		err := act(ctx, communique.System(), id)
		if err != nil {
			failed++
			fmt.Fprintf(p.Stderr, "comment %d: %s\n", id, errorLine(err))
			continue
		}
		past := map[string]string{"approve": "approved", "unapprove": "unapproved", "spam": "marked as spam", "trash": "trashed", "delete": "deleted"}[action]
		fmt.Fprintf(p.Stdout, "comment %d %s\n", id, past)
	}
	if failed > 0 {
		return fmt.Errorf("comment %s: %d of %d failed", action, failed, len(ids))
	}
	return nil
}

func (p *Program) settings(ctx context.Context, action string, args []string) error {
	fs, sf := p.newFlagSet("settings " + action)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch action {
	case "list":
		if len(rest) > 0 {
			return usageKey("cli.unexpected_argument", "settings list", rest[0])
		}
	case "set":
		if len(rest) != 2 {
			return usageKey("cli.settings_set")
		}
		// A bad key or value is a mistake on the command line (exit
		// status 2), found before the store is opened.
		if err := communique.ValidateSetting(rest[0], rest[1]); err != nil {
			return usagef("%s", communique.ErrorMessage(err))
		}
	default:
		return usagef("unknown command %q: try 'communique settings list' or 'communique settings set KEY VALUE'", strings.TrimSpace("settings "+action))
	}
	db, err := p.openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer db.Close()
	if action == "set" {
		key, value := rest[0], rest[1]
		if err := db.SetSetting(ctx, key, value); err != nil {
			return err
		}
		fmt.Fprintf(p.Stdout, "%s = %s\n", key, value)
		return nil
	}
	values, err := db.Settings(ctx)
	if err != nil {
		return err
	}
	st := communique.ParseSettings(values)
	tw := tabwriter.NewWriter(p.Stdout, 0, 4, 2, ' ', 0)
	for _, def := range communique.SettingDefs {
		v := strings.ReplaceAll(def.Text(st), "\n", `\n`)
		fmt.Fprintf(tw, "%s\t%s\t# %s\n", def.Key, v, def.Help)
		for _, alias := range slices.Sorted(maps.Keys(communique.SettingAliases)) {
			if communique.SettingAliases[alias] == def.Key {
				fmt.Fprintf(tw, "%s\t%s\t# the same setting as %s\n", alias, v, def.Key)
			}
		}
	}
	return tw.Flush()
}
