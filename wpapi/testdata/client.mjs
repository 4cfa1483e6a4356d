// A WordPress REST client from the npm registry (the "wpapi" package)
// against a running Communiqué: discovery, listing, pagination, filters,
// an anonymous comment, then with an application password a new post and
// a moderated comment. It prints what it saw as JSON for client_test.go.
//
// Environment: COMMUNIQUE_NODE_MODULES (where wpapi is installed), SITE
// (the site's address), LOGIN and APP_PASSWORD (an editor's), CATEGORY,
// POST and COMMENT (ids from the fixture: a category, a published post,
// a held comment).
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.COMMUNIQUE_NODE_MODULES, 'resolve.js'));
const WPAPI = require('wpapi');

const env = process.env;
const category = Number(env.CATEGORY);
const postID = Number(env.POST);
const commentID = Number(env.COMMENT);
const out = {};

async function failure(promise) {
  try {
    await promise;
    return { code: 'no error' };
  } catch (e) {
    return { code: e.code, status: e.data && e.data.status };
  }
}

try {
  // Discovery: the Link header of the site's home page, then the index.
  const wp = await WPAPI.discover(env.SITE);
  out.endpoint = wp._options.endpoint;

  const posts = await wp.posts();
  out.list = { count: posts.length, titles: posts.map((p) => p.title.rendered), total: posts._paging.total };

  const page2 = await wp.posts().perPage(2).page(2);
  out.page2 = {
    ids: page2.map((p) => p.id), total: page2._paging.total, totalPages: page2._paging.totalPages,
    hasPrev: Boolean(page2._paging.prev), hasNext: Boolean(page2._paging.next),
  };
  const page3 = await page2._paging.next;
  out.page3 = page3.map((p) => p.id);

  out.category = (await wp.posts().categories(category)).map((p) => p.id);
  out.search = (await wp.posts().search('harbour')).map((p) => p.id);
  out.categoryAndSearch = (await wp.posts().categories([category]).search('ferry')).map((p) => p.id);
  out.byDate = (await wp.posts().after(new Date('2026-05-22T00:00:00Z')).order('asc').orderby('date')).map((p) => p.id);

  const embedded = await wp.posts().id(postID).embed();
  out.embedded = { author: embedded._embedded.author[0].name, terms: embedded._embedded['wp:term'].length };

  out.notFound = await failure(wp.posts().id(999999));
  out.draftsAnonymously = await failure(wp.posts().status('draft'));

  // Anyone may comment, through the site's moderation rules.
  const anonymous = new WPAPI({ endpoint: out.endpoint });
  const mine = await anonymous.comments().create({
    post: postID, author_name: 'Node Reader', author_email: 'node@example.net', content: 'Posted with the wpapi client.',
  });
  out.anonymousComment = { status: mine.status, showsEmail: JSON.stringify(mine).includes('node@example.net') };
  out.publicComments = JSON.stringify(await anonymous.comments().post(postID)).includes('@example');

  // Application password, as HTTP Basic.
  out.wrongPassword = await failure(new WPAPI({ endpoint: out.endpoint, username: env.LOGIN, password: 'abcd efgh ijkl mnop qrst uvwx' }).users().me());
  wp.auth({ username: env.LOGIN, password: env.APP_PASSWORD });
  out.me = (await wp.users().me()).name;
  const created = await wp.posts().create({
    title: 'Written with wpapi', content: '<p>Hello from <em>node</em>.</p>', status: 'publish', categories: [category],
  });
  out.created = { id: created.id, status: created.status, title: created.title.raw, categories: created.categories, link: created.link };
  out.listedAfter = (await wp.posts().perPage(1)).map((p) => p.title.rendered);

  const held = await wp.comments().status('hold');
  out.heldBefore = held.map((c) => c.id);
  const moderated = await wp.comments().id(commentID).update({ status: 'approved' });
  out.moderated = { id: moderated.id, status: moderated.status, email: moderated.author_email };
  out.heldAfter = (await wp.comments().status('hold')).map((c) => c.id);
} catch (e) {
  console.log(JSON.stringify({ error: String((e && (e.message || e.code)) || e), detail: e }));
  process.exit(1);
}
console.log(JSON.stringify(out));
