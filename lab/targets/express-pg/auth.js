// Passwords (scrypt) and bearer tokens (RS256 JWTs). Tokens are signed the same way in both variants;
// their verification is the one difference, marked `FLAW AUTH-012` / `FIX AUTH-012`.
'use strict';

const crypto = require('node:crypto');
const jwt = require('jsonwebtoken'); // 9: signs in both variants, verifies in the fixed one
const jwt8 = require('jsonwebtoken8'); // 8.5.1 (an npm alias): verifies in the vulnerable variant

// An RSA key pair, new on every start. The public key is published as a JWKS (jwks()); the PEM text
// is what the vulnerable verification is given as its key.
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' });
const PUBLIC_JWK = publicKey.export({ format: 'jwk' });
const KID = thumbprint(PUBLIC_JWK);
const TOKEN_TTL_S = 900; // 15 minutes
const REALM = 'Bearer realm="express-pg"';

// RFC 7638: the key's id is the SHA-256 of its required members in lexicographic order, so it names
// exactly this key.
function thumbprint({ e, kty, n }) {
  return crypto.createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
}

// GET /.well-known/jwks.json (public): what a client needs to check a token's signature.
function jwks() {
  return { keys: [{ kty: 'RSA', n: PUBLIC_JWK.n, e: PUBLIC_JWK.e, kid: KID, alg: 'RS256', use: 'sig' }] };
}

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
  return jwt.sign({ sub: user.id, jti: crypto.randomBytes(8).toString('hex') }, privateKey,
    { algorithm: 'RS256', keyid: KID, expiresIn: TOKEN_TTL_S });
}

// The claims of a token whose signature checks out (and is not expired), else an exception.
function verifyToken(token, vulnerable) {
  if (vulnerable) {
    // FLAW AUTH-012: a service that moved from HS256 to RS256 and kept both algorithms, on jsonwebtoken
    // 8.5.1 with the public key as PEM text: an HS256 token is checked with HMAC keyed by that text, which
    // anyone can rebuild from the JWKS, so anyone signs tokens for anyone (CVE-2022-23540/23541 class)
    return jwt8.verify(token, PUBLIC_PEM, { algorithms: ['RS256', 'HS256'] });
  }
  // FIX AUTH-012: jsonwebtoken 9, the public key as a KeyObject and RS256 only (an asymmetric key is never
  // an HMAC secret)
  return jwt.verify(token, publicKey, { algorithms: ['RS256'] });
}

function unauthorized(res, message = 'not authenticated', error) {
  res.set('WWW-Authenticate', REALM + (error ? `, error="${error}"` : ''));
  return res.status(401).json({ error: message });
}

// Middleware: req.user from a valid bearer token (signature, exp required), else 401.
function requireUser(findUser, { vulnerable }) {
  return async (req, res, next) => {
    const m = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(req.get('Authorization') || '');
    if (!m) return unauthorized(res);
    let claims;
    try {
      claims = verifyToken(m[1], vulnerable);
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

module.exports = { hashPassword, checkPassword, DUMMY_HASH, issueToken, jwks, unauthorized, requireUser,
  requireAdmin, TOKEN_TTL_S };
