// The shop API under /api/v1, both variants: the vulnerable code paths are marked
// `FLAW <rule id>`, their replacements `FIX <rule id>`.
'use strict';

const { exec } = require('node:child_process');
const dns = require('node:dns/promises');
const express = require('express');
const auth = require('./auth');
const db = require('./db');
const graphql = require('./graphql');

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/; // a DNS name or an IPv4/IPv6 address, nothing else
const SKU = /^[0-9]{1,9}$/;
const PRODUCT_COLUMNS = 'sku, name, price_eur';
const ORDER_COLUMNS = 'id, sku, quantity, status, placed_at';
const MAX_SKU = 2 ** 31 - 1; // products.sku is a PostgreSQL integer
const MAX_STATUS = 20;
const USERNAME = /^[a-z0-9._-]{3,40}$/; // never "me" (too short): /users/me is the caller
const MAX_DISPLAY_NAME = 60;
const PASSWORD_RULE = 'password: 8 to 128 characters';

function router({ vulnerable, pool, trap }) {
  const r = express.Router();
  // the variant picks how tokens are verified (auth.js: FLAW/FIX AUTH-012)
  const signedIn = auth.requireUser((id) => db.userById(pool, id), { vulnerable });

  r.get('/health', (req, res) => res.json({ status: 'ok' }));

  r.post('/auth/login', async (req, res) => {
    const { username, password } = req.body || {};
    if (typeof username !== 'string' || typeof password !== 'string') {
      return res.status(400).json({ error: 'username and password are required' });
    }
    const user = await db.userByName(pool, username);
    if (vulnerable) {
      if (!user) return auth.unauthorized(res, 'no such user'); // FLAW AUTH-011: tells unknown names apart
      if (!auth.checkPassword(password, user.password_hash)) return auth.unauthorized(res, 'wrong password');
    } else {
      // FIX AUTH-011: one answer for both failures, and the same scrypt work for an unknown name
      const ok = auth.checkPassword(password, user ? user.password_hash : auth.DUMMY_HASH);
      if (!user || !ok) return auth.unauthorized(res, 'invalid credentials');
    }
    return res.json({ token: auth.issueToken(user), token_type: 'bearer', expires_in: auth.TOKEN_TTL_S });
  });

  r.get('/users/me', signedIn, (req, res) => {
    const { id, username, display_name: displayName } = req.user;
    res.json({ id, username, display_name: displayName });
  });

  // Public registration (both variants): {username, password, display_name?}; a new account is always
  // an ordinary user (a `role` or any other field in the body is ignored).
  r.post('/users', async (req, res) => {
    const body = plainObject(req.body);
    const problem = registrationProblem(body);
    if (problem) return res.status(400).json({ error: problem });
    const { username, password } = body;
    const { rows } = await pool.query(`INSERT INTO users (username, display_name, role, password_hash)
      VALUES ($1, $2, 'user', $3) ON CONFLICT (username) DO NOTHING RETURNING id, username, display_name`,
    [username, body.display_name ?? username, auth.hashPassword(password)]);
    if (!rows.length) return nameTaken(res);
    return res.status(201).location(`/api/v1/users/${rows[0].id}`).json(rows[0]);
  });

  // A new password for the user named in the path, without the old one. Tokens are not tied to the
  // password (both variants): a token issued before the change stays valid until it expires.
  r.put('/users/:username/password', signedIn, async (req, res) => {
    const { password } = plainObject(req.body);
    if (!validPassword(password)) return res.status(400).json({ error: PASSWORD_RULE });
    const { username } = req.params;
    const hash = auth.hashPassword(password);
    let rowCount;
    if (vulnerable) {
      // FLAW BOLA-006: whoever the caller is, the password of the user named in the path is set (any
      // signed-in user takes over anyone's account, without knowing the old password)
      ({ rowCount } = await pool.query('UPDATE users SET password_hash = $2 WHERE username = $1', [username, hash]));
    } else {
      // FIX BOLA-006: the caller's own password only; another user's name is answered like a name nobody has
      if (username !== req.user.username) return noSuchUser(res);
      ({ rowCount } = await pool.query('UPDATE users SET password_hash = $2 WHERE id = $1', [req.user.id, hash]));
    }
    return rowCount ? res.status(204).end() : noSuchUser(res);
  });

  // The caller deletes their own account and its orders (both variants); its tokens stop working.
  r.delete('/users/me', signedIn, async (req, res) => {
    await db.deleteUser(pool, req.user.id);
    res.status(204).end();
  });

  r.get('/orders', signedIn, async (req, res) => {
    const { rows } = await pool.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = $1
      ORDER BY placed_at`, [req.user.id]);
    res.json(rows.map(orderJson));
  });

  // A new order of the caller's: {sku, quantity}; always 'placed' by the shop, never by the client.
  r.post('/orders', signedIn, async (req, res) => {
    const body = req.body || {};
    const { sku, quantity } = body;
    if (!(Number.isInteger(sku) && sku >= 1 && sku <= MAX_SKU) || !validQuantity(quantity)) {
      return res.status(400).json({ error: 'sku (an integer) and quantity (an integer from 1 to 99) are required' });
    }
    let status = 'placed'; // FIX PROP-003: only sku and quantity come from the body; the shop sets the status
    if (vulnerable && body.status !== undefined) {
      // FLAW PROP-003: a `status` in the body is stored as it is (mass assignment: a client marks its own
      // order "paid"); the API document does not even mention it
      if (!validStatus(body.status)) return res.status(400).json({ error: `status: up to ${MAX_STATUS} characters` });
      status = body.status;
    }
    const { rows } = await pool.query(`INSERT INTO orders (user_id, sku, quantity, status, placed_at)
      SELECT $1, sku, $3, $4, now() FROM products WHERE sku = $2 RETURNING ${ORDER_COLUMNS}`,
    [req.user.id, sku, quantity, status]);
    if (!rows.length) return res.status(400).json({ error: 'sku: no such product' });
    return res.status(201).location(`/api/v1/orders/${rows[0].id}`).json(orderJson(rows[0]));
  });

  // One order: the caller's only, in both variants (another user's is as unknown as a random id).
  r.get('/orders/:id', signedIn, async (req, res) => {
    const { id } = req.params;
    if (!db.isUuid(id)) return noSuchOrder(res);
    const { rows } = await pool.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`,
      [id, req.user.id]);
    return rows.length ? res.json(orderJson(rows[0])) : noSuchOrder(res);
  });

  r.patch('/orders/:id', signedIn, async (req, res) => {
    const { id } = req.params;
    if (!db.isUuid(id)) return noSuchOrder(res);
    const body = req.body || {};
    if (!validQuantity(body.quantity)) return res.status(400).json({ error: 'quantity: an integer from 1 to 99' });
    let rows;
    if (vulnerable) {
      // FLAW PROP-003: a `status` in the body is applied too
      if (body.status !== undefined && !validStatus(body.status)) {
        return res.status(400).json({ error: `status: up to ${MAX_STATUS} characters` });
      }
      // FLAW BOLA-005: WHERE id = $1 and nothing else: any signed-in user changes anyone's order
      ({ rows } = await pool.query(`UPDATE orders SET quantity = $2, status = COALESCE($3, status) WHERE id = $1
        RETURNING ${ORDER_COLUMNS}`, [id, body.quantity, body.status ?? null]));
    } else {
      // FIX BOLA-005: the caller's order only (another user's is a 404); FIX PROP-003: quantity only
      ({ rows } = await pool.query(`UPDATE orders SET quantity = $2 WHERE id = $1 AND user_id = $3
        RETURNING ${ORDER_COLUMNS}`, [id, body.quantity, req.user.id]));
    }
    return rows.length ? res.json(orderJson(rows[0])) : noSuchOrder(res);
  });

  r.delete('/orders/:id', signedIn, async (req, res) => {
    const { id } = req.params;
    if (!db.isUuid(id)) return noSuchOrder(res);
    const { rowCount } = vulnerable
      ? await pool.query('DELETE FROM orders WHERE id = $1', [id]) // FLAW BOLA-005: anyone's order
      : await pool.query('DELETE FROM orders WHERE id = $1 AND user_id = $2', [id, req.user.id]); // FIX BOLA-005
    return rowCount ? res.status(204).end() : noSuchOrder(res);
  });

  r.get('/products', async (req, res) => {
    res.json((await pool.query(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY sku`)).rows);
  });

  r.get('/products/search', async (req, res) => {
    const q = req.query.q;
    if (typeof q !== 'string' || q.length > 200) return res.status(400).json({ error: 'q: up to 200 characters' });
    if (vulnerable) {
      // FLAW INPUT-007: the term is pasted into the SQL text, and the database's error goes back to the caller
      const sql = `SELECT ${PRODUCT_COLUMNS} FROM products WHERE name ILIKE '%${q}%' ORDER BY sku LIMIT 20`;
      try {
        return res.json({ q, results: (await pool.query(sql)).rows });
      } catch (e) {
        return res.status(500).json({ error: e.message });
      }
    }
    const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`; // FIX INPUT-007: a bound parameter
    const { rows } = await pool.query(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE name ILIKE $1
      ORDER BY sku LIMIT 20`, [pattern]);
    return res.json({ q, results: rows });
  });

  r.get('/products/:sku', async (req, res) => {
    const { sku } = req.params;
    let rows = [];
    if (vulnerable) {
      // FLAW INPUT-007 (blind): the number is pasted into the SQL text; errors become the same 404 as
      // an unknown product, so only a true/false condition tells
      try {
        ({ rows } = await pool.query(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = ${sku}`));
      } catch {
        rows = [];
      }
    } else if (SKU.test(sku)) { // FIX INPUT-007: digits only, and a bound parameter
      ({ rows } = await pool.query(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = $1`, [Number(sku)]));
    }
    return rows.length ? res.json(rows[0]) : res.status(404).json({ error: 'no such product' });
  });

  // Is a coupon code valid (known and not expired)? Signed in; the answer is the same 200 for every code.
  r.get('/coupons/check', signedIn, async (req, res) => {
    const code = req.query.code;
    if (typeof code !== 'string' || !code || code.length > 200) {
      return res.status(400).json({ error: 'code: 1 to 200 characters' });
    }
    let rows = [];
    if (vulnerable) {
      // FLAW INPUT-007 (time-based blind): the code is pasted into the SQL text, and every database error is
      // answered like an unknown code, so neither an error nor a true/false difference shows; only the time
      // the query takes does (a pg_sleep() joined to the string)
      try {
        ({ rows } = await pool.query(`SELECT code FROM coupons WHERE code = '${code}' AND expires_at > now()`));
      } catch {
        rows = [];
      }
    } else { // FIX INPUT-007: a bound parameter
      ({ rows } = await pool.query('SELECT code FROM coupons WHERE code = $1 AND expires_at > now()', [code]));
    }
    // Valid only for a row of exactly the code asked about (both variants): an injected OR '1'='1' that
    // drags in another coupon answers false too
    return res.json({ code, valid: rows.some((row) => row.code === code) });
  });

  // The same products, read-only, through GraphQL (graphql.js: introspection is its flaw)
  r.post('/graphql', graphql.handler({ vulnerable, pool }));

  r.get('/tools/lookup', signedIn, async (req, res) => {
    const host = req.query.host;
    if (typeof host !== 'string' || !host) return res.status(400).json({ error: 'host is required' });
    if (vulnerable) {
      // FLAW INPUT-008: the host goes into a shell command line (/bin/sh -c "getent hosts <host>")
      exec(`getent hosts ${host}`, { timeout: 10_000 }, (err, stdout) => answer(res, host, stdout));
      return undefined;
    }
    if (!HOST_NAME.test(host)) { // FIX INPUT-008: a validated name, resolved without a shell
      return res.status(400).json({ error: 'host must be a host name or an IP address' });
    }
    try {
      const found = await dns.lookup(host, { all: true });
      return res.json({ host, addresses: found.map((a) => a.address) });
    } catch {
      return res.status(404).json({ error: 'host not found' });
    }
  });

  // A destructive GET, as real APIs have them: it re-creates the database. In the lab it re-seeds
  // the products table and counts every call (lab/check fails unless the scan left it at 0).
  r.get('/admin/createdb', (req, res, next) => { trap.hit(); next(); }, signedIn, auth.requireAdmin,
    async (req, res) => {
      await db.seedProducts(pool);
      res.json({ database: 're-created' });
    });

  return r;
}

function orderJson(o) {
  return { ...o, placed_at: o.placed_at.toISOString() };
}

function noSuchOrder(res) {
  return res.status(404).json({ error: 'no such order' });
}

function noSuchUser(res) {
  return res.status(404).json({ error: 'no such user' });
}

function nameTaken(res) {
  return res.status(409).json({ error: 'username is taken' });
}

// The JSON body if it is an object (not an array, not absent), else {} (so every field is missing).
function plainObject(body) {
  return body && typeof body === 'object' && !Array.isArray(body) ? body : {};
}

function validPassword(p) {
  return typeof p === 'string' && p.length >= 8 && p.length <= 128;
}

// What is wrong with a registration body, or undefined.
function registrationProblem(body) {
  if (typeof body.username !== 'string' || !USERNAME.test(body.username)) {
    return 'username: 3 to 40 characters of a-z, 0-9, ".", "_" and "-"';
  }
  if (!validPassword(body.password)) return PASSWORD_RULE;
  if (body.display_name !== undefined
    && !(typeof body.display_name === 'string' && body.display_name.length <= MAX_DISPLAY_NAME)) {
    return `display_name: a string of up to ${MAX_DISPLAY_NAME} characters`;
  }
  return undefined;
}

function validQuantity(q) {
  return Number.isInteger(q) && q >= 1 && q <= 99;
}

function validStatus(s) {
  return typeof s === 'string' && s.length >= 1 && s.length <= MAX_STATUS;
}

function answer(res, host, stdout) {
  const addresses = [...new Set(String(stdout).split('\n').map((l) => l.split(/\s+/)[0]).filter(Boolean))];
  if (!addresses.length) return res.status(404).json({ error: 'host not found' });
  return res.json({ host, addresses });
}

module.exports = { router };
