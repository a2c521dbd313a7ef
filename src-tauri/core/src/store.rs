//! Local state in SQLite (the app data directory): last connection, wizard state, the last
//! access snapshot per instance (`snapshots`, owned by `snapshot::store`), and later change
//! sets and the audit log. Never secrets.
//!
//! Schema changes are numbered migrations applied in order and recorded in
//! `PRAGMA user_version`; a database written by a newer Gatehouse is refused rather than
//! damaged. Values that are documents (a connection, a wizard step) are stored as JSON in
//! `kv`, typed at the edges with [`Store::get_json`] / [`Store::put_json`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// Migrations, in order. Index + 1 is the schema version they bring the database to.
/// Append only: never edit a migration that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: key/value documents.
    "CREATE TABLE kv (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );",
    // 2: the last snapshot of each Identity Center instance (`snapshot::Snapshot`, JSON).
    "CREATE TABLE snapshots (
        instance_arn TEXT PRIMARY KEY NOT NULL,
        taken_at TEXT NOT NULL,
        json TEXT NOT NULL
    );",
    // 3: account assignment change sets (`changes::store`): the crash journal of apply and
    // the audit log. One row per item, updated as it moves, so a crash loses nothing.
    "CREATE TABLE change_sets (
        id TEXT PRIMARY KEY NOT NULL,
        instance_arn TEXT NOT NULL,
        region TEXT NOT NULL,
        caller_arn TEXT NOT NULL,
        account_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,
        message TEXT
    );
    CREATE INDEX change_sets_created ON change_sets (created_at);
    CREATE TABLE change_items (
        set_id TEXT NOT NULL REFERENCES change_sets (id),
        idx INTEGER NOT NULL,
        line TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        request_id TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (set_id, idx)
    );",
    // 4: which run holds a running change set (`changes::store::claim`): a run that stalled
    // and was taken over by another process finds out at its next write and stops.
    "ALTER TABLE change_sets ADD COLUMN owner TEXT;",
];

/// Well-known keys of the `kv` table.
pub mod keys {
    /// The last successful connection (`aws::ConnectionSpec`).
    pub const LAST_CONNECTION: &str = "connection.last";
    /// How fast apply may go (`changes::ApplySettings`).
    pub const APPLY_SETTINGS: &str = "assignments.apply_settings";
}

pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::new(
                    ErrorKind::Storage,
                    format!(
                        "Gatehouse could not create its data folder {}.",
                        dir.display()
                    ),
                )
                .with_detail(e.to_string())
            })?;
        }
        let conn = Connection::open(path).map_err(|e| {
            Error::new(
                ErrorKind::Storage,
                format!("Gatehouse could not open its database {}.", path.display()),
            )
            .with_detail(e.to_string())
        })?;
        Self::init(conn, Some(path.to_owned()))
    }

    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The connection, for modules that own a table (`snapshot::store`).
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let raw: Option<String> = self
            .conn()
            .query_row("SELECT value FROM kv WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        match raw {
            None => Ok(None),
            // A document we cannot read any more (older shape) is treated as absent, not fatal.
            Some(raw) => Ok(serde_json::from_str(&raw).ok()),
        }
    }

    pub fn put_json<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let raw = serde_json::to_string(value)?;
        self.conn().execute(
            "INSERT INTO kv (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, raw, crate::time_fmt::now_rfc3339()],
        )?;
        Ok(())
    }

    pub fn delete(&self, key: &str) -> Result<()> {
        self.conn()
            .execute("DELETE FROM kv WHERE key = ?1", [key])?;
        Ok(())
    }
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let current: usize =
        conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if current > MIGRATIONS.len() {
        return Err(Error::new(
            ErrorKind::Storage,
            format!(
                "This database was written by a newer Gatehouse (schema {current}, this one knows {}). \
                 Update Gatehouse; the database was left untouched.",
                MIGRATIONS.len()
            ),
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_and_round_trips_documents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/gatehouse.db");
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
            store.put_json("a", &vec![1, 2, 3]).unwrap();
            store.put_json("a", &vec![4]).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.get_json::<Vec<i32>>("a").unwrap(), Some(vec![4]));
        assert_eq!(store.get_json::<Vec<i32>>("missing").unwrap(), None);
        // A value of an unexpected shape reads as absent.
        assert_eq!(store.get_json::<String>("a").unwrap(), None);
        store.delete("a").unwrap();
        assert_eq!(store.get_json::<Vec<i32>>("a").unwrap(), None);
    }

    #[test]
    fn refuses_a_database_from_the_future() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 999).unwrap();
        }
        let err = Store::open(&path).err().unwrap();
        assert_eq!(err.kind, ErrorKind::Storage);
        assert!(err.message.contains("newer Gatehouse"), "{}", err.message);
    }
}
