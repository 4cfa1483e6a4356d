// Package wpdiff holds the differential test of the REST API: real
// WordPress 6.1 (Debian's package, PHP's built-in server and the MariaDB
// of the machine) and Communiqué, seeded with the same content, answer
// the same requests, and the test compares their key paths, value types,
// links, statuses, error codes, paging headers and Allow. It has no code
// of its own: everything is in its tests.
package wpdiff
