#!/usr/bin/env node
// koa-jwt: a small notes API on Koa 2 (@koa/router, @koa/bodyparser) with access and refresh tokens,
// all state in memory (no database: every start begins from the same users and notes).
//
//   node app.js    serve on 127.0.0.1:$PORT (lab/up does this); LAB_VARIANT=vulnerable|fixed, LAB_PASSWORD
//
// The token flaws (tokens.js, FLAW/FIX <rule id>) are the only difference between the variants; the
// hardening below is shared.
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const Koa = require('koa');
const Router = require('@koa/router');
const { bodyParser } = require('@koa/bodyparser');
const tokens = require('./tokens');

const RATE_LIMIT = 10_000; // requests per client and minute: generous, but there and announced
const RATE_WINDOW_MS = 60_000;

function users(password) {
  const make = (username, displayName, pw, notes) => ({ id: crypto.randomUUID(), username,
    display_name: displayName, password: tokens.hashPassword(pw),
    notes: notes.map(([title, body]) => ({ id: crypto.randomUUID(), title, body })) });
  const list = [
    make('alice', 'Alice', password, [['Tea party', 'Six o\'clock, always.'],
      ['Croquet', 'Flamingos for mallets, hedgehogs for balls.']]),
    make('bob', 'Bob', `${password}-bob`, [['Shopping', 'Bread, butter, jam.']]),
  ];
  return new Map(list.map((u) => [u.username, u]));
}

// nosniff, no framing, no caching (token responses above all), HSTS, and JSON errors without stack traces.
async function harden(ctx, next) {
  ctx.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  });
  try {
    await next();
  } catch (err) {
    const status = err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) console.error(err);
    ctx.status = status;
    ctx.body = { error: status === 500 ? 'internal error' : 'bad request' };
    return;
  }
  if (ctx.body == null && ctx.status >= 400) { // the 404 of an unknown path, the router's 405/501
    const { status } = ctx;
    ctx.body = { error: (http.STATUS_CODES[status] || 'error').toLowerCase() };
    ctx.status = status; // (Koa turns a body set without an explicit status into a 200)
  }
}

function rateLimit() {
  const windows = new Map(); // client address -> [window start, requests]
  return async (ctx, next) => {
    const t = Date.now();
    if (windows.size > 10_000) windows.clear();
    let [start, used] = windows.get(ctx.ip) || [t, 0];
    if (t - start >= RATE_WINDOW_MS) [start, used] = [t, 0];
    windows.set(ctx.ip, [start, ++used]);
    const reset = Math.ceil((start + RATE_WINDOW_MS - t) / 1000);
    ctx.set({ 'X-RateLimit-Limit': String(RATE_LIMIT), 'X-RateLimit-Remaining': String(Math.max(0, RATE_LIMIT - used)),
      'X-RateLimit-Reset': String(reset) });
    if (used > RATE_LIMIT) {
      ctx.set('Retry-After', String(reset));
      ctx.status = 429;
      ctx.body = { error: 'rate limit exceeded' };
      return;
    }
    await next();
  };
}

function unauthorized(ctx, message, error) {
  ctx.set('WWW-Authenticate', tokens.REALM + (error ? `, error="${error}"` : ''));
  ctx.status = 401;
  ctx.body = { error: message };
}

function app({ variant, password }) {
  const store = tokens.tokenStore({ vulnerable: variant === 'vulnerable' });
  const byName = users(password);

  const signedIn = async (ctx, next) => {
    const auth = store.authenticate(ctx);
    if (!auth.user) return unauthorized(ctx, auth.error ? 'invalid token' : 'not authenticated', auth.error);
    ctx.state.auth = auth;
    return next();
  };

  const r = new Router({ prefix: '/api' });
  r.get('/health', (ctx) => { ctx.body = { status: 'ok' }; });

  r.post('/auth/login', (ctx) => {
    const { username, password: pw } = ctx.request.body || {};
    if (typeof username !== 'string' || typeof pw !== 'string') {
      ctx.status = 400;
      ctx.body = { error: 'username and password are required' };
      return;
    }
    const user = byName.get(username);
    // one answer for an unknown name and a wrong password, with the same scrypt work (both variants)
    const ok = tokens.checkPassword(pw, user ? user.password : tokens.DUMMY_HASH);
    if (!user || !ok) return unauthorized(ctx, 'invalid credentials');
    ctx.body = store.login(user);
  });

  r.post('/auth/refresh', (ctx) => {
    const { refresh_token: token } = ctx.request.body || {};
    if (typeof token !== 'string' || !token) {
      ctx.status = 400;
      ctx.body = { error: 'refresh_token is required' };
      return;
    }
    const result = store.refresh(token);
    if (!result.grant) return unauthorized(ctx, result.error, 'invalid_token');
    ctx.body = result.grant;
  });

  r.post('/auth/logout', signedIn, (ctx) => {
    store.logout(ctx.state.auth);
    ctx.body = { status: 'logged out' };
  });

  r.get('/me', signedIn, (ctx) => {
    const { id, username, display_name: displayName } = ctx.state.auth.user;
    ctx.body = { id, username, display_name: displayName };
  });

  r.get('/notes', signedIn, (ctx) => {
    ctx.body = { notes: ctx.state.auth.user.notes };
  });

  const a = new Koa();
  a.proxy = false;
  a.use(harden);
  a.use(rateLimit());
  a.use(bodyParser({ enableTypes: ['json'], jsonLimit: '16kb' }));
  a.use(async (ctx, next) => {
    if (ctx.path === '/' && ctx.method === 'GET') {
      ctx.body = { service: 'koa-jwt', api: '/api' };
      return;
    }
    await next();
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
    .listen(port, '127.0.0.1', () => console.log(`koa-jwt (${variant}) on ${port}`));
}

main();
