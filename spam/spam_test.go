package spam_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"communique/spam"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name    string
		doc     spam.Document
		want    []string // must be present
		notWant []string // must be absent
	}{
		{
			name: "Empty",
			doc:  spam.Document{},
			want: []string{"links:0", "len:short"},
			notWant: []string{
				"authorhost:", "emaildomain:", "ip:", "shape:caps", "shape:exclaim",
			},
		},
		{
			name: "WordsLowerCasedAndLengthLimited",
			doc:  spam.Document{Text: "The Mayor, an ox, said: " + strings.Repeat("x", 31) + " Ünïcödé 2024!"},
			want: []string{"the", "mayor", "said", "ünïcödé", "2024"},
			notWant: []string{
				"an", "ox", "The", "Mayor", strings.Repeat("x", 31),
			},
		},
		{
			name: "Links",
			doc: spam.Document{Text: `Visit <a href="https://WWW.Cheap-Pills.example/buy?x=1">here</a>, ` +
				`http://casino.example:8080/x and www.third.example/page`},
			want: []string{
				"links:3+", "host:cheap-pills.example", "host:casino.example", "host:third.example",
			},
			notWant: []string{"links:0", "links:1", "links:2", "host:www.cheap-pills.example"},
		},
		{
			name:    "OneLink",
			doc:     spam.Document{Text: "Source: https://news.example.org/story/1."},
			want:    []string{"links:1", "host:news.example.org"},
			notWant: []string{"links:0", "links:2", "links:3+"},
		},
		{
			name: "Author",
			doc: spam.Document{
				Author: "Ann",
				Email:  " Ann@Mail.Example.COM ",
				URL:    "www.Ann-Blog.example/about",
				IP:     "203.0.113.77",
			},
			want: []string{
				"authorhost:ann-blog.example", "emaildomain:mail.example.com", "ip:203.0.113",
				"author:ann",
			},
			notWant: []string{"ip:203.0.113.77"},
		},
		{
			name: "IPv6",
			doc:  spam.Document{IP: "2001:db8:abcd:12::1"},
			want: []string{"ip:2001:db8:abcd::/48"},
		},
		{
			name: "IPv4MappedIPv6",
			doc:  spam.Document{IP: "::ffff:198.51.100.9"},
			want: []string{"ip:198.51.100"},
		},
		{
			name: "IPWithPort",
			doc:  spam.Document{IP: "[2001:db8:abcd:12::1]:443"},
			want: []string{"ip:2001:db8:abcd::/48"},
		},
		{
			name:    "WWWAfterSchemeIsOneLink",
			doc:     spam.Document{Text: "see http://www.example.com/a and more"},
			want:    []string{"links:1", "host:example.com"},
			notWant: []string{"links:2"},
		},
		{
			name: "TwoLinksSameHost",
			doc:  spam.Document{Text: "https://a.example/1\nhttps://a.example/2"},
			want: []string{"links:2", "host:a.example"},
		},
		{
			name:    "AuthorKeywords",
			doc:     spam.Document{Author: "Cheap VIAGRA-pills", Text: "hello there"},
			want:    []string{"author:cheap", "author:viagra", "author:pills", "hello"},
			notWant: []string{"cheap", "viagra"},
		},
		{
			name:    "BadIPIgnored",
			doc:     spam.Document{IP: "not an ip"},
			notWant: []string{"ip:"},
		},
		{
			name:    "Medium",
			doc:     spam.Document{Text: strings.Repeat("word ", 40)},
			want:    []string{"len:medium"},
			notWant: []string{"len:short", "len:long"},
		},
		{
			name:    "Long",
			doc:     spam.Document{Text: strings.Repeat("word ", 400)},
			want:    []string{"len:long"},
			notWant: []string{"len:short", "len:medium"},
		},
		{
			name: "Shouting",
			doc:  spam.Document{Text: "BUY NOW!!! LIMITED OFFER!!!"},
			want: []string{"shape:caps", "shape:exclaim"},
		},
		{
			name:    "NormalCapitals",
			doc:     spam.Document{Text: "The NHS and the BBC reported it in London today!"},
			notWant: []string{"shape:caps", "shape:exclaim"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spam.Tokens(tt.doc)
			if !slices.IsSorted(got) {
				t.Errorf("tokens not sorted: %q", got)
			}
			if len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("tokens not unique: %q", got)
			}
			if again := spam.Tokens(tt.doc); !slices.Equal(got, again) {
				t.Errorf("not deterministic: %q then %q", got, again)
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %q in %q", w, got)
				}
			}
			for _, nw := range tt.notWant {
				for _, tok := range got {
					// A trailing colon means "no token with this prefix".
					if tok == nw || strings.HasSuffix(nw, ":") && strings.HasPrefix(tok, nw) {
						t.Errorf("unexpected %q in %q", tok, got)
					}
				}
			}
		})
	}
}

