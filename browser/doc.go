// Package browser holds end-to-end tests that drive a real headless
// Chromium against the public site served on a loopback port: layout at
// desktop and phone widths, the dark scheme, keyboard access, pages that
// work without JavaScript and load nothing from other sites. It has no
// code of its own; run it with go test ./browser (Chromium from Debian's
// chromium package).
package browser
