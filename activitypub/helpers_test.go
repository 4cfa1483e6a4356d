package activitypub_test

import (
	"strconv"
	"testing"

	"communique/activitypub/aptest"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func newPeer(t testing.TB) *aptest.Peer { return aptest.NewPeer(t) }

var digest = aptest.Digest
