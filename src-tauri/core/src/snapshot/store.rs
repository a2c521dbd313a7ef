//! The last [`Snapshot`] of each Identity Center instance, in the `snapshots` table
//! (migration 2): one row per instance ARN, replaced by every refresh. A row that no longer
//! reads as a snapshot (written by an older Gatehouse) counts as absent, so a refresh
//! replaces it rather than failing.

use rusqlite::{params, OptionalExtension};

use super::Snapshot;
use crate::error::Result;
use crate::store::Store;

/// Keeps `snapshot` as its instance's last one.
pub fn save(store: &Store, snapshot: &Snapshot) -> Result<()> {
    let json = serde_json::to_string(snapshot)?;
    store.conn().execute(
        "INSERT INTO snapshots (instance_arn, taken_at, json) VALUES (?1, ?2, ?3)
         ON CONFLICT(instance_arn) DO UPDATE SET taken_at = excluded.taken_at, json = excluded.json",
        params![snapshot.instance_arn, snapshot.taken_at, json],
    )?;
    Ok(())
}

/// The last snapshot of `instance_arn`.
pub fn latest(store: &Store, instance_arn: &str) -> Result<Option<Snapshot>> {
    let raw: Option<String> = store
        .conn()
        .query_row(
            "SELECT json FROM snapshots WHERE instance_arn = ?1",
            [instance_arn],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw.and_then(|j| serde_json::from_str(&j).ok()))
}

/// The most recently taken snapshot of any instance.
pub fn newest(store: &Store) -> Result<Option<Snapshot>> {
    let raw: Option<String> = store
        .conn()
        .query_row(
            "SELECT json FROM snapshots ORDER BY taken_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw.and_then(|j| serde_json::from_str(&j).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::tests::sample;

    #[test]
    fn keeps_the_last_snapshot_per_instance() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(latest(&store, "arn:x").unwrap(), None);
        assert_eq!(newest(&store).unwrap(), None);

        let first = sample();
        save(&store, &first).unwrap();
        let mut second = sample();
        second.taken_at = "2026-01-02T00:00:00Z".into();
        second.assignments.truncate(1);
        save(&store, &second).unwrap();
        assert_eq!(
            latest(&store, &first.instance_arn).unwrap(),
            Some(second.clone())
        );

        let mut other = sample();
        other.instance_arn = "arn:aws:sso:::instance/ssoins-2".into();
        other.taken_at = "2025-12-31T00:00:00Z".into();
        save(&store, &other).unwrap();
        assert_eq!(newest(&store).unwrap(), Some(second), "newest by taken_at");
        assert_eq!(latest(&store, &other.instance_arn).unwrap(), Some(other));
    }

    #[test]
    fn an_unreadable_row_counts_as_absent() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO snapshots VALUES ('arn:x', '2026-01-01T00:00:00Z', '{\"old\":1}')",
                [],
            )
            .unwrap();
        assert_eq!(latest(&store, "arn:x").unwrap(), None);
        assert_eq!(newest(&store).unwrap(), None);
    }
}
