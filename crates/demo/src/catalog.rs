//! The demo's product catalogue, in a real SQLite database held in memory: a
//! search and a lookup by id, each either bound as parameters or (the
//! `sql_injection` flaw) written into the SQL text.

use serde_json::{Value, json};
use sqlx::Row;
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions, SqliteRow};

const PRODUCTS: &[(i64, &str, i64)] = &[
    (1, "teapot", 1200),
    (2, "kettle", 3400),
    (3, "teacup", 600),
    (4, "saucer", 300),
];

/// One connection that never closes: the in-memory database lives as long as it does.
pub struct Catalog {
    pool: SqlitePool,
    injectable: bool,
}

/// Why a query found nothing: no row, or the database refused the statement.
pub enum Miss {
    NotFound,
    Database(String),
}

impl Catalog {
    pub async fn open(injectable: bool) -> Result<Catalog, sqlx::Error> {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await?;
        sqlx::query("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL)")
            .execute(&pool)
            .await?;
        for (id, name, price) in PRODUCTS {
            sqlx::query("INSERT INTO products (id, name, price) VALUES (?, ?, ?)")
                .bind(id)
                .bind(name)
                .bind(price)
                .execute(&pool)
                .await?;
        }
        Ok(Catalog { pool, injectable })
    }

    /// Products whose name contains `text`.
    pub async fn search(&self, text: &str) -> Result<Vec<Value>, Miss> {
        let rows = if self.injectable {
            // FLAW INPUT-007: the search text is written into the statement.
            let sql = format!("SELECT id, name, price FROM products WHERE name LIKE '%{text}%' ORDER BY id");
            sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await
        } else {
            sqlx::query("SELECT id, name, price FROM products WHERE name LIKE '%' || ? || '%' ORDER BY id")
                .bind(text)
                .fetch_all(&self.pool)
                .await
        };
        rows.map(|rows| rows.iter().map(product).collect()).map_err(database)
    }

    /// The product with this id (as the path gave it).
    pub async fn get(&self, id: &str) -> Result<Value, Miss> {
        let row = if self.injectable {
            // FLAW INPUT-007: the id is written into the statement unquoted.
            let sql = format!("SELECT id, name, price FROM products WHERE id = {id}");
            sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_optional(&self.pool).await
        } else {
            let id: i64 = id.parse().map_err(|_| Miss::NotFound)?;
            sqlx::query("SELECT id, name, price FROM products WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
        };
        match row.map_err(database)? {
            Some(row) => Ok(product(&row)),
            None => Err(Miss::NotFound),
        }
    }
}

fn product(row: &SqliteRow) -> Value {
    json!({
        "id": row.get::<i64, _>("id"),
        "name": row.get::<String, _>("name"),
        "price": row.get::<i64, _>("price"),
    })
}

fn database(e: sqlx::Error) -> Miss {
    Miss::Database(e.to_string())
}
