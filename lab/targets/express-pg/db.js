// The shop's tables (users, products, orders, coupons) and seed data. labctl hands each variant a
// fresh, empty database on every start; setup() creates the tables and seeds them before the app listens.
'use strict';

const { hashPassword } = require('./auth');

const SCHEMA = `
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text UNIQUE NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL,
  password_hash text NOT NULL
);
CREATE TABLE products (
  sku integer PRIMARY KEY,
  name text NOT NULL,
  price_eur double precision NOT NULL
);
CREATE TABLE orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users,
  sku integer NOT NULL REFERENCES products,
  quantity integer NOT NULL,
  status text NOT NULL DEFAULT 'placed',
  placed_at timestamptz NOT NULL
);
CREATE TABLE coupons (
  code text PRIMARY KEY,
  percent integer NOT NULL,
  expires_at timestamptz NOT NULL
);`;

const PRODUCTS = [
  [10031, 'Otter plush', 14.5], [10032, 'Otter mug', 9.9], [10047, 'Heron poster', 12],
  [10058, 'Badger socks', 7.5], [10063, 'Fox lantern', 24], [10071, 'Owl notebook', 5.25],
  [10089, 'Lynx scarf', 19], [10094, 'Beaver cap', 16],
];

// [username, display name, role, password suffix]: passwords are $LAB_PASSWORD, $LAB_PASSWORD-bob, …
const USERS = [['alice', 'Alice', 'user', ''], ['bob', 'Bob', 'user', '-bob'], ['admin', 'Admin', 'admin', '-admin']];
const ORDERS = [['alice', 10031, 1, '2025-03-02T10:15:00Z'], ['alice', 10071, 3, '2025-04-11T16:40:00Z'],
  ['bob', 10089, 1, '2025-04-20T09:05:00Z']];

// [code, percent off, days until it expires (negative: expired)]: relative, so SPRING25 stays valid.
const COUPONS = [['SPRING25', 25, 365], ['WINTER10', 10, -30]];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function seedProducts(pool) {
  for (const [sku, name, price] of PRODUCTS) {
    await pool.query(`INSERT INTO products (sku, name, price_eur) VALUES ($1, $2, $3)
      ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_eur = excluded.price_eur`, [sku, name, price]);
  }
}

async function setup(pool, password) {
  await pool.query(SCHEMA);
  await seedProducts(pool);
  for (const [username, display, role, suffix] of USERS) {
    await pool.query('INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)',
      [username, display, role, hashPassword(password + suffix)]);
  }
  for (const [username, sku, quantity, at] of ORDERS) {
    await pool.query(`INSERT INTO orders (user_id, sku, quantity, placed_at)
      SELECT id, $2, $3, $4 FROM users WHERE username = $1`, [username, sku, quantity, at]);
  }
  for (const [code, percent, days] of COUPONS) {
    await pool.query(`INSERT INTO coupons (code, percent, expires_at)
      VALUES ($1, $2, now() + make_interval(days => $3))`, [code, percent, days]);
  }
}

async function userByName(pool, username) {
  return (await pool.query('SELECT * FROM users WHERE username = $1', [String(username)])).rows[0];
}

// A UUID, checked before it reaches a query: anything else is an unknown id (404), never a 500.
function isUuid(id) {
  return typeof id === 'string' && UUID.test(id);
}

async function userById(pool, id) {
  if (!isUuid(id)) return undefined;
  return (await pool.query('SELECT * FROM users WHERE id = $1', [id])).rows[0];
}

// A user and their orders, in one transaction.
async function deleteUser(pool, id) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM orders WHERE user_id = $1', [id]);
    await client.query('DELETE FROM users WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

module.exports = { setup, seedProducts, userByName, userById, isUuid, deleteUser };
