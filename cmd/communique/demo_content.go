package main

// The demo site's words: a small city newsroom's last five weeks. Every
// text is written for Communiqué; names, places and figures are made up.

// demoAuthor is a member of the demo newsroom.
type demoAuthor struct {
	login, name, bio string
	editor           bool
}

var demoAuthors = []demoAuthor{
	{login: "newsroom", name: "The Newsroom", editor: true,
		bio: "Notes from the editors: how we work, what we publish and why."},
	{login: "ines", name: "Inès Moreau", editor: true,
		bio: "City editor. Has covered the council, the courts and the harbour for eleven years, and still reads every planning notice."},
	{login: "tomas", name: "Tomás Herrera",
		bio: "Science and environment reporter. Trained as a hydrologist; explains what the water, the weather and the data are doing."},
	{login: "priya", name: "Priya Nair",
		bio: "Culture and sport. Reviews theatre on weeknights and watches the city's football on weekends."},
	{login: "kofi", name: "Kofi Mensah",
		bio: "Business and transport correspondent: ports, markets, buses and the people who keep them running."},
}

// demoPicture is one of the drawings in demo/, with what a reader is told
// about it.
type demoPicture struct {
	file, alt, caption string
}

var demoPictures = map[string]demoPicture{
	"bridge":  {"bridge.png", "A stone bridge of four arches over a blue harbour, lamps lit along its deck", "The harbour bridge on its first morning back in service."},
	"library": {"library.png", "A library building at night, every window lit, under a crescent moon", "The central library keeps its lights on until two in the morning, Thursday to Saturday."},
	"river":   {"river.png", "A bright green river winding between fields and trees", "Tuesday's dye test turned the river green for an afternoon."},
	"theatre": {"theatre.png", "A small stage between red curtains, lit by a single spotlight", "One stage, eleven companies, a week of performances."},
	"ferry":   {"ferry.png", "A white ferry crossing the harbour at sunset", "The evening ferry to the islands."},
	"market":  {"market.png", "Three market stalls with striped awnings and fruit on their counters", "Stalls in the old market square."},
	"pitch":   {"pitch.png", "A football pitch seen from above, with its white lines and a ball", "The municipal stadium's new pitch."},
	"skyline": {"skyline.png", "The city's towers at dusk, their windows lit, a low sun behind them", "The city at dusk."},
	// The reporters' portraits, shown on their author pages.
	"portrait-ines":  {"portrait-ines.png", "Illustrated portrait of Inès Moreau", "Inès Moreau, city editor."},
	"portrait-tomas": {"portrait-tomas.png", "Illustrated portrait of Tomás Herrera", "Tomás Herrera, science and environment."},
	"portrait-priya": {"portrait-priya.png", "Illustrated portrait of Priya Nair", "Priya Nair, culture and sport."},
	"portrait-kofi":  {"portrait-kofi.png", "Illustrated portrait of Kofi Mensah", "Kofi Mensah, business and transport."},
}

// demoCredit ends every demo caption.
const demoCredit = " Illustration: Communiqué demo art (CC0)."

// demoComment is a comment of a demo discussion. parent is the index of
// the comment answered in the same article's list (-1 for none).
type demoComment struct {
	parent   int
	author   string
	email    string
	text     string
	hoursAgo int
	held     bool
	staff    string // the login of a newsroom member replying as staff
	pingback string // the address of a page that linked here
}

// demoArticle is one sample story.
type demoArticle struct {
	title, category, author, picture, body string
	tags                                   []string
	sticky                                 bool
	hoursAgo                               int
	comments                               []demoComment
}