func TestTokensExact(t *testing.T) {
	got := spam.Tokens(spam.Document{
		Email: "x@y.example",
		Text:  "Great read, see https://a.example",
	})
	// "a" is missing: too short to be a word.
	want := []string{
		"emaildomain:y.example", "example", "great", "host:a.example", "https",
		"len:short", "links:1", "read", "see",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Tokens = %q\nwant     %q", got, want)
	}
}

var spamTraining = []spam.Document{
	{Author: "Cheap Pills", Email: "sales@pharma.example", URL: "http://cheap-pills.example", IP: "192.0.2.10",
		Text: "Buy cheap viagra online! Best prices, no prescription needed. http://cheap-pills.example/viagra http://cheap-pills.example/cialis http://meds.example"},
	{Author: "Lucky", Email: "win@casino.example", IP: "192.0.2.11",
		Text: "Online casino bonus!!! Win big tonight at http://casino.example and http://slots.example free spins"},
	{Author: "pills", Email: "a@pharma.example", IP: "198.51.100.3",
		Text: "cheap pills cheap viagra cheap cialis discount pharmacy http://meds.example/order"},
	{Author: "Best Casino", Email: "promo@mailer.example",
		Text: "BEST ONLINE CASINO BONUS FREE SPINS!!! CLICK NOW http://casino.example/bonus http://slots.example http://poker.example"},
	{Author: "Dr Meds", Email: "dr@pharma.example", URL: "meds.example",
		Text: "Order viagra and cialis without prescription, discount pharmacy, fast delivery http://meds.example"},
	{Author: "SEO Expert", Email: "seo@mailer.example", URL: "http://seo-backlinks.example",
		Text: "Great post! Buy backlinks and boost your ranking, cheap SEO services http://seo-backlinks.example/buy"},
	{Author: "Loans", Email: "cash@loans.example", IP: "192.0.2.50",
		Text: "Need cash fast? Payday loans approved instantly, no credit check!!! http://loans.example/apply http://loans.example/fast"},
	{Author: "replica", Email: "shop@replica.example",
		Text: "Replica watches cheap, rolex replica discount, free shipping worldwide http://replica.example http://watches.example"},
	{Author: "Casino King", Email: "king@casino.example",
		Text: "casino casino casino jackpot bonus free spins tonight http://casino.example/jackpot"},
	{Author: "pharmacy", Email: "rx@pharma.example", IP: "198.51.100.20",
		Text: "Discount pharmacy online: viagra, cialis, pills at cheap prices http://meds.example http://cheap-pills.example"},
	{Author: "Crypto", Email: "earn@mailer.example",
		Text: "EARN $5000 A WEEK FROM HOME WITH CRYPTO!!! Click http://crypto-profit.example now, free bonus"},
	{Author: "Nice blog", Email: "x@mailer.example", URL: "http://seo-backlinks.example",
		Text: "Nice blog! Check my site for cheap backlinks http://seo-backlinks.example"},
	{Author: "Weight loss", Email: "slim@pharma.example",
		Text: "Lose weight fast with our miracle diet pills, cheap discount, buy now http://diet-pills.example/buy"},
	{Author: "Poker", Email: "poker@casino.example", IP: "192.0.2.77",
		Text: "Play online poker and casino games, deposit bonus, free spins http://poker.example http://casino.example"},
	{Author: "Viagra", Email: "v@pharma.example",
		Text: "viagra viagra cheap viagra buy viagra online pharmacy http://cheap-pills.example"},
	{Author: "Loans fast", Email: "l@loans.example",
		Text: "Cheap loans, bad credit ok, cash today!!! http://loans.example"},
	{Author: "Watches", Email: "w@replica.example", URL: "replica.example",
		Text: "Luxury replica watches at discount prices, buy cheap http://watches.example/rolex http://replica.example/sale"},
	{Author: "Casino bonus", Email: "c@mailer.example",
		Text: "Exclusive casino bonus code, free spins, win jackpot http://slots.example/code"},
	{Author: "meds", Email: "m@pharma.example",
		Text: "Buy cialis online cheap, discount pills, no prescription http://meds.example/cialis http://meds.example/buy"},
	{Author: "Make money", Email: "money@mailer.example",
		Text: "Make money online fast!!! Work from home, earn cash, free bonus http://crypto-profit.example http://loans.example"},
}

