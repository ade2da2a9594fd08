//! A throwaway PostgreSQL 15 cluster for tests (CockroachDB's stand-in here:
//! the same wire protocol and SQL), started as the `postgres` user in a fresh
//! directory on a free port, with trust authentication, and stopped and removed
//! on drop (also when the test panics). Needs Debian's `postgresql-15`, which
//! `lab/setup` installs.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

const PGBIN: &str = "/usr/lib/postgresql/15/bin";

/// One running cluster.
pub struct Server {
    root: PathBuf,
    pub port: u16,
}

impl Server {
    /// initdb and start; panics with the tool's output when either fails.
    pub fn start() -> Server {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let root = std::env::temp_dir().join(format!("rampart-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        run("chown", &["postgres:postgres", root.to_str().unwrap()]);
        let data = root.join("data");
        let initdb = format!("{PGBIN}/initdb");
        as_postgres(&[
            &initdb,
            "-D",
            data.to_str().unwrap(),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]);
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={} -c fsync=off",
            root.display()
        );
        let pg_ctl = format!("{PGBIN}/pg_ctl");
        let log = root.join("log");
        as_postgres(&[
            &pg_ctl,
            "-D",
            data.to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-w",
            "-t",
            "30",
            "-o",
            &opts,
            "start",
        ]);
        Server { root, port }
    }

    /// Run `sql` in database `db` as `postgres`; its unaligned output, trimmed.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let out = Command::new("psql")
            .args(["-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-d", db])
            .args(["-tAq", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A new, empty database.
    pub fn create_database(&self, name: &str) {
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
    }

    /// The connection URL for `user` on database `db`.
    pub fn url(&self, user: &str, db: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pg_ctl = format!("{PGBIN}/pg_ctl");
        let data = self.root.join("data");
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--", &pg_ctl, "-D", data.to_str().unwrap()])
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn as_postgres(args: &[&str]) {
    let mut full = vec!["-u", "postgres", "--"];
    full.extend_from_slice(args);
    run("runuser", &full);
}

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
