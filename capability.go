package communique

// Action is something a user may or may not do, as in WordPress's
// capabilities. Rules live here, once, for every store and every door
// (admin, REST API, CLI).
type Action string

// Actions checked by Can.
const (
	ActionCreateArticle   Action = "create_article"   // write a new article or draft
	ActionEditArticle     Action = "edit_article"     // change an existing article
	ActionPublishArticle  Action = "publish_article"  // publish or schedule it
	ActionDeleteArticle   Action = "delete_article"   // trash or delete it
	ActionCreatePage      Action = "create_page"      // write a static page
	ActionModerateComment Action = "moderate_comment" // approve, spam, trash, edit, reply as newsroom
	ActionManageTerms     Action = "manage_terms"     // edit categories and tags
	ActionUploadMedia     Action = "upload_media"     // add images to the library
	ActionManageUsers     Action = "manage_users"     // create, change roles, delete
	ActionManageSettings  Action = "manage_settings"  // site and discussion settings
	ActionReadAdmin       Action = "read_admin"       // sign in, edit own profile
	// ActionReadUnpublished is seeing an unpublished article (draft,
	// pending, scheduled, trashed): its title, author and status. Embargoed
	// stories are for the desk, not every freelancer with a login.
	ActionReadUnpublished Action = "read_unpublished"
	// ActionReadPrivate is reading a private article on the site, as
	// WordPress's read_private_posts: editors and administrators, and
	// the article's own author.
	ActionReadPrivate   Action = "read_private"
	ActionViewAnalytics Action = "view_analytics" // readers' figures: the site's, or an article's
	ActionArrangeFront  Action = "arrange_front"  // the edited front page and the breaking-news banner
)

// Can reports whether u may perform action, on article a when the action
// concerns one (nil otherwise). It follows WordPress's default roles:
// administrators and editors may do anything with content; authors write,
// publish and delete their own articles; contributors write their own
// drafts and submit them for review but cannot publish, nor touch an
// article once it is published; subscribers only manage their profile.
func Can(u *User, action Action, a *Article) bool {
	if u == nil {
		return false
	}
	role := u.Role
	editor := role == RoleAdministrator || role == RoleEditor
	own := a != nil && a.AuthorID == u.ID
	live := a != nil && (a.Status == StatusPublished || a.Status == StatusScheduled || a.Status == StatusPrivate)
	page := a != nil && a.Type == TypePage
	switch action {
	case ActionReadAdmin:
		return role.Valid()
	case ActionCreateArticle:
		return editor || role == RoleAuthor || role == RoleContributor
	case ActionCreatePage, ActionModerateComment, ActionManageTerms, ActionArrangeFront:
		return editor
	case ActionUploadMedia:
		return editor || role == RoleAuthor
	case ActionViewAnalytics:
		// Editors see the whole site; authors and contributors see the
		// figures of their own articles only.
		if a == nil {
			return editor
		}
		return editor || (own && (role == RoleAuthor || role == RoleContributor))
	case ActionManageUsers, ActionManageSettings:
		return role == RoleAdministrator
	case ActionReadUnpublished:
		return editor || (own && role.Valid() && role != RoleSubscriber)
	case ActionReadPrivate:
		return a != nil && a.Status == StatusPrivate && (editor || (own && role.Valid()))
	case ActionEditArticle, ActionDeleteArticle:
		switch {
		case editor:
			return true
		case page || !own:
			return false
		case role == RoleAuthor:
			return true
		case role == RoleContributor:
			return !live
		}
		return false
	case ActionPublishArticle:
		switch {
		case editor:
			return true
		case role == RoleAuthor:
			return !page && (a == nil || own)
		}
		return false
	}
	return false
}

// System returns the actor of the command line and of imports: whoever
// runs them holds the machine and its database, so they may do what an
// administrator may. It is no account (its ID is 0), and a fresh value
// each time so no caller can change another's.
func System() *User {
	return &User{Login: "system", DisplayName: "System", Role: RoleAdministrator}
}
