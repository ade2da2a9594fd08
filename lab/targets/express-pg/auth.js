// Passwords (scrypt) and bearer tokens (HS256 JWTs), the same in both variants.
'use strict';

const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');

const KEY = crypto.randomBytes(32); // a random 256-bit key, new on every start
const TOKEN_TTL_S = 900; // 15 minutes
const REALM = 'Bearer realm="express-pg"';

function hashPassword(password, salt = crypto.randomBytes(16)) {
  const hash = crypto.scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

// Compared in constant time. DUMMY_HASH lets a login spend the same work on an unknown user.
function checkPassword(password, stored) {
  const [, salt, hash] = stored.split('$');
  const want = Buffer.from(hash, 'hex');
  const got = crypto.scryptSync(String(password), Buffer.from(salt, 'hex'), want.length);
  return crypto.timingSafeEqual(got, want);
}

const DUMMY_HASH = hashPassword(crypto.randomBytes(16).toString('hex'));

function issueToken(user) {
  // No personal data in the claims: the user's uuid, a random jti, iat and exp.
  return jwt.sign({ sub: user.id, jti: crypto.randomBytes(8).toString('hex') }, KEY,
    { algorithm: 'HS256', expiresIn: TOKEN_TTL_S });
}

function unauthorized(res, message = 'not authenticated', error) {
  res.set('WWW-Authenticate', REALM + (error ? `, error="${error}"` : ''));
  return res.status(401).json({ error: message });
}

// Middleware: req.user from a valid bearer token (signature, HS256 only, exp required), else 401.
function requireUser(findUser) {
  return async (req, res, next) => {
    const m = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(req.get('Authorization') || '');
    if (!m) return unauthorized(res);
    let claims;
    try {
      claims = jwt.verify(m[1], KEY, { algorithms: ['HS256'] });
    } catch {
      return unauthorized(res, 'invalid token', 'invalid_token');
    }
    const user = typeof claims.exp === 'number' && await findUser(String(claims.sub));
    if (!user) return unauthorized(res, 'invalid token', 'invalid_token');
    req.user = user;
    return next();
  };
}

function requireAdmin(req, res, next) {
  if (req.user.role !== 'admin') return res.status(403).json({ error: 'admin role required' });
  return next();
}

module.exports = { hashPassword, checkPassword, DUMMY_HASH, issueToken, unauthorized, requireUser, requireAdmin,
  TOKEN_TTL_S };
