package communique_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"communique"
)

// The role matrix: every role against every action, on no article and on
// each kind of article a rule can tell apart. The expected answers are
// WordPress's default roles:
//
//   - administrator: everything;
//   - editor: all content and moderation, but not users or settings;
//   - author: writes, publishes, edits and deletes own posts, uploads;
//   - contributor: writes own posts and edits them until they are live,
//     never publishes, never uploads;
//   - subscriber: signs in and edits the profile, nothing else.
//
// Each want string has one letter per target below, in order: y (allowed)
// or . (refused).

const (
	me    = 1
	other = 2
)

// targets are the articles of the matrix' columns.
var targets = []struct {
	name    string
	article *communique.Article
}{
	{"none", nil},
	{"own draft post", post(me, communique.StatusDraft)},
	{"own pending post", post(me, communique.StatusPending)},
	{"own scheduled post", post(me, communique.StatusScheduled)},
	{"own published post", post(me, communique.StatusPublished)},
	{"own trashed post", post(me, communique.StatusTrash)},
	{"others' draft post", post(other, communique.StatusDraft)},
	{"others' pending post", post(other, communique.StatusPending)},
	{"others' scheduled post", post(other, communique.StatusScheduled)},
	{"others' published post", post(other, communique.StatusPublished)},
	{"own draft page", page(me, communique.StatusDraft)},
	{"own published page", page(me, communique.StatusPublished)},
	{"others' published page", page(other, communique.StatusPublished)},
}

func post(author int64, st communique.Status) *communique.Article {
	return &communique.Article{ID: 100 + author, Type: communique.TypePost, AuthorID: author, Status: st}
}

func page(author int64, st communique.Status) *communique.Article {
	return &communique.Article{ID: 200 + author, Type: communique.TypePage, AuthorID: author, Status: st}
}

const (
	all  = "yyyyyyyyyyyyy"
	none = "............."
)

