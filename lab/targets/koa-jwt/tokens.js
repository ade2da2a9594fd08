// Access and refresh tokens, all in memory. One app, two variants: the vulnerable code paths are
// marked `FLAW <rule id>`, their replacements `FIX <rule id>`.
//
// A login starts a session (one per login; concurrent sessions are allowed in both variants, a
// second login does not end the first). The session owns one family of refresh tokens: the login
// issues the first, every refresh consumes one and issues the next (rotation, both variants).
//
//   vulnerable  the access token is the user's static API token, HMAC-SHA256(key, user name) in hex:
//               the same on every login, never expiring, never revoked; it is also read from
//               ?access_token=; a used refresh token stays valid, and logout revokes nothing.
//   fixed       the access token is a JWT (HS256, random key, random jti, 15-minute exp) bound to its
//               session; only the Authorization header is read; a used refresh token is refused and
//               its reuse revokes the whole session (family); logout revokes the session.
'use strict';

const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');

const KEY = crypto.randomBytes(32); // new on every start: the JWT key (fixed), the HMAC key (vulnerable)
const ACCESS_TTL_S = 900; // 15 minutes
const REFRESH_TTL_S = 8 * 3600; // a session (and its refresh family) lives at most 8 hours
const REALM = 'Bearer realm="koa-jwt"';
const MAX_SESSIONS = 100_000; // expired sessions are pruned past this many

const sha256 = (s) => crypto.createHash('sha256').update(String(s)).digest('hex');
const opaque = () => crypto.randomBytes(32).toString('base64url');
const now = () => Date.now();

function tokenStore({ vulnerable }) {
  const sessions = new Map(); // sid -> { sid, user, revoked, expires }
  const refreshTokens = new Map(); // sha256(refresh token) -> { sid, used, expires }
  const staticTokens = new Map(); // vulnerable: access token -> user

  function prune() {
    if (sessions.size <= MAX_SESSIONS) return;
    const t = now();
    for (const [sid, s] of sessions) if (s.expires < t) sessions.delete(sid);
    for (const [h, r] of refreshTokens) if (!sessions.has(r.sid)) refreshTokens.delete(h);
  }

  function issueRefresh(session) {
    const token = opaque(); // 256 random bits; only its hash is kept
    refreshTokens.set(sha256(token), { sid: session.sid, used: false, expires: session.expires });
    return token;
  }

  function issueAccess(session) {
    if (vulnerable) {
      // FLAW SESS-019: the access token is the user's static API token, the same on every login (and
      // every refresh); it carries no expiry and no session, so nothing can ever revoke it
      const token = crypto.createHmac('sha256', KEY).update(`access:${session.user.username}`).digest('hex');
      staticTokens.set(token, session.user);
      return token;
    }
    // FIX SESS-019: a new JWT on every login and refresh (random jti, iat), expiring after 15 minutes
    // and bound to its session (sid), so logout and refresh-token reuse revoke it
    return jwt.sign({ sub: session.user.id, sid: session.sid, jti: crypto.randomBytes(16).toString('hex') }, KEY,
      { algorithm: 'HS256', expiresIn: ACCESS_TTL_S });
  }

  function grant(session) {
    return { access_token: issueAccess(session), refresh_token: issueRefresh(session), token_type: 'Bearer',
      expires_in: ACCESS_TTL_S };
  }

  // A successful login: a new session with its own refresh family.
  function login(user) {
    prune();
    const session = { sid: crypto.randomUUID(), user, revoked: false, expires: now() + REFRESH_TTL_S * 1000 };
    sessions.set(session.sid, session);
    return grant(session);
  }

  // The caller's { user, session } from the request, or { error } (why it was refused).
  function authenticate(ctx) {
    const m = /^Bearer +(\S+)$/i.exec(ctx.get('Authorization') || '');
    if (vulnerable) {
      // FLAW SESS-003: without an Authorization header the token is read from the URL
      // (RFC 6750 section 2.3, the access_token query parameter)
      const token = m ? m[1] : (typeof ctx.query.access_token === 'string' ? ctx.query.access_token : '');
      if (!token) return { error: null };
      const user = staticTokens.get(token);
      return user ? { user, session: null } : { error: 'invalid_token' };
    }
    // FIX SESS-003: only the Authorization header carries the token
    if (!m) return { error: null };
    let claims;
    try {
      claims = jwt.verify(m[1], KEY, { algorithms: ['HS256'] });
    } catch {
      return { error: 'invalid_token' };
    }
    const session = typeof claims.exp === 'number' && sessions.get(String(claims.sid));
    // FIX SESS-004: the session must still be live (logout and refresh-token reuse revoke it)
    if (!session || session.revoked || session.expires < now() || session.user.id !== claims.sub) {
      return { error: 'invalid_token' };
    }
    return { user: session.user, session };
  }

  // A refresh: { grant } (a new access token and a NEW refresh token, both variants) or { error }.
  function refresh(token) {
    const record = refreshTokens.get(sha256(token));
    if (!record) return { error: 'unknown refresh token' };
    const session = sessions.get(record.sid);
    if (!session || record.expires < now()) return { error: 'refresh token expired' };
    if (vulnerable) {
      // FLAW SESS-020: `used` is never checked (nor set): a rotated refresh token works again, as often as asked
      // FLAW SESS-021: nor is the session's state: logout revoked nothing, the family refreshes on
      return { grant: grant(session) };
    }
    if (record.used) {
      // FIX SESS-020: a refresh token works once; a second use means it was stolen (or replayed), so
      // the whole family goes: the session, its access tokens and every refresh token (RFC 9700 4.14.2)
      session.revoked = true;
      return { error: 'refresh token reuse detected; the session is revoked' };
    }
    // FIX SESS-021: a logged-out (revoked) session's refresh tokens are refused
    if (session.revoked) return { error: 'session revoked' };
    record.used = true;
    return { grant: grant(session) };
  }

  // Logout of the caller's session.
  function logout(auth) {
    if (vulnerable) {
      // FLAW SESS-004: logout revokes nothing: the static access token keeps working (see SESS-019)
      // FLAW SESS-021: and the session's refresh tokens keep refreshing
      return;
    }
    // FIX SESS-004, FIX SESS-021: the session is revoked: its access tokens and its whole refresh family
    auth.session.revoked = true;
  }

  return { login, authenticate, refresh, logout };
}

// Passwords: scrypt, compared in constant time; DUMMY_HASH lets a login spend the same work on an
// unknown user (one answer for both failures in both variants: no user enumeration here).
function hashPassword(password, salt = crypto.randomBytes(16)) {
  return { salt, hash: crypto.scryptSync(String(password), salt, 32) };
}

function checkPassword(password, stored) {
  return crypto.timingSafeEqual(crypto.scryptSync(String(password), stored.salt, 32), stored.hash);
}

const DUMMY_HASH = hashPassword(crypto.randomBytes(16).toString('hex'));

module.exports = { tokenStore, hashPassword, checkPassword, DUMMY_HASH, REALM, ACCESS_TTL_S };
