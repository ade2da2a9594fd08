// go-crdb: a token API in Go net/http + lib/pq, sessions in a SQL table
// (PostgreSQL standing in for CockroachDB). Seed 003.
//
//	POST /session/init  -> {"token": T0}        pre-auth row, user_id NULL
//	POST /login         {username,password}, X-Session-Token: T0 -> {"token": T}
//	GET  /me            X-Session-Token: T -> {"user": "alice"} or 401
//	POST /logout        X-Session-Token: T -> deletes the row
//
// LAB_VARIANT=vulnerable reproduces seed 003's flawed pattern: login upserts the
// presented token (INSERT ... ON CONFLICT) and then UPDATEs the same row with the
// user id, returning the very token the client came with. Like the seed's upsert,
// it never writes expires_at, so every row has expires_at NULL (the column is
// nullable in this variant), and /me never looks at expires_at either. The token
// itself is the primary key (stored verbatim).
// LAB_VARIANT=fixed applies seed 003's pattern 1 (one transaction deletes the
// pre-auth row and inserts a fresh token) and its hardening advice (every lookup
// enforces expires_at > now(); expires_at is NOT NULL and set on every row,
// pre-auth rows included), and stores only SHA-256 hex of the token: the token
// (a random UUID) is generated here and only its hash reaches the database; every
// lookup hashes the presented token. The column keeps its name, "token".
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	_ "github.com/lib/pq"
)

const tokenHeader = "X-Session-Token"

var (
	db         *sql.DB
	vulnerable bool
)

// schema takes the expires_at constraint: "NULL" (vulnerable, as the seed's upsert
// never sets it) or "NOT NULL" (fixed).
const schema = `
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE IF NOT EXISTS users (
    id            SERIAL PRIMARY KEY,
    username      TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token      TEXT PRIMARY KEY, -- vulnerable: the token; fixed: lowercase SHA-256 hex of it
    user_id    INT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ %s
);`

func main() {
	variant := os.Getenv("LAB_VARIANT")
	switch variant {
	case "vulnerable":
		vulnerable = true
	case "fixed":
	default:
		log.Fatalf("LAB_VARIANT must be vulnerable or fixed, got %q", variant)
	}
	password := os.Getenv("LAB_PASSWORD")
	if password == "" {
		password = "wonderland-7"
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}

	var err error
	db, err = sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	expiryConstraint := "NOT NULL"
	if vulnerable {
		expiryConstraint = "NULL"
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(schema, expiryConstraint)); err != nil {
		log.Fatalf("schema: %v", err)
	}
	if _, err := db.ExecContext(ctx,
		`INSERT INTO users (username, password_hash) VALUES ('alice', crypt($1, gen_salt('bf', 8)))
		 ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash`, password); err != nil {
		log.Fatalf("seed user: %v", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/", index)
	mux.HandleFunc("/session/init", post(sessionInit))
	mux.HandleFunc("/login", post(login))
	mux.HandleFunc("/me", me)
	mux.HandleFunc("/logout", post(logout))

	srv := &http.Server{
		Addr:              "127.0.0.1:" + port,
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
	}
	log.Printf("go-crdb (%s) listening on %s", variant, srv.Addr)
	log.Fatal(srv.ListenAndServe())
}

func writeJSON(w http.ResponseWriter, status int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func post(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
			return
		}
		h(w, r)
	}
}

func index(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"service": "go-crdb token API"})
}