// matrix is the whole table. Columns:
//
//	none, own: draft pending scheduled published trashed,
//	others': draft pending scheduled published, pages: own draft, own published, others'
var matrix = []struct {
	role   communique.Role
	action communique.Action
	want   string
}{
	{communique.RoleAdministrator, communique.ActionReadAdmin, all},
	{communique.RoleAdministrator, communique.ActionCreateArticle, all},
	{communique.RoleAdministrator, communique.ActionEditArticle, all},
	{communique.RoleAdministrator, communique.ActionPublishArticle, all},
	{communique.RoleAdministrator, communique.ActionDeleteArticle, all},
	{communique.RoleAdministrator, communique.ActionCreatePage, all},
	{communique.RoleAdministrator, communique.ActionModerateComment, all},
	{communique.RoleAdministrator, communique.ActionManageTerms, all},
	{communique.RoleAdministrator, communique.ActionUploadMedia, all},
	{communique.RoleAdministrator, communique.ActionManageUsers, all},
	{communique.RoleAdministrator, communique.ActionManageSettings, all},
	{communique.RoleAdministrator, communique.ActionReadUnpublished, all},
	{communique.RoleAdministrator, communique.ActionReadPrivate, none}, // no column is private: TestReadPrivate
	{communique.RoleAdministrator, communique.ActionViewAnalytics, all},
	{communique.RoleAdministrator, communique.ActionArrangeFront, all},

	{communique.RoleEditor, communique.ActionReadAdmin, all},
	{communique.RoleEditor, communique.ActionCreateArticle, all},
	{communique.RoleEditor, communique.ActionEditArticle, all},
	{communique.RoleEditor, communique.ActionPublishArticle, all},
	{communique.RoleEditor, communique.ActionDeleteArticle, all},
	{communique.RoleEditor, communique.ActionCreatePage, all},
	{communique.RoleEditor, communique.ActionModerateComment, all},
	{communique.RoleEditor, communique.ActionManageTerms, all},
	{communique.RoleEditor, communique.ActionUploadMedia, all},
	{communique.RoleEditor, communique.ActionManageUsers, none},
	{communique.RoleEditor, communique.ActionManageSettings, none},
	{communique.RoleEditor, communique.ActionReadUnpublished, all},
	{communique.RoleEditor, communique.ActionReadPrivate, none}, // no column is private: TestReadPrivate
	{communique.RoleEditor, communique.ActionViewAnalytics, all},
	{communique.RoleEditor, communique.ActionArrangeFront, all},

	//                                                      n ownposts others' pages
	{communique.RoleAuthor, communique.ActionReadAdmin, all},
	{communique.RoleAuthor, communique.ActionCreateArticle, all},
	{communique.RoleAuthor, communique.ActionEditArticle, ".yyyyy......."},
	{communique.RoleAuthor, communique.ActionPublishArticle, "yyyyyy......."},
	{communique.RoleAuthor, communique.ActionDeleteArticle, ".yyyyy......."},
	{communique.RoleAuthor, communique.ActionCreatePage, none},
	{communique.RoleAuthor, communique.ActionModerateComment, none},
	{communique.RoleAuthor, communique.ActionManageTerms, none},
	{communique.RoleAuthor, communique.ActionUploadMedia, all},
	{communique.RoleAuthor, communique.ActionManageUsers, none},
	{communique.RoleAuthor, communique.ActionManageSettings, none},
	{communique.RoleAuthor, communique.ActionReadUnpublished, ".yyyyy....yy."},
	{communique.RoleAuthor, communique.ActionReadPrivate, none}, // no column is private: TestReadPrivate
	{communique.RoleAuthor, communique.ActionViewAnalytics, ".yyyyy....yy."},
	{communique.RoleAuthor, communique.ActionArrangeFront, none},

	{communique.RoleContributor, communique.ActionReadAdmin, all},
	{communique.RoleContributor, communique.ActionCreateArticle, all},
	{communique.RoleContributor, communique.ActionEditArticle, ".yy..y......."},
	{communique.RoleContributor, communique.ActionPublishArticle, none},
	{communique.RoleContributor, communique.ActionDeleteArticle, ".yy..y......."},
	{communique.RoleContributor, communique.ActionCreatePage, none},
	{communique.RoleContributor, communique.ActionModerateComment, none},
	{communique.RoleContributor, communique.ActionManageTerms, none},
	{communique.RoleContributor, communique.ActionUploadMedia, none},
	{communique.RoleContributor, communique.ActionManageUsers, none},
	{communique.RoleContributor, communique.ActionManageSettings, none},
	{communique.RoleContributor, communique.ActionReadUnpublished, ".yyyyy....yy."},
	{communique.RoleContributor, communique.ActionReadPrivate, none}, // no column is private: TestReadPrivate
	{communique.RoleContributor, communique.ActionViewAnalytics, ".yyyyy....yy."},
	{communique.RoleContributor, communique.ActionArrangeFront, none},

	{communique.RoleSubscriber, communique.ActionReadAdmin, all},
	{communique.RoleSubscriber, communique.ActionCreateArticle, none},
	{communique.RoleSubscriber, communique.ActionEditArticle, none},
	{communique.RoleSubscriber, communique.ActionPublishArticle, none},
	{communique.RoleSubscriber, communique.ActionDeleteArticle, none},
	{communique.RoleSubscriber, communique.ActionCreatePage, none},
	{communique.RoleSubscriber, communique.ActionModerateComment, none},
	{communique.RoleSubscriber, communique.ActionManageTerms, none},
	{communique.RoleSubscriber, communique.ActionUploadMedia, none},
	{communique.RoleSubscriber, communique.ActionManageUsers, none},
	{communique.RoleSubscriber, communique.ActionManageSettings, none},
	{communique.RoleSubscriber, communique.ActionReadUnpublished, none},
	{communique.RoleSubscriber, communique.ActionReadPrivate, none}, // no column is private: TestReadPrivate
	{communique.RoleSubscriber, communique.ActionViewAnalytics, none},
	{communique.RoleSubscriber, communique.ActionArrangeFront, none},
}

func TestCan(t *testing.T) {
	for _, row := range matrix {
		if len(row.want) != len(targets) {
			t.Fatalf("%s %s: want has %d letters for %d targets", row.role, row.action, len(row.want), len(targets))
		}
		u := &communique.User{ID: me, Role: row.role}
		t.Run(string(row.role)+"/"+string(row.action), func(t *testing.T) {
			for i, tg := range targets {
				want := row.want[i] == 'y'
				if got := communique.Can(u, row.action, tg.article); got != want {
					t.Errorf("Can(%s, %s, %s) = %v, want %v", row.role, row.action, tg.name, got, want)
				}
			}
		})
	}
}