var hamTraining = []spam.Document{
	{Author: "Margaret", Email: "margaret@example.org", IP: "203.0.113.5",
		Text: "The council should publish the full budget before the vote. Residents deserve to see where the money goes."},
	{Author: "Tom", Email: "tom@example.net",
		Text: "I was at the meeting last night and the mayor did not answer the question about the school closures."},
	{Author: "Priya", Email: "priya@example.com", URL: "https://priya.example.com",
		Text: "Good reporting. The article could mention that the hospital expansion was already delayed twice."},
	{Author: "J. Walker", Email: "jw@example.org",
		Text: "The bus route changes will hurt older residents who rely on the number 12. Has anyone asked them?"},
	{Author: "Sam", Email: "sam@example.net",
		Text: "Correction: the bridge reopened in March, not April, according to the county transport office."},
	{Author: "Leila", Email: "leila@example.com",
		Text: "Interesting interview with the minister, but the question about housing costs deserved a follow-up."},
	{Author: "Derek", Email: "derek@example.org", IP: "203.0.113.9",
		Text: "The police statement contradicts what witnesses told the paper. I hope the reporter keeps digging."},
	{Author: "Ana", Email: "ana@example.net",
		Text: "Our school lost two teachers this year. The budget cuts described in the article are real."},
	{Author: "Chris", Email: "chris@example.com",
		Text: "The election results map is really helpful, thank you. Could you add turnout by ward?"},
	{Author: "Helen", Email: "helen@example.org",
		Text: "I disagree with the editorial. The new park will bring families to the town centre and help local shops."},
	{Author: "Omar", Email: "omar@example.net",
		Text: "The flooding on the river road happens every winter. The council has known about the drains for years."},
	{Author: "Rita", Email: "rita@example.com",
		Text: "The full report is here https://council.example.gov/reports/budget for anyone who wants the details."},
	{Author: "Ben", Email: "ben@example.org",
		Text: "Thanks for covering the library story. The petition to keep it open has over two thousand signatures."},
	{Author: "Grace", Email: "grace@example.net",
		Text: "The article says the factory will create 300 jobs, but the company said most will be temporary."},
	{Author: "Ivan", Email: "ivan@example.com",
		Text: "Residents in the north of the town were not consulted about the new housing development at all."},
	{Author: "Nadia", Email: "nadia@example.org",
		Text: "My father worked at the mill for thirty years. Sad to read it is closing, but good that the history is recorded."},
	{Author: "Paul", Email: "paul@example.net",
		Text: "The mayor's office should explain why the contract was not put out to tender. This needs more reporting."},
	{Author: "Kim", Email: "kim@example.com",
		Text: "Will the paper follow up on the hospital waiting times? The numbers in the article are worrying."},
	{Author: "Elena", Email: "elena@example.org",
		Text: "The photo of the old market hall brought back memories. Is there a plan to restore the building?"},
	{Author: "Joe", Email: "joe@example.net",
		Text: "The vote on the school budget is on Thursday. Residents can attend the council meeting and ask questions."},
}

// train counts tokens the way a store would after moderators' decisions.
func train(spamDocs, hamDocs []spam.Document) (spam.Counts, map[string]spam.TokenCounts) {
	var total spam.Counts
	counts := make(map[string]spam.TokenCounts)
	for _, d := range spamDocs {
		total.Spam++
		for _, tok := range spam.Tokens(d) {
			c := counts[tok]
			c.Spam++
			counts[tok] = c
		}
	}
	for _, d := range hamDocs {
		total.Ham++
		for _, tok := range spam.Tokens(d) {
			c := counts[tok]
			c.Ham++
			counts[tok] = c
		}
	}
	return total, counts
}

func TestScoreLearns(t *testing.T) {
	total, counts := train(spamTraining, hamTraining)
	tests := []struct {
		name     string
		doc      spam.Document
		wantSpam bool
	}{
		{"PillsSpam", spam.Document{Author: "Best Deals", Email: "deals@newdomain.example", IP: "100.64.1.1",
			Text: "Cheap viagra and cialis pills, discount online pharmacy!!! http://meds.example/new http://pills-now.example"}, true},
		{"CasinoSpam", spam.Document{Author: "Winner", Email: "w@other.example",
			Text: "Free spins and casino jackpot bonus tonight, click http://casino.example http://slots.example http://new-casino.example"}, true},
		{"LoanSpam", spam.Document{Author: "Fast Cash", Email: "f@loans.example",
			Text: "Cash loans fast, no credit check, earn money from home!!! http://loans.example/now"}, true},
		{"CouncilHam", spam.Document{Author: "Ruth", Email: "ruth@example.org", IP: "100.64.2.2",
			Text: "The council meeting ignored the residents who asked about the school budget. The mayor should answer."}, false},
		{"HospitalHam", spam.Document{Author: "Dev", Email: "dev@example.com",
			Text: "The article about hospital waiting times was worrying. Will the paper follow up with the minister?"}, false},
		{"HamWithLink", spam.Document{Author: "Mo", Email: "mo@example.net",
			Text: "The council published the report here https://council.example.gov/reports/housing and residents were not consulted."}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spam.Score(total, spam.Tokens(tt.doc), counts)
			t.Logf("score %.6f", got)
			if tt.wantSpam && got <= 0.9 {
				t.Errorf("Score = %.4f, want > 0.9 for spam", got)
			}
			if !tt.wantSpam && got >= 0.1 {
				t.Errorf("Score = %.4f, want < 0.1 for ham", got)
			}
		})
	}
}

