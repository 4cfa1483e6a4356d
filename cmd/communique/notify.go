package main

import (
	"context"
	"log/slog"
	"strings"

	"communique"
	"communique/mail"
	"communique/notify"
	"communique/sqlstore"
)

// mailWorker builds the worker that delivers the outbox: through the
// SMTP server of --smtp, or into the log when there is none, so a
// newcomer still sees every message and link.
func (p *Program) mailWorker(db *sqlstore.DB, smtpURL string, logger *slog.Logger) (*notify.Worker, error) {
	var mailer notify.Mailer = &notify.LogMailer{Logger: logger}
	if smtpURL != "" {
		s, err := mail.ParseURL(smtpURL)
		if err != nil {
			return nil, usagef("--smtp: %s (got %q)", strings.TrimPrefix(err.Error(), "mail: "), redact(smtpURL))
		}
		mailer = s
		logger.Info("email goes through SMTP", "server", s.String())
	} else {
		logger.Info("no SMTP server (--smtp or COMMUNIQUE_SMTP): emails are written to this log")
	}
	return notify.NewWorker(db, mailer, logger), nil
}

// emailLinks sets the base of links in emails when the site_url setting
// is empty, and says so: a request's Host header is never trusted for
// links, since anyone can send one.
func emailLinks(ctx context.Context, db *sqlstore.DB, svc *notify.Service, listenURL string, logger *slog.Logger) {
	svc.SiteURL = listenURL
	if values, err := db.Settings(ctx); err == nil && communique.ParseSettings(values).SiteURL == "" {
		logger.Warn("site_url is not set: links in emails point to "+listenURL+"; set the public address with: communique settings set site_url https://news.example.com",
			"url", listenURL)
	}
}

// scheduler is what the scheduler needs: the article service.
type scheduler interface {
	PublishDue(ctx context.Context) (int, error)
}
