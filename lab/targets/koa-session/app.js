#!/usr/bin/env node
// koa-session: an HTML login on Koa 2 (@koa/router, @koa/bodyparser) whose session is koa-session's,
// signed (app.keys set): every session cookie `koa.sess` travels with its signature cookie
// `koa.sess.sig` (cookies/keygrip: HMAC-SHA1 of "koa.sess=<value>" under app.keys[0], base64url
// without padding), and koa-session only reads `koa.sess` when `koa.sess.sig` matches it. So the
// session is carried by the two cookies as one unit: the value without its signature, or the
// signature with another value, is no session (an anonymous one is started instead).
//
//   GET  /login    login form with a hidden csrf_token; the token lives in the session, so the
//                  pre-auth session (koa.sess + koa.sess.sig) is issued here
//   POST /login    form username, password, csrf_token -> 303 Location: /profile
//                  (403 without the session's csrf_token, 401 for bad credentials)
//   GET  /profile  "Signed in as alice" or 401
//   POST /logout   ends the session (200)
//
//   node app.js    serve on 127.0.0.1:$PORT (lab/up does this); LAB_VARIANT=vulnerable|fixed, LAB_PASSWORD
//
// LAB_VARIANT=vulnerable: koa-session's defaults, the COOKIE store: the whole session (user, csrf token,
// koa-session's own _expire/_maxAge) is base64 JSON in koa.sess, signed by koa.sess.sig; logout only
// clears the cookies in the browser. Cookie attributes as koa-session sets them by default: path=/,
// httponly, no secure over http, no samesite, no expires (a browser-session cookie; koa-session's
// one-day maxAge default is only the _expire inside the signed data).
// LAB_VARIANT=fixed: koa-session with an external server-side store (an in-memory Map honouring
// maxAge): koa.sess holds only a random session key (randomUUID, koa-session's genid) plus its .sig;
// a new key on login (ctx.session.regenerate()), the store entry destroyed on logout, cookies
// secure + httponly + samesite=lax, one hour.
// Both variants: app.keys random on every start, alice's password as scrypt, concurrent sessions
// allowed (a second login does not end the first).
'use strict';

const crypto = require('node:crypto');
const Koa = require('koa');
const Router = require('@koa/router');
const { bodyParser } = require('@koa/bodyparser');
const session = require('koa-session');

const createSession = session.createSession || session.default || session;
const FIXED_MAX_AGE_MS = 3600 * 1000; // one hour (koa-session writes it as expires=, not max-age=)

// --- password (scrypt; an unknown name costs the same as a wrong password) ---------------------

function hashPassword(password, salt = crypto.randomBytes(16)) {
  return { salt, hash: crypto.scryptSync(password, salt, 32) };
}

function checkCredentials(users, username, password) {
  if (typeof username !== 'string' || typeof password !== 'string') return false;
  const user = users.get(username) || users.get('alice');
  const ok = crypto.timingSafeEqual(hashPassword(password, user.salt).hash, user.hash);
  return ok && users.has(username);
}

// --- the fixed variant's server-side store ----------------------------------------------------

// koa-session's external store interface: get(key, maxAge, {rolling, ctx}), set(key, sess, maxAge,
// {rolling, changed, ctx}), destroy(key, {ctx}). maxAge is in ms (koa-session adds 10 s to the
// cookie's); an entry past it is gone.
function memoryStore() {
  const entries = new Map(); // session key -> { sess, expires }
  const prune = () => {
    if (entries.size <= 100_000) return;
    const t = Date.now();
    for (const [k, e] of entries) if (e.expires <= t) entries.delete(k);
  };
  return {
    async get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expires <= Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return structuredClone(e.sess);
    },
    async set(key, sess, maxAge) {
      prune();
      const ttl = typeof maxAge === 'number' ? maxAge : FIXED_MAX_AGE_MS;
      entries.set(key, { sess: structuredClone(sess), expires: Date.now() + ttl });
    },
    async destroy(key) {
      entries.delete(key);
    },
  };
}

// --- pages --------------------------------------------------------------------------------------

const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;');

function page(ctx, status, title, body) {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;
}

// nosniff, no framing, no caching, and HTML errors without stack traces (both variants).
async function harden(ctx, next) {
  ctx.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  try {
    await next();
  } catch (err) {
    const status = err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) console.error(err);
    page(ctx, status, 'Error', `<p>${status === 500 ? 'Internal error.' : 'Bad request.'}</p>`);
  }
}

