package wpapi

import (
	"net/http"
	"strconv"
	"strings"

	"communique"
	"communique/newsroom"
)

// Optimistic concurrency for posts and pages: the answers a writer gets
// carry ETag: "v<version>", and an update sent with If-Match is refused
// with 412 when the article was saved since that version, never written
// over a colleague's change. Without If-Match an update is unconditional,
// as WordPress's is.

// versionTag is the entity tag of an article's stored version.
func versionTag(a *communique.Article) string {
	return `"v` + strconv.FormatInt(a.Version, 10) + `"`
}

// tagVersion sets the ETag for callers who may edit the article, the
// only ones who can send it back with If-Match.
func tagVersion(w http.ResponseWriter, c *caller, a *communique.Article) {
	if c.User != nil && communique.Can(c.User, communique.ActionEditArticle, a) {
		w.Header().Set("ETag", versionTag(a))
	}
}

// ifMatchBase reads If-Match against the stored article: the version the
// update must still find (0: no condition), or a 412 when no tag names
// the stored version. Weak tags never match, as RFC 9110 says.
func ifMatchBase(r *http.Request, a *communique.Article) (int64, error) {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		return 0, nil
	}
	current := versionTag(a)
	for _, v := range values {
		for _, tag := range strings.Split(v, ",") {
			switch strings.TrimSpace(tag) {
			case "*":
				return 0, nil
			case current:
				return a.Version, nil
			}
		}
	}
	return 0, staleAnswer()
}

func staleAnswer() error {
	return &apiError{Status: http.StatusPreconditionFailed, Code: "rest_precondition_failed",
		Message: "The post was saved by someone else since the version in If-Match; nothing was changed. Read it again (its ETag is the current version), merge, and send it with the new ETag."}
}

// staleOr turns the article service's refusal of an old version into the
// same 412 the If-Match check gives, for saves that raced.
func staleOr(err error) error {
	if newsroom.IsStale(err) {
		return staleAnswer()
	}
	return err
}
