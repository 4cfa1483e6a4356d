package wpapi

import "communique"

// One description per resource gives three things WordPress derives
// from one schema too: the JSON schema OPTIONS serves, the arguments of
// the resource's write endpoints in the index and OPTIONS, and so what
// discovered clients (wpapi's discover, core-data) believe a route takes.
// A property is described only when the answers carry it, and marked
// writable only when the write handlers read it.

// prop is one node of a JSON schema (draft 4) as WordPress writes them:
// a resource's property, an endpoint's argument, or what an array holds.
type prop struct {
	Description string `json:"description,omitempty"`
	Title       string `json:"title,omitempty"`
	Type        any    `json:"type,omitempty"` // "string", or ["string", "null"]
	OneOf       []prop `json:"oneOf,omitempty"`
	// AdditionalProperties is false where an object takes only its
	// properties.
	AdditionalProperties *bool           `json:"additionalProperties,omitempty"`
	Format               string          `json:"format,omitempty"`
	Enum                 []string        `json:"enum,omitempty"`
	Items                *prop           `json:"items,omitempty"`
	Properties           map[string]prop `json:"properties,omitempty"`
	Default              any             `json:"default,omitempty"` // nil: none; 0, false and [] are given
	Minimum              *int            `json:"minimum,omitempty"`
	Maximum              *int            `json:"maximum,omitempty"`
	MaxItems             *int            `json:"maxItems,omitempty"`
	Context              []string        `json:"context,omitempty"`
	Readonly             bool            `json:"readonly,omitempty"`

	writable bool // the write handlers read it
	required bool // a create needs it
}

var (
	ctxAll  = []string{"view", "edit", "embed"}
	ctxView = []string{"view", "edit"}
	ctxEdit = []string{"edit"}
)

// titleField is the schema property "title" (a post's or an attachment's),
// named once: a literal key there reads like a setting read to the check
// that keeps settings typed (TestNoStringKeyReads).
const titleField = "title"

func field(desc string, typ any, ctx []string) prop {
	return prop{Description: desc, Type: typ, Context: ctx}
}

func (p prop) ro() prop                    { p.Readonly = true; return p }
func (p prop) rw() prop                    { p.writable = true; return p }
func (p prop) must() prop                  { p.writable, p.required = true, true; return p }
func (p prop) format(f string) prop        { p.Format = f; return p }
func (p prop) enum(e ...string) prop       { p.Enum = e; return p }
func (p prop) items(typ string) prop       { p.Items = &prop{Type: typ}; return p }
func (p prop) dflt(v any) prop             { p.Default = v; return p }
func (p prop) with(m map[string]prop) prop { p.Properties = m; return p }

func intp(n int) *int { return &n }

// rawRendered is WordPress's {raw, rendered} pair: raw in edit context and
// writable, rendered read-only.
func rawRendered(desc, raw, html string, renderedCtx []string) prop {
	return field(desc, "object", nil).with(map[string]prop{
		"raw":      field(raw, "string", ctxEdit),
		"rendered": field(html, "string", renderedCtx).ro(),
	})
}

// schema is one resource's description.
type schema struct {
	title      string
	properties map[string]prop
}

// schemaJSON is the schema as OPTIONS serves it.
type schemaJSON struct {
	Schema     string          `json:"$schema"`
	Title      string          `json:"title"`
	Type       string          `json:"type"`
	Properties map[string]prop `json:"properties"`
}

func (s *schema) json() *schemaJSON {
	if s == nil {
		return nil
	}
	return &schemaJSON{Schema: "http://json-schema.org/draft-04/schema#", Title: s.title, Type: "object", Properties: s.properties}
}

