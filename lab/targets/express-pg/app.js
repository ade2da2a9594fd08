#!/usr/bin/env node
// express-pg: a small shop API on Express 5 and PostgreSQL (node-postgres), JWT bearer logins.
//
//   node app.js            serve on 127.0.0.1:$PORT (lab/up does this); LAB_VARIANT=vulnerable|fixed,
//                          DATABASE_URL (a fresh database), LAB_PASSWORD, LAB_TRAP_FILE (the trap's counter)
//   node app.js --routes   print the API's routes as JSON [[METHOD, path], …] (lab/verify compares
//                          them with the variant's OpenAPI document)
//
// The flaws (api.js, graphql.js, auth.js) are the only difference between the variants; the hardening
// below is shared.
'use strict';

const fs = require('node:fs');
const express = require('express');
const { Pool } = require('pg');
const { router } = require('./api');
const auth = require('./auth');
const db = require('./db');

const RATE_LIMIT = 10_000; // requests per client and minute: generous, but there and announced
const RATE_WINDOW_MS = 60_000;

function harden(req, res, next) {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'Cache-Control': 'no-store',
  });
  next();
}

function rateLimit() {
  const windows = new Map(); // client address -> [window start, requests]
  return (req, res, next) => {
    const now = Date.now();
    if (windows.size > 10_000) windows.clear();
    let [start, used] = windows.get(req.ip) || [now, 0];
    if (now - start >= RATE_WINDOW_MS) [start, used] = [now, 0];
    windows.set(req.ip, [start, ++used]);
    const reset = Math.ceil((start + RATE_WINDOW_MS - now) / 1000);
    res.set({ 'X-RateLimit-Limit': String(RATE_LIMIT), 'X-RateLimit-Remaining': String(Math.max(0, RATE_LIMIT - used)),
      'X-RateLimit-Reset': String(reset) });
    if (used > RATE_LIMIT) {
      return res.set('Retry-After', String(reset)).status(429).json({ error: 'rate limit exceeded' });
    }
    return next();
  };
}

// Counts calls of the trap in a file (written on start with 0), so lab/check can read it after a scan.
function trapCounter(file) {
  let hits = 0;
  const save = () => {
    if (!file) return;
    fs.writeFileSync(`${file}.tmp`, `${hits}\n`);
    fs.renameSync(`${file}.tmp`, file);
  };
  save();
  return { hit: () => { hits += 1; save(); } };
}

// The public key that signs the bearer tokens, as a JWKS (RFC 7517) where clients look for it. Public.
function wellKnown() {
  const r = express.Router();
  r.get('/jwks.json', (req, res) => res.json(auth.jwks()));
  return r;
}

function app({ variant, pool, trap }) {
  const api = router({ vulnerable: variant === 'vulnerable', pool, trap });
  const mounts = [['/.well-known', wellKnown()], ['/api/v1', api]]; // [prefix, router]: what --routes lists
  const a = express();
  a.disable('x-powered-by'); // no framework banner
  a.use(harden, rateLimit(), express.json({ limit: '16kb' }));
  a.get('/', (req, res) => res.json({ service: 'express-pg', api: '/api/v1' }));
  for (const [prefix, r] of mounts) a.use(prefix, r);
  a.use((req, res) => res.status(404).json({ error: 'not found' }));
  // Errors answer with a status and a fixed message, never a stack trace (both variants).
  a.use((err, req, res, next) => { // eslint-disable-line no-unused-vars
    const status = err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) console.error(err);
    res.status(status).json({ error: status === 500 ? 'internal error' : 'bad request' });
  });
  return { app: a, mounts };
}

function routes(mounts) {
  return mounts.flatMap(([prefix, r]) => r.stack.filter((l) => l.route).flatMap((l) => Object.keys(l.route.methods)
    .map((m) => [m.toUpperCase(), prefix + l.route.path.replace(/:(\w+)/g, '{$1}')])));
}

async function main() {
  const variant = process.env.LAB_VARIANT || 'vulnerable';
  if (!['vulnerable', 'fixed'].includes(variant)) throw new Error(`LAB_VARIANT ${variant}: vulnerable or fixed`);
  if (process.argv.includes('--routes')) {
    console.log(JSON.stringify(routes(app({ variant }).mounts)));
    return;
  }
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10, connectionTimeoutMillis: 10_000,
    statement_timeout: 10_000 });
  await db.setup(pool, process.env.LAB_PASSWORD || 'wonderland-7');
  const trap = trapCounter(process.env.LAB_TRAP_FILE);
  const port = Number(process.env.PORT || 8080);
  app({ variant, pool, trap }).app.listen(port, '127.0.0.1', () => console.log(`express-pg (${variant}) on ${port}`));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