var demoArticles = []demoArticle{
	{
		title: "Harbour bridge reopens after two years of repairs", category: "Local", author: "ines", picture: "bridge", sticky: true, hoursAgo: 3,
		tags: []string{"Transport", "Infrastructure"},
		body: `The old harbour bridge opened to traffic again at six this morning, ending twenty-six months of detours for the 14,000 people who cross it each day.

Engineers replaced all 212 deck panels and the two main bearings, which had been found cracked during a routine inspection in the autumn of the year before last. "We took it down to the bones," said the project's lead engineer. "What you drive on now is, for practical purposes, a new bridge on old stone."

## What changes for commuters

- Buses 4 and 11 return to their old routes from Monday.
- The bridge now has a protected cycle lane on its seaward side.
- The weight limit rises from 7.5 to 40 tonnes, so lorries for the port no longer need to pass through the old town.

> "My daughter was born the week it closed. She has never seen it open." — a resident of the north shore

The council says the work came in 4% under its budget of 38 million. A public walk across the bridge is planned for Sunday afternoon.`,
		comments: []demoComment{
			{parent: -1, author: "Marit Olsen", email: "marit@example.invalid", hoursAgo: 2, text: "Crossed it on my bike at seven. The new lane is wide enough for two abreast, which nobody expected."},
			{parent: 0, author: "Dev Patel", email: "dev@example.invalid", hoursAgo: 2, text: "Is the lane open in both directions, or only towards the port?"},
			{parent: 1, author: "Marit Olsen", email: "marit@example.invalid", hoursAgo: 1, text: "Both, separated by a low kerb. The town side is still a bit rough at the joint."},
			{parent: 1, staff: "ines", hoursAgo: 1, text: "Both directions, confirmed by the council this morning. The joint on the town side gets its final surface on Thursday night."},
			{parent: -1, author: "Old Town Resident", email: "resident@example.invalid", hoursAgo: 1, text: "Forty-tonne lorries off our street at last. Thank you for reporting on this for two years."},
			{parent: -1, author: "Halvard", email: "halvard@example.invalid", hoursAgo: 1, held: true, text: "Does anyone know whether the Sunday walk will be step-free? I'd like to bring my father."},
			{parent: -1, pingback: "https://harbourblog.example.org/2026/bridge-open/", author: "The Harbour Blog", hoursAgo: 1, text: "[…] the city's paper has the details of what changes for buses and cyclists […]"},
		},
	},
	{
		title: "Council votes to keep the night library open all year", category: "Politics", author: "ines", picture: "library", hoursAgo: 20,
		tags: []string{"Council", "Libraries"},
		body: `After a debate that ran past midnight, the city council voted 23 to 18 to fund the night library's opening hours for another full year.

The library, which stays open until two in the morning from Thursday to Saturday, began as a six-month trial. Its visitors are mostly students, shift workers and, in the words of one councillor, "people who simply have nowhere quiet to be."

| Month | Night visits | Loans |
|---|---:|---:|
| January | 3,120 | 1,455 |
| February | 3,480 | 1,602 |
| March | 4,010 | 1,918 |

Opponents argued that the money -- about 410,000 a year -- would do more good in daytime branches on the city's edge. The council asked for a report on those branches before next year's budget.`,
		comments: []demoComment{
			{parent: -1, author: "Night Nurse", email: "nurse@example.invalid", hoursAgo: 18, text: "I finish at one. It is the only place open where I can sit down and read before going home."},
			{parent: 0, author: "Councillor's Office", email: "office@example.invalid", hoursAgo: 16, text: "Thank you for writing. Stories like yours were read out in the debate."},
			{parent: -1, author: "Sceptical Taxpayer", email: "taxpayer@example.invalid", hoursAgo: 12, text: "What does a night visit cost per person, compared with a daytime one?"},
			{parent: 2, staff: "ines", hoursAgo: 10, text: "About 4.10 per visit at night against 2.60 by day, from the council's own figures. We will publish the full report when it comes."},
		},
	},
	{
		title: "Why the river ran green on Tuesday", category: "Science", author: "tomas", picture: "river", hoursAgo: 45,
		tags: []string{"Environment", "Explainer"},
		body: `Walkers along the river on Tuesday morning found it a bright, almost luminous green. By the afternoon the colour was gone. Here is what happened.

It was a dye test. The water authority added a small amount of **fluorescein**, a harmless tracer used since the nineteenth century, at a storm drain two kilometres upstream. Downstream sensors timed how long the dye took to arrive and how much it spread, which tells engineers how quickly anything else spilled into that drain would travel.[^1]

The test had been announced, but only on a notice fixed to the drain itself, which, as one reader pointed out, "is not where people look."

[^1]: Fluorescein glows under daylight at concentrations of a few parts per billion, which is why so little is needed.`,
		comments: []demoComment{
			{parent: -1, author: "Angler Joe", email: "joe@example.invalid", hoursAgo: 40, text: "The fish did not seem to mind. I did, until I read this."},
			{parent: 0, staff: "tomas", hoursAgo: 39, text: "At those concentrations it is harmless to fish; the authority's note on the test is linked from their site."},
		},
	},
	{
		title: "A festival of small theatres fills the old market hall", category: "Culture", author: "priya", picture: "theatre", hoursAgo: 70,
		tags: []string{"Theatre", "Weekend"},
		body: `Eleven companies, none with more than six actors, share a single stage in the old market hall this week. Performances start every ninety minutes from noon, and tickets cost what you choose to pay.

The festival's director says the format came from necessity: "None of us could fill a real theatre for a week. Together we can fill this hall for a day."

Highlights include a one-woman *Odyssey* told entirely from the point of view of the ship, and a comedy about a lighthouse keeper who has never seen the sea.`,
	},
	{
		title: "Corrections and clarifications: how we fix our mistakes", category: "From the newsroom", author: "newsroom", hoursAgo: 100,
		tags: []string{"Standards"},
		body: `When we get something wrong, we say so, on the article itself and on this page.

A correction is added at the end of an article when we have published a fact that was wrong. A clarification is added when what we wrote was accurate but could be read in a misleading way. We never quietly edit a published article to remove an error.

If you think we have made a mistake, reply below or write to the newsroom. Every message is read by an editor.`,
	},
	{
		title: "Evening ferry to the islands returns for the summer", category: "Local", author: "kofi", picture: "ferry", hoursAgo: 130,
		tags: []string{"Transport", "Islands"},
		body: `The 19:40 sailing to the outer islands resumes on the first of the month, the ferry company said, after a winter in which the last boat left at five.

Islanders had collected 2,300 signatures for the evening crossing, which lets them work a full day in the city. The company says it will run the sailing until the end of September and decide on the winter timetable in August.`,
		comments: []demoComment{
			{parent: -1, author: "Islander", email: "islander@example.invalid", hoursAgo: 120, text: "Finally. A winter of leaving meetings at half past four is enough."},
		},
	},
	{
		title: "Market traders agree on a plastic-free Saturday", category: "Business", author: "kofi", picture: "market", hoursAgo: 160,
		tags: []string{"Markets", "Environment"},
		body: `Forty-one of the forty-five stallholders in the old market square have signed up to sell without plastic bags or trays on Saturdays from next month.

Shoppers are asked to bring their own bags; paper ones will cost ten cents. "It costs us a little at first," said the chair of the traders' association, "but our customers have been asking for this for years."`,
	},
	{
		title: "New pitch, same problems: the stadium's first month", category: "Sport", author: "priya", picture: "pitch", hoursAgo: 190,
		tags: []string{"Football", "Stadium"},
		body: `The municipal stadium's new hybrid pitch cost 1.2 million and was meant to end the winter of postponed matches. A month in, two games have already been called off.

The groundsman says the grass is fine; the drainage beneath it is not. The council has asked the contractor to return before the spring fixtures.`,
		comments: []demoComment{
			{parent: -1, author: "Season Ticket", email: "season@example.invalid", hoursAgo: 185, text: "Two postponements in a month is the same as last year. What did the 1.2 million buy?"},
			{parent: 0, author: "Groundskeeper's Friend", email: "friend@example.invalid", hoursAgo: 180, text: "Better grass, to be fair. The drains were never part of the contract."},
			{parent: 1, author: "Season Ticket", email: "season@example.invalid", hoursAgo: 170, text: "Then someone should have put them in it."},
		},
	},
	{
		title: "The city at dusk: a photographer's year on the rooftops", category: "Culture", author: "priya", picture: "skyline", hoursAgo: 220,
		tags: []string{"Photography", "Exhibitions"},
		body: `For a year, a retired postman climbed to a different rooftop every Friday evening and photographed the same hour: the twenty minutes after sunset, when the towers light up.

Fifty-two of the pictures hang in the town hall's gallery until the end of the month. Entry is free.`,
	},
	{
		title: "Budget gap narrows as tourism returns", category: "Politics", author: "ines", picture: "skyline", hoursAgo: 260,
		tags: []string{"Council", "Budget"},
		body: `The city's deficit for the year is now forecast at 6.4 million, down from 11 million in the spring, mainly because the tourist tax brought in more than expected.

The finance committee warned against counting on another good summer and proposed keeping the hiring freeze until the accounts close.`,
	},
	{
		title: "Rainfall record: the wettest October since 1961", category: "Science", author: "tomas", picture: "river", hoursAgo: 300,
		tags: []string{"Weather", "Climate"},
		body: `October's rain gauge at the airport collected 212 millimetres, the most for the month since records began in 1961 and nearly three times the average.

Hydrologists say the soil is now so wet that even ordinary rain will run straight into the rivers. Residents of the low streets by the east bank have been told where sandbags can be collected.`,
		comments: []demoComment{
			{parent: -1, author: "East Bank", email: "eastbank@example.invalid", hoursAgo: 295, text: "Where exactly are the sandbags? The council page does not say."},
			{parent: 0, staff: "tomas", hoursAgo: 290, text: "At the fire station on Quay Street and the depot behind the swimming pool, from 8 to 20 every day this week."},
		},
	},
	{
		title: "Port handles record cargo as new crane arrives", category: "Business", author: "kofi", picture: "ferry", hoursAgo: 340,
		tags: []string{"Port", "Trade"},
		body: `The port moved 1.9 million tonnes of cargo in the third quarter, a record, and its second container crane arrived by sea on Wednesday.

The crane, 70 metres tall when its boom is raised, should halve the time a container ship spends at the quay. It will be tested for six weeks before taking its first ship.`,
	},
	{
		title: "School meals to be cooked in schools again", category: "Local", author: "ines", hoursAgo: 380,
		tags: []string{"Schools", "Council"},
		body: `From January, the city's fourteen primary schools will cook lunch in their own kitchens instead of reheating meals delivered from a central plant.

Parents' associations had campaigned for three years. The change costs 900,000 to set up, mostly for ovens, and the council expects the running costs to be about the same.`,
	},
	{
		title: "How we choose which letters to publish", category: "From the newsroom", author: "newsroom", hoursAgo: 420,
		tags: []string{"Standards", "Readers"},
		body: `We receive about two hundred letters a week and publish around fifteen. We choose those that add a fact, an experience or an argument our reporting missed.

We do not publish letters that attack a person rather than an argument, and we always check that the writer exists. Comments under articles follow the same spirit: a moderator reads every one that the site holds back.`,
	},
	{
		title: "Cycling counts up by a third since the lanes opened", category: "Local", author: "kofi", picture: "bridge", hoursAgo: 460,
		tags: []string{"Transport", "Cycling"},
		body: `Automatic counters on the four new cycle lanes recorded an average of 5,800 trips a day in September, a third more than a year earlier.

Shopkeepers on the lanes' routes, who feared losing trade with the parking spaces, report no change in takings so far.`,
	},
	{
		title: "Storm drains: what the dye test found", category: "Science", author: "tomas", hoursAgo: 500,
		tags: []string{"Environment", "Water"},
		body: `The results of last month's dye test are in: water entering the storm drain on Mill Road reaches the river's mouth in four hours and ten minutes, faster than the authority's model predicted.

That matters for spills. The authority will add two valves that can close the drain within minutes, and publish the full report in the spring.`,
	},
	{
		title: "Twelve choirs, one cathedral, no tickets", category: "Culture", author: "priya", hoursAgo: 540,
		tags: []string{"Music", "Weekend"},
		body: `The cathedral's winter festival brings twelve choirs together on Saturday, from a children's choir of thirty to a workers' choir founded in 1921.

Doors open at two; there are no tickets and no reserved seats.`,
	},
	{
		title: "Local side climbs to third after late winner", category: "Sport", author: "priya", picture: "pitch", hoursAgo: 580,
		tags: []string{"Football"},
		body: `A header in the ninety-third minute gave the city's team a 2-1 win away from home and lifted them to third place, their highest in six seasons.

The manager called it "a scrappy game won by people who refused to stop running".`,
	},
	{
		title: "What the new parking rules mean for residents", category: "Local", author: "ines", hoursAgo: 620,
		tags: []string{"Transport", "Explainer"},
		body: `From March, parking in the old town will need a residents' permit between eight in the morning and eight at night.

- Permits cost 60 a year for the first car and 180 for the second.
- Visitors can buy day passes at the town hall or by text message.
- Blue badge holders park free, as now.

The council says the scheme will pay for itself within two years.`,
	},
	{
		title: "Bakery chain to open a training kitchen for young cooks", category: "Business", author: "kofi", picture: "market", hoursAgo: 660,
		tags: []string{"Jobs", "Food"},
		body: `A regional bakery chain will train twenty-four apprentices a year in a kitchen above its shop on Station Road, it announced on Monday.

Apprentices are paid from the first day and the course lasts eighteen months.`,
	},
	{
		title: "Councillors clash over the harbour master plan", category: "Politics", author: "ines", picture: "ferry", hoursAgo: 700,
		tags: []string{"Council", "Harbour"},
		body: `The plan to turn the old coal wharf into housing and a park split the council along unusual lines on Thursday, with members of the same parties voting on both sides.

The vote was postponed until a public consultation ends in January.`,
	},
	{
		title: "Night sky: the best week for shooting stars", category: "Science", author: "tomas", picture: "library", hoursAgo: 740,
		tags: []string{"Astronomy", "Weekend"},
		body: `The Geminids peak this week, with up to a hundred meteors an hour under a dark sky. The best hours are after midnight, looking east.

The observatory on the hill opens its terrace on Wednesday and Thursday nights, weather permitting.`,
	},
	{
		title: "Swimming pool to reopen after roof repairs", category: "Local", author: "kofi", hoursAgo: 780,
		tags: []string{"Sport", "Infrastructure"},
		body: `The municipal pool, closed since a storm damaged its roof in the spring, reopens on Saturday with longer hours on weekdays.

Lane swimming starts at 6:30, and the learner pool keeps its free sessions for children on Sunday mornings.`,
	},
	{
		title: "A year of the reader panel: what you told us", category: "From the newsroom", author: "newsroom", hoursAgo: 820,
		tags: []string{"Readers"},
		body: `A year ago we asked thirty readers to tell us, every month, what we missed and what we got wrong. They asked for more reporting on the islands, fewer anonymous sources and a clearer way to send us corrections.

We have acted on all three; this site's reply form now goes straight to an editor.`,
	},
}

// demoScheduled is published by the scheduler a day after the demo starts.
var demoScheduled = demoArticle{
	title: "Bridge walk: the route, the times and where to park", category: "Local", author: "ines", picture: "bridge", hoursAgo: -26,
	tags: []string{"Transport", "Weekend"},
	body: `Sunday's walk across the reopened harbour bridge starts at two from the north shore. The route is step-free and takes about forty minutes at an easy pace.

Parking on the north shore is closed for the afternoon; buses 4 and 11 run every ten minutes.`,
}

// demoPages are the site's fixed pages.
var demoPages = []struct{ title, body string }{
	{"About", "We are a small, independent newsroom covering the city and the region.\n\nOur reporting is free to read and free of trackers: this site loads nothing from anyone else. The pictures on this demo site are drawings made for Communiqué and free to reuse (CC0)."},
	{"Contact", "Write to the newsroom at **newsroom@example.invalid**.\n\nFor corrections, reply under the article concerned; an editor reads every comment."},
}