// TestCanMatrixIsComplete fails when an action or a role is added without
// its row, so the matrix stays the whole truth. The actions are read from
// capability.go itself.
func TestCanMatrixIsComplete(t *testing.T) {
	actions := declaredActions(t)
	if len(actions) < 11 {
		t.Fatalf("found only %d Action constants in capability.go: %q", len(actions), actions)
	}
	seen := map[string]int{}
	for _, row := range matrix {
		seen[string(row.role)+" "+string(row.action)]++
	}
	for _, role := range communique.Roles {
		for _, a := range actions {
			switch n := seen[string(role)+" "+string(a)]; n {
			case 1:
			case 0:
				t.Errorf("the matrix has no row for %s × %s", role, a)
			default:
				t.Errorf("the matrix has %d rows for %s × %s", n, role, a)
			}
		}
	}
	if len(matrix) != len(communique.Roles)*len(actions) {
		t.Errorf("the matrix has %d rows, want %d roles × %d actions", len(matrix), len(communique.Roles), len(actions))
	}
}

// TestCanRefusesStrangers: no user, or a role that is not one of the five,
// may do nothing at all, not even sign in.
func TestCanRefusesStrangers(t *testing.T) {
	strangers := []struct {
		name string
		user *communique.User
	}{
		{"NilUser", nil},
		{"EmptyRole", &communique.User{ID: me}},
		{"UnknownRole", &communique.User{ID: me, Role: "king"}},
		{"RoleInOtherCase", &communique.User{ID: me, Role: "Administrator"}},
	}
	for _, s := range strangers {
		t.Run(s.name, func(t *testing.T) {
			for _, a := range declaredActions(t) {
				for _, tg := range targets {
					if communique.Can(s.user, a, tg.article) {
						t.Errorf("Can(%v, %s, %s) = true, want false", s.user, a, tg.name)
					}
				}
			}
		})
	}
	t.Run("UnknownAction", func(t *testing.T) {
		admin := &communique.User{ID: me, Role: communique.RoleAdministrator}
		if communique.Can(admin, "launch_rockets", nil) {
			t.Error("an unknown action is allowed; Can must refuse what it does not know")
		}
	})
}

// declaredActions returns the values of the Action constants declared in
// capability.go.
func declaredActions(t *testing.T) []communique.Action {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "capability.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []communique.Action
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Action" {
				continue
			}
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					out = append(out, communique.Action(strings.Trim(lit.Value, "\"`")))
				}
			}
		}
	}
	return out
}

// TestReadPrivate: private articles (WordPress's read_private_posts) are
// read by editors and administrators, and by their own author; making
// one private is publishing, and a contributor may not edit one, as a
// published post.
func TestReadPrivate(t *testing.T) {
	own, others := post(me, communique.StatusPrivate), post(other, communique.StatusPrivate)
	for _, c := range []struct {
		role                      communique.Role
		readOwn, readOthers, edit bool
	}{
		{communique.RoleAdministrator, true, true, true},
		{communique.RoleEditor, true, true, true},
		{communique.RoleAuthor, true, false, true},
		{communique.RoleContributor, true, false, false},
		{communique.RoleSubscriber, true, false, false},
	} {
		u := &communique.User{ID: me, Role: c.role}
		if got := communique.Can(u, communique.ActionReadPrivate, own); got != c.readOwn {
			t.Errorf("%s reads own private = %v", c.role, got)
		}
		if got := communique.Can(u, communique.ActionReadPrivate, others); got != c.readOthers {
			t.Errorf("%s reads others' private = %v", c.role, got)
		}
		if got := communique.Can(u, communique.ActionEditArticle, own); got != c.edit {
			t.Errorf("%s edits own private = %v", c.role, got)
		}
	}
	if communique.Can(nil, communique.ActionReadPrivate, own) {
		t.Error("a reader reads a private article")
	}
}