// writeArgs are the arguments of a write endpoint, from the schema as
// WordPress's get_endpoint_args_for_item_schema makes them: writable
// properties, without context and readonly (nested properties keep
// theirs), required and defaulted only on create.
func (s *schema) writeArgs(create bool) map[string]arg {
	out := map[string]arg{}
	for name, p := range s.properties {
		if !p.writable {
			continue
		}
		a := arg{prop: p, Required: create && p.required}
		a.Context, a.Readonly = nil, false
		if !create {
			a.Default = nil // WordPress gives defaults to creations only
		}
		out[name] = a
	}
	return out
}

func avatarProp(desc string) prop {
	m := map[string]prop{}
	for _, n := range []string{"24", "48", "96"} {
		m[n] = field("Avatar URL with image size of "+n+" pixels.", "string", []string{"embed", "view", "edit"}).format("uri")
	}
	return field(desc, "object", ctxAll).with(m).ro()
}

// postSchema describes posts and pages (typ), and media (attachment)
// for the fields they share.
func postSchema(typ string) *schema {
	p := map[string]prop{
		"id":                 field("Unique identifier for the post.", "integer", ctxAll).ro(),
		"date":               field("The date the post was published, in the site's timezone.", []string{"string", "null"}, ctxAll).format("date-time").rw(),
		"date_gmt":           field("The date the post was published, as GMT.", []string{"string", "null"}, ctxView).format("date-time").rw(),
		"modified":           field("The date the post was last modified, in the site's timezone.", "string", ctxView).format("date-time").ro(),
		"modified_gmt":       field("The date the post was last modified, as GMT.", "string", ctxView).format("date-time").ro(),
		"slug":               field("An alphanumeric identifier for the post unique to its type.", "string", ctxAll).rw(),
		"status":             field("A named status for the post.", "string", ctxView).enum("publish", "future", "draft", "pending").rw(),
		"type":               field("Type of post.", "string", ctxAll).ro(),
		"link":               field("URL to the post.", "string", ctxAll).format("uri").ro(),
		"author":             field("The ID for the author of the post.", "integer", ctxAll).rw(),
		"comment_status":     field("Whether or not comments are open on the post.", "string", ctxView).enum("open", "closed").rw(),
		"generated_slug":     field("Slug automatically generated from the post title.", "string", ctxEdit).ro(),
		"permalink_template": field("Permalink template for the post.", "string", ctxEdit).ro(),
		"meta":               field("Meta fields.", "object", ctxView),
		"ping_status":        field("Whether or not the post can be pinged.", "string", ctxView).enum("open", "closed"),
		"template":           field("The theme file to use to display the post.", "string", ctxView),
	}
	guid := field("The globally unique identifier for the post.", "object", ctxView).with(map[string]prop{
		"raw":      field("GUID for the post, as it exists in the database.", "string", ctxEdit).ro(),
		"rendered": field("GUID for the post, transformed for display.", "string", ctxView).ro(),
	}).ro()
	guid.Context = ctxView
	p["guid"] = guid
	title := rawRendered("The title for the post.", "Title for the post, as it exists in the database.",
		"HTML title for the post, transformed for display.", ctxAll).rw()
	title.Context = ctxAll
	p[titleField] = title
	if typ == "attachment" {
		return attachmentSchema(p)
	}
	content := rawRendered("The content for the post.", "Content for the post, as it exists in the database.",
		"HTML content for the post, transformed for display.", ctxView).rw()
	content.Context = ctxView
	content.Properties["protected"] = field("Whether the content is protected with a password.", "boolean", ctxAll).ro()
	content.Properties["block_version"] = field("Version of the content block format used by the post.", "integer", ctxEdit).ro()
	p["content"] = content
	excerpt := rawRendered("The excerpt for the post.", "Excerpt for the post, as it exists in the database.",
		"HTML excerpt for the post, transformed for display.", ctxAll).rw()
	excerpt.Context = ctxAll
	excerpt.Properties["protected"] = field("Whether the excerpt is protected with a password.", "boolean", ctxAll).ro()
	p["excerpt"] = excerpt
	p["featured_media"] = field("The ID of the featured media for the post.", "integer", ctxAll).rw()
	// Read by the write handlers, which refuse a password, a format but
	// standard and a template but the default, and ignore meta keys
	// (none is registered), as WordPress ignores unregistered ones.
	p["password"] = field("A password to protect access to the content and excerpt.", "string", ctxEdit).rw()
	p["format"] = field("The format for the post.", "string", ctxView).enum("standard").rw()
	for _, k := range []string{"meta", "ping_status", "template"} {
		p[k] = p[k].rw()
	}
	if typ == communique.TypePage {
		p["parent"] = field("The ID for the parent of the post.", "integer", ctxView).rw()
		p["menu_order"] = field("The order of the post in relation to other posts.", "integer", ctxView).rw()
	} else {
		p["sticky"] = field("Whether or not the post should be treated as sticky.", "boolean", ctxView).rw()
		p["categories"] = field("The terms assigned to the post in the category taxonomy.", "array", ctxView).items("integer").rw()
		p["tags"] = field("The terms assigned to the post in the post_tag taxonomy.", "array", ctxView).items("integer").rw()
	}
	return &schema{title: typ, properties: p}
}