function app({ variant, password }) {
  const fixed = variant === 'fixed';
  const users = new Map([['alice', hashPassword(password)]]);

  const a = new Koa();
  a.proxy = false;
  // Signed cookies: koa-session (signed: true, its default) writes koa.sess.sig next to koa.sess.
  a.keys = [crypto.randomBytes(32).toString('hex')];

  let options;
  if (fixed) {
    options = {
      // FIX SESS-004: the session lives on the server (koa.sess holds only a random key), so logout
      // can end it: ctx.session = null destroys the store entry.
      store: memoryStore(),
      httpOnly: true,
      secure: true, // FIX SESS-008 (see the middleware below: the lab serves plain http)
      sameSite: 'lax', // FIX SESS-009
      maxAge: FIXED_MAX_AGE_MS, // one hour (SESS-011 judges more than a day)
      rolling: false,
    };
    // The cookies module refuses `secure: true` on a request that did not come over TLS ("Cannot
    // send secure cookie over unencrypted connection") unless ctx.cookies.secure says the connection
    // is secure (Koa sets it from ctx.request.secure; app.proxy + X-Forwarded-Proto would need the
    // client's help). The lab serves http://127.0.0.1, as a TLS-terminating proxy would forward it.
    a.use(async (ctx, next) => {
      ctx.cookies.secure = true;
      await next();
    });
  } else {
    // FLAW SESS-004: koa-session's default cookie store: the whole session is in koa.sess (signed
    // by koa.sess.sig). Logout (ctx.session = null) only tells the browser to drop the cookies; a
    // copy of the pair stays a valid session until the _expire inside it (one day after its last
    // write): a client-side session cannot be revoked.
    // FLAW SESS-008 -- no secure: koa-session leaves it to the cookies module, which adds it only
    // on an encrypted connection; FLAW SESS-009 -- no samesite (koa-session's default: unset).
    // httpOnly is koa-session's default (no SESS-007); no maxAge: a browser-session cookie.
    options = {};
  }
  a.use(harden);
  a.use(createSession(options, a)); // key "koa.sess" (koa-session's default)
  a.use(bodyParser({ enableTypes: ['form'], formLimit: '16kb' }));

  const r = new Router();
  r.get('/', (ctx) => {
    page(ctx, 200, 'koa-session', '<p>koa-session lab target. <a href="/login">Sign in</a></p>');
  });

  r.get('/login', (ctx) => {
    // The form's CSRF token lives in the session: writing it issues the anonymous session
    // (Set-Cookie: koa.sess=...; koa.sess.sig=...) before authentication.
    if (typeof ctx.session.csrf !== 'string') ctx.session.csrf = crypto.randomBytes(32).toString('hex');
    page(ctx, 200, 'Sign in', '<h1>Sign in</h1>\n'
      + '<form method="post" action="/login">\n'
      + `  <input type="hidden" name="csrf_token" value="${escape(ctx.session.csrf)}">\n`
      + '  <input name="username" autocomplete="username">\n'
      + '  <input name="password" type="password" autocomplete="current-password">\n'
      + '  <button>Sign in</button>\n'
      + '</form>');
  });

  r.post('/login', async (ctx) => {
    const body = ctx.request.body || {};
    const expected = ctx.session.csrf;
    const sent = body.csrf_token;
    if (typeof expected !== 'string' || typeof sent !== 'string' || sent.length !== expected.length
        || !crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
      page(ctx, 403, 'Sign in', '<p>Invalid or missing CSRF token; load <a href="/login">the form</a> again.</p>');
      return;
    }
    if (!checkCredentials(users, body.username, body.password)) {
      page(ctx, 401, 'Sign in', '<p>Invalid credentials.</p>');
      return;
    }
    if (fixed) {
      // FIX SESS-001: a new session key for the authenticated session: regenerate() destroys the
      // pre-auth store entry and saves the session under a fresh genid() (randomUUID).
      await ctx.session.regenerate();
      ctx.session.csrf = crypto.randomBytes(32).toString('hex');
    }
    // vulnerable: the cookie store writes the changed session (now with the user) into a new
    // koa.sess value and signature; the pre-auth pair still decodes to an anonymous session.
    ctx.session.user = body.username;
    ctx.status = 303;
    ctx.set('Location', '/profile');
    ctx.body = '';
  });

  r.get('/profile', (ctx) => {
    const user = ctx.session.user;
    if (typeof user !== 'string') {
      page(ctx, 401, 'Profile', '<p>Not signed in. <a href="/login">Sign in</a></p>');
      return;
    }
    page(ctx, 200, 'Profile', `<p>Signed in as ${escape(user)}</p>`);
  });

  r.post('/logout', (ctx) => {
    // Both variants: koa-session deletes koa.sess and koa.sess.sig in the browser; only the fixed
    // variant's store entry is destroyed with them (FIX SESS-004; vulnerable: FLAW SESS-004 above).
    ctx.session = null;
    page(ctx, 200, 'Signed out', '<p>Signed out.</p>');
  });

  a.use(r.routes());
  a.use(r.allowedMethods());
  return a;
}

function main() {
  const variant = process.env.LAB_VARIANT || 'vulnerable';
  if (!['vulnerable', 'fixed'].includes(variant)) throw new Error(`LAB_VARIANT ${variant}: vulnerable or fixed`);
  const port = Number(process.env.PORT || 8080);
  app({ variant, password: process.env.LAB_PASSWORD || 'wonderland-7' })
    .listen(port, '127.0.0.1', () => console.log(`koa-session (${variant}) on ${port}`));
}

main();