// newUUID returns a random (version 4) UUID string.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// storeKey is what the sessions.token column holds for a token: the token itself
// (vulnerable) or the lowercase hex SHA-256 of its bytes (fixed).
func storeKey(token string) string {
	if vulnerable {
		return token
	}
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func sessionInit(w http.ResponseWriter, r *http.Request) {
	token := newUUID()
	if vulnerable {
		// Seed 003: token generated before login, stored with user_id NULL via an
		// upsert that (like the seed's) sets no expires_at: the row never expires.
		_, err := db.ExecContext(r.Context(),
			`INSERT INTO sessions (token, created_at) VALUES ($1, now())
			 ON CONFLICT (token) DO UPDATE SET created_at = EXCLUDED.created_at`, token)
		if err != nil {
			serverError(w, err)
			return
		}
	} else {
		// Fixed: short-lived pre-auth row keyed by the token's hash.
		_, err := db.ExecContext(r.Context(),
			`INSERT INTO sessions (token, expires_at) VALUES ($1, now() + INTERVAL '15 minutes')`,
			storeKey(token))
		if err != nil {
			serverError(w, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
}

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func authenticate(ctx context.Context, c credentials) (int, bool, error) {
	var userID int
	err := db.QueryRowContext(ctx,
		`SELECT id FROM users WHERE username = $1 AND password_hash = crypt($2, password_hash)`,
		c.Username, c.Password).Scan(&userID)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return userID, err == nil, err
}

func login(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&c); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "expected JSON {username, password}"})
		return
	}
	oldToken := r.Header.Get(tokenHeader)
	ctx := r.Context()

	if vulnerable {
		token := oldToken
		if token == "" {
			token = newUUID()
		}
		// FLAW (seed 003): upsert whatever token the client presented (no expires_at) ...
		if _, err := db.ExecContext(ctx,
			`INSERT INTO sessions (token, created_at) VALUES ($1, now())
			 ON CONFLICT (token) DO UPDATE SET created_at = EXCLUDED.created_at`, token); err != nil {
			serverError(w, err)
			return
		}
		userID, ok, err := authenticate(ctx, c)
		if err != nil {
			serverError(w, err)
			return
		}
		if !ok {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid credentials"})
			return
		}
		// ... and elevate that same row in place: the pre-auth token becomes the session.
		if _, err := db.ExecContext(ctx,
			`UPDATE sessions SET user_id = $1, updated_at = now() WHERE token = $2`, userID, token); err != nil {
			serverError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"token": token})
		return
	}

	// Fixed (seed 003 pattern 1): authenticate first, then one transaction that
	// drops the pre-auth row and inserts a fresh token (stored as its hash).
	userID, ok, err := authenticate(ctx, c)
	if err != nil {
		serverError(w, err)
		return
	}
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid credentials"})
		return
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		serverError(w, err)
		return
	}
	defer tx.Rollback()
	if oldToken != "" {
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM sessions WHERE token = $1 AND user_id IS NULL`, storeKey(oldToken)); err != nil {
			serverError(w, err)
			return
		}
	}
	newToken := newUUID()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO sessions (token, user_id, created_at, expires_at)
		 VALUES ($1, $2, now(), now() + INTERVAL '1 hour')`,
		storeKey(newToken), userID); err != nil {
		serverError(w, err)
		return
	}
	if err := tx.Commit(); err != nil {
		serverError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": newToken})
}

func me(w http.ResponseWriter, r *http.Request) {
	token := r.Header.Get(tokenHeader)
	query := `SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id
	          WHERE s.token = $1 AND s.expires_at > now()`
	if vulnerable {
		// FLAW (seed 003): expires_at is never checked.
		query = `SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id
		         WHERE s.token = $1`
	}
	var username string
	err := db.QueryRowContext(r.Context(), query, storeKey(token)).Scan(&username)
	if err == sql.ErrNoRows || token == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "not authenticated"})
		return
	}
	if err != nil {
		serverError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"user": username})
}

func logout(w http.ResponseWriter, r *http.Request) {
	token := r.Header.Get(tokenHeader)
	if token != "" {
		if _, err := db.ExecContext(r.Context(), `DELETE FROM sessions WHERE token = $1`, storeKey(token)); err != nil {
			serverError(w, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "logged out"})
}

func serverError(w http.ResponseWriter, err error) {
	log.Printf("error: %v", err)
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}
