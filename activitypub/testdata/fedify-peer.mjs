// A fediverse peer built on Fedify (@fedify/fedify from npm), an
// independent and strict ActivityPub implementation, for
// activitypub/fedify_test.go. It serves one actor, alice, on 127.0.0.1,
// verifies every delivery it receives (Fedify refuses unsigned or badly
// signed ones), and does what the Go test asks through /control/…:
// look up an actor by WebFinger or an object by its id, follow, reply,
// edit, like, boost, delete, unfollow. It prints {"port": N} once it listens.
//
// Environment: COMMUNIQUE_NODE_MODULES, where @fedify/fedify is installed.

// Fedify 1.10 wants Node 22's ArrayBuffer.prototype.transfer; Node 20
// lacks it. This is the whole of it, for what Fedify does with it.
if (typeof ArrayBuffer.prototype.transfer !== 'function') {
  ArrayBuffer.prototype.transfer = function (length = this.byteLength) {
    const copy = new ArrayBuffer(length);
    new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
    return copy;
  };
}

import { createRequire } from 'node:module';
import path from 'node:path';
import http from 'node:http';

const require = createRequire(path.join(process.env.COMMUNIQUE_NODE_MODULES, 'resolve.js'));
const f = require('@fedify/fedify');

// Loopback addresses are allowed for this test only.
const federation = f.createFederation({ kv: new f.MemoryKvStore(), allowPrivateAddress: true });
let keyPairs;
federation.setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
  if (identifier !== 'alice') return null;
  const keys = await ctx.getActorKeyPairs(identifier);
  return new f.Person({
    id: ctx.getActorUri(identifier), preferredUsername: identifier, name: 'Alice Fedify',
    url: new URL('/@alice', ctx.getActorUri(identifier)),
    inbox: ctx.getInboxUri(identifier), endpoints: new f.Endpoints({ sharedInbox: ctx.getInboxUri() }),
    publicKey: keys[0].cryptographicKey,
  });
}).setKeyPairsDispatcher(async () => {
  keyPairs ??= [await f.generateCryptoKeyPair('RSASSA-PKCS1-v1_5')];
  return keyPairs;
});

// Fedify calls these only for deliveries whose signature it verified.
const received = [];
const record = async (ctx, activity) => { received.push(await activity.toJsonLd({ format: 'compact' })); };
federation.setInboxListeners('/users/{identifier}/inbox', '/inbox')
  .on(f.Accept, record).on(f.Create, record).on(f.Update, record).on(f.Delete, record).on(f.Announce, record)
  .onError((ctx, err) => console.error('inbox error', err));

const me = { identifier: 'alice' };
let n = 0;
async function control(cmd, args, base) {
  const ctx = federation.createContext(new URL(base), undefined);
  const alice = ctx.getActorUri('alice');
  const id = (what) => new URL(`/${what}/${++n}`, base);
  const target = args.actor ? await ctx.lookupObject(args.actor) : null;
  switch (cmd) {
    case 'lookup': {
      const wf = await f.lookupWebFinger(args.resource, { allowPrivateAddress: true });
      const self = wf.links.find((l) => l.rel === 'self');
      const actor = await ctx.lookupObject(self.href);
      return { subject: wf.subject, id: actor.id.href, name: actor.name?.toString(), inbox: actor.inboxId?.href };
    }
    case 'follow':
      await ctx.sendActivity(me, target, new f.Follow({ id: new URL('/follows/alice', base), actor: alice, object: target.id }));
      return {};
    case 'reply':
    case 'update': {
      const note = new f.Note({ id: new URL(args.id, base), attribution: alice, replyTarget: new URL(args.inReplyTo),
        content: args.content, to: f.PUBLIC_COLLECTION });
      const Kind = cmd === 'reply' ? f.Create : f.Update;
      await ctx.sendActivity(me, target, new Kind({ id: id(cmd), actor: alice, object: note, to: f.PUBLIC_COLLECTION }));
      return {};
    }
    case 'like':
      await ctx.sendActivity(me, target, new f.Like({ id: id('likes'), actor: alice, object: new URL(args.object) }));
      return {};
    case 'announce':
      await ctx.sendActivity(me, target, new f.Announce({ id: id('boosts'), actor: alice, object: new URL(args.object), to: f.PUBLIC_COLLECTION }));
      return {};
    case 'delete':
      await ctx.sendActivity(me, target, new f.Delete({ id: id('deletes'), actor: alice, object: new f.Tombstone({ id: new URL(args.id, base) }) }));
      return {};
    case 'unfollow':
      await ctx.sendActivity(me, target, new f.Undo({ id: id('undos'), actor: alice,
        object: new f.Follow({ id: new URL('/follows/alice', base), actor: alice, object: target.id }) }));
      return {};
    case 'object': {
      // Fetched by content negotiation, as a server resolving a reply does.
      const o = await ctx.lookupObject(args.id);
      return o ? await o.toJsonLd({ format: 'compact' }) : null;
    }
    case 'received':
      return received;
  }
  throw new Error('unknown command ' + cmd);
}

const server = http.createServer(async (req, res) => {
  const base = `http://${req.headers.host}`;
  const url = new URL(req.url, base);
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  try {
    if (url.pathname.startsWith('/control/')) {
      const out = await control(url.pathname.slice('/control/'.length), (body.length && JSON.parse(body)) || {}, base);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out));
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const request = new Request(url, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : body });
    const response = await federation.fetch(request, { contextData: undefined });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(err && err.stack || err));
  }
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
