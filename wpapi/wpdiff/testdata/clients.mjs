// One client script, run unchanged against WordPress and against
// Communiqué: the same steps with the npm packages "wpapi" (discovered
// from the site's Link header) and "@wordpress/api-fetch" (the block
// editor's client, here without a browser). It prints what it saw as
// JSON, in terms that do not depend on ids, for clients_test.go to
// compare.
//
// Environment: NODE_MODULES, SITE (the site's address), LOGIN and
// APP_PASSWORD (an administrator's), ABOUT (the parent page's id),
// WEATHER (a tag's id), RUN (a word that makes this run's names unique).
import { createRequire } from 'node:module';
import path from 'node:path';

const env = process.env;
const require = createRequire(path.join(env.NODE_MODULES, 'resolve.js'));
// api-fetch calls window.fetch; Node 20 has fetch, but no window.
globalThis.window = globalThis;
const WPAPI = require('wpapi');
const apiFetch = require('@wordpress/api-fetch').default;

const auth = 'Basic ' + Buffer.from(env.LOGIN + ':' + env.APP_PASSWORD).toString('base64');
const out = { wpapi: {}, apiFetch: {} };
const slugs = (list) => list.map((p) => p.slug).sort();

async function withWPAPI(o) {
  const wp = await WPAPI.discover(env.SITE);
  // Discovery made methods from the index's arguments.
  o.discovered = {
    sticky: typeof wp.posts().sticky === 'function',
    parent: typeof wp.pages().parent === 'function',
    types: typeof wp.types === 'function',
    taxonomies: typeof wp.taxonomies === 'function',
  };
  o.fields = Object.keys((await wp.posts().param('_fields', 'id,title.rendered'))[0]).sort();
  o.nested = (await wp.posts().param('_fields', 'title.rendered').perPage(1))[0];
  o.sticky = slugs(await wp.posts().param('sticky', true));
  o.notSticky = (await wp.posts().param('sticky', false))._paging.total;
  o.children = slugs(await wp.pages().param('parent', Number(env.ABOUT)));
  o.types = Object.keys(await wp.types()).filter((t) => ['post', 'page', 'attachment'].includes(t)).sort();
  wp.auth({ username: env.LOGIN, password: env.APP_PASSWORD });
  const tag = await wp.tags().id(Number(env.WEATHER)).update({ description: 'wpapi ' + env.RUN });
  o.termUpdate = tag.description;
}

async function withAPIFetch(o) {
  apiFetch.use(apiFetch.createRootURLMiddleware(env.SITE + '/wp-json/'));
  apiFetch.use((options, next) => next({ ...options, headers: { ...options.headers, Authorization: auth } }));
  o.fields = Object.keys((await apiFetch({ path: '/wp/v2/posts?_fields=id,title.rendered' }))[0]).sort();
  o.nested = (await apiFetch({ path: '/wp/v2/posts?_fields=title.rendered&per_page=1' }))[0];
  o.sticky = slugs(await apiFetch({ path: '/wp/v2/posts?sticky=true' }));
  const res = await apiFetch({ path: '/wp/v2/posts?sticky=false', parse: false });
  o.notSticky = Number(res.headers.get('X-WP-Total'));
  o.children = slugs(await apiFetch({ path: '/wp/v2/pages?parent=' + env.ABOUT }));
  const tag = await apiFetch({ path: '/wp/v2/tags/' + env.WEATHER, method: 'POST', data: { description: 'api-fetch ' + env.RUN } });
  o.termUpdate = tag.description;
  const options = await apiFetch({ path: '/wp/v2/posts', method: 'OPTIONS', parse: false });
  const route = await options.json();
  o.options = {
    allow: options.headers.get('Allow'),
    methods: route.methods,
    takesSticky: 'sticky' in route.endpoints[0].args,
  };
  o.canUser = (await apiFetch({ path: '/wp/v2/posts', parse: false })).headers.get('Allow');
}

for (const [name, fn] of [['wpapi', withWPAPI], ['apiFetch', withAPIFetch]]) {
  try {
    await fn(out[name]);
  } catch (e) {
    out[name].error = String(e && (e.code || e.message || e));
  }
}
console.log(JSON.stringify(out));