func attachmentSchema(p map[string]prop) *schema {
	for _, k := range []string{"date", "date_gmt", "slug", "status", "author"} {
		q := p[k]
		q.writable = false
		p[k] = q
	}
	caption := rawRendered("The attachment caption.", "Caption for the attachment, as it exists in the database.",
		"HTML caption for the attachment, transformed for display.", ctxAll).rw()
	caption.Context = ctxAll
	p["caption"] = caption
	description := rawRendered("The attachment description.", "Description for the attachment, as it exists in the database.",
		"HTML description for the attachment, transformed for display.", ctxView).rw()
	description.Context = ctxView
	p["description"] = description
	p["missing_image_sizes"] = field("List of the missing image sizes of the attachment.", "array", ctxEdit).items("string").ro()
	p["alt_text"] = field("Alternative text to display when attachment is not displayed.", "string", ctxAll).rw()
	p["media_type"] = field("Attachment type.", "string", ctxAll).enum("image", "file").ro()
	p["mime_type"] = field("The attachment MIME type.", "string", ctxAll).ro()
	p["media_details"] = field("Details about the media file, specific to its type.", "object", ctxAll).ro()
	p["post"] = field("The ID for the associated post of the attachment.", "integer", ctxView)
	// Read by the media write handlers: media take no comments or pings
	// and have no templates, so only those values pass; meta keys are
	// ignored (readMeta).
	p["comment_status"] = field("Whether or not comments are open on the post.", "string", ctxView).enum("closed").rw()
	p["ping_status"] = field("Whether or not the post can be pinged.", "string", ctxView).enum("closed").rw()
	p["template"] = field("The theme file to use to display the post.", "string", ctxView).rw()
	p["meta"] = p["meta"].rw()
	p["source_url"] = field("URL to the original attachment file.", "string", ctxAll).format("uri").ro()
	return &schema{title: "attachment", properties: p}
}

func termSchema(taxonomy string) *schema {
	p := map[string]prop{
		"id":          field("Unique identifier for the term.", "integer", ctxAll).ro(),
		"count":       field("Number of published posts for the term.", "integer", ctxView).ro(),
		"description": field("HTML description of the term.", "string", ctxView).rw(),
		"link":        field("URL of the term.", "string", ctxAll).format("uri").ro(),
		"name":        field("HTML title for the term.", "string", ctxAll).must(),
		"slug":        field("An alphanumeric identifier for the term unique to its type.", "string", ctxAll).rw(),
		"taxonomy":    field("Type attribution for the term.", "string", ctxAll).enum(taxonomy).ro(),
		"meta":        field("Meta fields.", "object", ctxView),
	}
	title := "tag"
	if taxonomy == "category" {
		title = "category"
		p["parent"] = field("The parent term ID.", "integer", ctxView).rw()
	}
	return &schema{title: title, properties: p}
}