func TestScoreUntrained(t *testing.T) {
	toks := spam.Tokens(spamTraining[0])
	seen := map[string]spam.TokenCounts{"viagra": {Spam: 5}, "council": {Ham: 5}}
	tests := []struct {
		name   string
		total  spam.Counts
		tokens []string
		counts map[string]spam.TokenCounts
	}{
		{"Nothing", spam.Counts{}, nil, nil},
		{"TokensNoCounts", spam.Counts{}, toks, nil},
		{"StaleTokenCounts", spam.Counts{}, toks, seen},
		{"OnlySpamTrained", spam.Counts{Spam: 5}, []string{"viagra"}, seen},
		{"OnlyHamTrained", spam.Counts{Ham: 5}, []string{"council"}, seen},
		{"NegativeTotals", spam.Counts{Spam: -3, Ham: -3}, []string{"viagra"}, seen},
		{"NoTokens", spam.Counts{Spam: 5, Ham: 5}, nil, seen},
		{"UnseenTokens", spam.Counts{Spam: 5, Ham: 5}, []string{"unseen", "links:0"}, seen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spam.Score(tt.total, tt.tokens, tt.counts); got != 0.5 {
				t.Errorf("Score = %v, want exactly 0.5", got)
			}
		})
	}
}

func TestScoreFinite(t *testing.T) {
	const huge = math.MaxInt64
	trained, counts := train(spamTraining, hamTraining)
	allSpam := make(map[string]spam.TokenCounts)
	allHam := make(map[string]spam.TokenCounts)
	mixed := make(map[string]spam.TokenCounts)
	var many []string
	for i := range 1000 {
		tok := strings.Repeat("w", i%20+3) + string(rune('a'+i%26))
		many = append(many, tok)
		allSpam[tok] = spam.TokenCounts{Spam: huge}
		allHam[tok] = spam.TokenCounts{Ham: huge}
		mixed[tok] = spam.TokenCounts{Spam: huge, Ham: int64(i)}
	}
	tests := []struct {
		name   string
		total  spam.Counts
		tokens []string
		counts map[string]spam.TokenCounts
	}{
		{"EmptyDocument", trained, spam.Tokens(spam.Document{}), counts},
		{"HugeAllSpam", spam.Counts{Spam: huge, Ham: huge}, many, allSpam},
		{"HugeAllHam", spam.Counts{Spam: huge, Ham: huge}, many, allHam},
		{"HugeMixed", spam.Counts{Spam: huge, Ham: 1}, many, mixed},
		{"TokenCountsAboveTotals", spam.Counts{Spam: 1, Ham: 1}, many, allSpam},
		{"NegativeTokenCounts", spam.Counts{Spam: 10, Ham: 10}, []string{"x"},
			map[string]spam.TokenCounts{"x": {Spam: -huge, Ham: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spam.Score(tt.total, tt.tokens, tt.counts)
			if math.IsNaN(got) || got < 0 || got > 1 {
				t.Errorf("Score = %v, want a number in [0, 1]", got)
			}
		})
	}

	// The extremes must still point the right way rather than collapse.
	if got := spam.Score(spam.Counts{Spam: huge, Ham: huge}, many, allSpam); got < 0.99 {
		t.Errorf("huge all-spam counts: Score = %v, want ≥ 0.99", got)
	}
	if got := spam.Score(spam.Counts{Spam: huge, Ham: huge}, many, allHam); got > 0.01 {
		t.Errorf("huge all-ham counts: Score = %v, want ≤ 0.01", got)
	}
}

func TestScoreOrderAndDuplicates(t *testing.T) {
	total, counts := train(spamTraining, hamTraining)
	for _, d := range append(slices.Clone(spamTraining), hamTraining...) {
		toks := spam.Tokens(d)
		want := spam.Score(total, toks, counts)

		shuffled := slices.Clone(toks)
		rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := spam.Score(total, shuffled, counts); got != want {
			t.Errorf("%s: shuffled tokens scored %v, sorted %v", d.Author, got, want)
		}
		if got := spam.Score(total, append(slices.Clone(toks), toks...), counts); got != want {
			t.Errorf("%s: duplicated tokens scored %v, once %v", d.Author, got, want)
		}
	}
}
