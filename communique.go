// Package communique holds the domain of Communiqué, a news publishing
// platform: articles and pages, terms, users, settings and menus, the rules
// they obey, and the service interfaces the stores implement. It imports
// no store, no HTTP and no outside library, so every layer can depend on it.
package communique

// Version is the release, set at build time with
// -ldflags "-X communique.Version=…".
var Version = "dev"