func commentSchema() *schema {
	content := rawRendered("The content for the comment.", "Content for the comment, as it exists in the database.",
		"HTML content for the comment, transformed for display.", ctxAll).rw()
	content.Context = ctxAll
	return &schema{title: "comment", properties: map[string]prop{
		"id":                 field("Unique identifier for the comment.", "integer", ctxAll).ro(),
		"author":             field("The ID of the user object, if author was a user.", "integer", ctxAll),
		"author_avatar_urls": avatarProp("Avatar URLs for the comment author."),
		"author_email":       field("Email address for the comment author.", "string", ctxEdit).format("email").rw(),
		"author_ip":          field("IP address for the comment author.", "string", ctxEdit).format("ip"),
		"author_name":        field("Display name for the comment author.", "string", ctxAll).rw(),
		"author_url":         field("URL for the comment author.", "string", ctxAll).format("uri").rw(),
		"author_user_agent":  field("User agent for the comment author.", "string", ctxEdit),
		"content":            content,
		"date":               field("The date the comment was published, in the site's timezone.", "string", ctxAll).format("date-time").rw(),
		"date_gmt":           field("The date the comment was published, as GMT.", "string", ctxView).format("date-time").rw(),
		"link":               field("URL to the comment.", "string", ctxAll).format("uri").ro(),
		"parent":             field("The ID for the parent of the comment.", "integer", ctxAll).dflt(0).rw(),
		"post":               field("The ID of the associated post object.", "integer", ctxView).dflt(0).rw(),
		"status":             field("State of the comment.", "string", ctxView).rw(),
		"type":               field("Type of the comment.", "string", ctxAll).ro(),
	}}
}

func userSchema() *schema {
	ctxUser := []string{"embed", "view", "edit"}
	return &schema{title: "user", properties: map[string]prop{
		"id":                 field("Unique identifier for the user.", "integer", ctxUser).ro(),
		"username":           field("Login name for the user.", "string", ctxEdit).must(),
		"name":               field("Display name for the user.", "string", ctxUser).rw(),
		"email":              field("The email address for the user.", "string", ctxEdit).format("email").must(),
		"url":                field("URL of the user.", "string", ctxUser).format("uri"),
		"description":        field("Description of the user.", "string", ctxUser).rw(),
		"link":               field("Author URL of the user.", "string", ctxUser).format("uri").ro(),
		"slug":               field("An alphanumeric identifier for the user.", "string", ctxUser),
		"roles":              field("Roles assigned to the user.", "array", ctxEdit).items("string").rw(),
		"password":           prop{Description: "Password for the user (never included).", Type: "string"}.must(),
		"registered_date":    field("Registration date for the user.", "string", ctxEdit).format("date-time").ro(),
		"locale":             field("Locale for the user.", "string", ctxEdit),
		"capabilities":       field("All capabilities assigned to the user.", "object", ctxEdit).ro(),
		"extra_capabilities": field("Any extra capabilities assigned to the user.", "object", ctxEdit).ro(),
		"avatar_urls":        avatarProp("Avatar URLs for the user."),
		"meta":               field("Meta fields.", "object", ctxView).rw(), // checked, keys ignored (readMeta)
	}}
}

