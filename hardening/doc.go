// Package hardening holds no code, only tests: a corpus of hostile inputs
// written by the project (stored XSS in every shape we know, Markdown
// tricks, dangerous URL schemes, header injection, invalid and invisible
// characters, huge fields, numeric overflow, path traversal, XML bombs)
// pushed through every door of a real server — the comment form, the
// newsroom's forms, the WordPress importer — on SQLite and PostgreSQL.
// Each input must be refused with a 4xx or stored inert: never a 500,
// never a panic, and no page that shows it may carry executable markup.
// A headless Chromium then renders every stored case and proves that no
// script runs.
package hardening