func settingsSchema() *schema {
	// WordPress's settings schema gives every setting a default, null
	// but for the three set below.
	s := func(desc, typ string) prop { return prop{Description: desc, Type: typ, Default: null}.rw() }
	return &schema{title: "settings", properties: map[string]prop{
		"title":                  s("Site title.", "string"),
		"description":            s("Site tagline.", "string"),
		"url":                    s("Site URL.", "string").format("uri"),
		"timezone":               s("A city in the same timezone as you.", "string"),
		"date_format":            s("A date format for all date strings.", "string"),
		"time_format":            s("A time format for all time strings.", "string"),
		"language":               s("WordPress locale code.", "string").dflt("en_US"),
		"posts_per_page":         s("Blog pages show at most.", "integer").dflt(10),
		"default_comment_status": s("Allow people to submit comments on new posts.", "string").enum("open", "closed"),
		// Kept at one value here: sending it back passes, any other is refused.
		"start_of_week":       s("A day number of the week that the week should start on.", "integer"),
		"use_smilies":         s("Convert emoticons like :-) and :-P to graphics on display.", "boolean").dflt(true),
		"default_category":    s("Default post category.", "integer"),
		"default_post_format": s("Default post format.", "string"),
		"show_on_front":       s("What to show on the front page", "string"),
		"page_on_front":       s("The ID of the page that should be displayed on the front page", "integer"),
		"page_for_posts":      s("The ID of the page that should display the latest posts", "integer"),
		"default_ping_status": s("Allow link notifications from other blogs (pingbacks and trackbacks) on new articles.", "string").enum("closed"),
		"site_logo":           s("Site logo.", "integer"),
		"site_icon":           s("Site icon.", "integer"),
		"email":               prop{Description: "This address is used for admin purposes, like new user notification.", Type: "string", Format: "email", Default: null},
	}}
}

func menuSchema() *schema {
	return &schema{title: "nav_menu", properties: map[string]prop{
		"id":          field("Unique identifier for the term.", "integer", ctxAll).ro(),
		"description": field("HTML description of the term.", "string", ctxView),
		"name":        field("HTML title for the term.", "string", ctxAll).must(),
		"slug":        field("An alphanumeric identifier for the term unique to its type.", "string", ctxAll).rw(),
		"meta":        field("Meta fields.", "object", ctxView),
		"locations":   field("The locations assigned to the menu.", "array", ctxAll).items("string").rw(),
		"auto_add":    field("Whether to automatically add top level pages to this menu.", "boolean", ctxAll),
	}}
}

func menuItemSchema() *schema {
	title := rawRendered("The title for the object.", "Title for the object, as it exists in the database.",
		"HTML title for the object, transformed for display.", ctxAll)
	title.Type, title.Context = []string{"string", "object"}, ctxAll
	return &schema{title: "nav_menu_item", properties: map[string]prop{
		"id":          field("Unique identifier for the object.", "integer", ctxAll).ro(),
		"title":       title,
		"status":      field("A named status for the object.", "string", ctxView).enum("publish"),
		"url":         field("The URL to which this menu item points.", "string", ctxAll).format("uri"),
		"attr_title":  field("Text for the title attribute of the link element for this menu item.", "string", ctxAll),
		"description": field("The description of this menu item.", "string", ctxAll),
		"type":        field("The family of objects originally represented, such as \"post_type\" or \"taxonomy\".", "string", ctxAll).enum("taxonomy", "post_type", "custom"),
		"type_label":  field("The singular label used to describe this type of menu item.", "string", ctxAll).ro(),
		"object":      field("The type of object originally represented, such as \"category\", \"post\", or \"attachment\".", "string", ctxAll),
		"object_id":   field("The database ID of the original object this menu item represents, for example the ID for posts or the term_id for categories.", "integer", ctxAll),
		"parent":      field("The ID for the parent of the object.", "integer", ctxAll),
		"menu_order":  field("The DB ID of the nav_menu_item that is this item's menu parent, if any, otherwise 0.", "integer", ctxAll),
		"target":      field("The target attribute of the link element for this menu item.", "string", ctxAll).enum("_blank", ""),
		"classes":     field("Class names for the link element of this menu item.", "array", ctxAll).items("string"),
		"xfn":         field("The XFN relationship expressed in the link of this menu item.", "array", ctxAll).items("string"),
		"invalid":     field("Whether the menu item represents an object that no longer exists.", "boolean", ctxAll).ro(),
		"meta":        field("Meta fields.", "object", ctxView),
		"menus":       field("The terms assigned to the object in the nav_menu taxonomy.", "integer", ctxView),
	}}
}
