//! The planning rules, as pure functions of the snapshot, the staged changes, who is calling
//! and (when read) what AWS holds now: which changes are sent, which are no-ops, which cannot
//! be made from this connection, and which assignments drifted since the snapshot.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{
    ApplySettings, ChangeLine, ChangeOp, ChangePlan, Drift, DriftKind, HeldChange, StagedChange,
};
use crate::aws::identity::{AccountRole, Identity};
use crate::snapshot::{Assignment, PrincipalType, Snapshot};

/// Who is applying, as far as planning cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub caller_arn: String,
    pub account_id: String,
    pub role: AccountRole,
    pub management_account_id: Option<String>,
}

impl Caller {
    pub fn from_identity(identity: &Identity, snapshot: &Snapshot) -> Self {
        Self {
            caller_arn: identity.caller_arn.clone(),
            account_id: identity.account_id.clone(),
            role: identity.role,
            management_account_id: identity
                .organization
                .as_ref()
                .map(|o| o.management_account_id.clone())
                .or_else(|| snapshot.management_account_id.clone()),
        }
    }

    /// A delegated administrator may not manage access to the management account.
    fn may_change(&self, account_id: &str) -> Option<String> {
        let mgmt = self.management_account_id.as_deref()?;
        if account_id == mgmt && self.account_id != mgmt {
            Some(format!(
                "You are signed in to {} ({}), not the management account. IAM Identity Center \
                 does not let a delegated administrator change access to the management account \
                 ({mgmt}). Make this change signed in to the management account.",
                self.account_id,
                match self.role {
                    AccountRole::DelegatedAdmin => "a delegated administrator",
                    _ => "a member account",
                }
            ))
        } else {
            None
        }
    }
}

/// What AWS holds now for an account × permission set: its principals.
pub type LiveAssignments = BTreeMap<(String, String), BTreeSet<(PrincipalType, String)>>;

/// Names for ids, from the snapshot.
pub struct Names<'a> {
    accounts: HashMap<&'a str, &'a str>,
    sets: HashMap<&'a str, &'a str>,
    groups: HashMap<&'a str, &'a str>,
    users: HashMap<&'a str, &'a str>,
}

impl<'a> Names<'a> {
    pub fn new(s: &'a Snapshot) -> Self {
        Self {
            accounts: s
                .accounts
                .iter()
                .map(|a| (a.id.as_str(), a.name.as_str()))
                .collect(),
            sets: s
                .permission_sets
                .iter()
                .map(|p| (p.arn.as_str(), p.name.as_str()))
                .collect(),
            groups: s
                .groups
                .iter()
                .map(|g| (g.id.as_str(), g.display_name.as_str()))
                .collect(),
            users: s
                .users
                .iter()
                .map(|u| (u.id.as_str(), u.user_name.as_str()))
                .collect(),
        }
    }

    fn principal(&self, t: PrincipalType, id: &str) -> Option<&'a str> {
        match t {
            PrincipalType::Group => self.groups.get(id).copied(),
            PrincipalType::User => self.users.get(id).copied(),
        }
    }

    pub fn line(&self, op: ChangeOp, a: &Assignment) -> ChangeLine {
        ChangeLine {
            op,
            assignment: a.clone(),
            account_name: self
                .accounts
                .get(a.account_id.as_str())
                .map_or_else(|| a.account_id.clone(), |n| (*n).to_owned()),
            permission_set_name: self
                .sets
                .get(a.permission_set_arn.as_str())
                .map_or_else(|| a.permission_set_arn.clone(), |n| (*n).to_owned()),
            principal_name: self
                .principal(a.principal_type, &a.principal_id)
                .map_or_else(|| a.principal_id.clone(), str::to_owned),
        }
    }
}

fn pair(a: &Assignment) -> (String, String) {
    (a.account_id.clone(), a.permission_set_arn.clone())
}

/// Plans `changes` on `snapshot`. With `live` (AWS now, for every touched pair), no-ops and
/// drift are judged against AWS; without it, against the snapshot.
pub fn plan(
    snapshot: &Snapshot,
    changes: &[StagedChange],
    caller: &Caller,
    live: Option<&LiveAssignments>,
    settings: ApplySettings,
) -> ChangePlan {
    let names = Names::new(snapshot);
    let mut in_snapshot: LiveAssignments = BTreeMap::new();
    for a in &snapshot.assignments {
        in_snapshot
            .entry(pair(a))
            .or_default()
            .insert((a.principal_type, a.principal_id.clone()));
    }
    let now = live.unwrap_or(&in_snapshot);

    // One change per assignment; staging both a create and a delete of it is a contradiction.
    let mut by_assignment: BTreeMap<&Assignment, BTreeSet<ChangeOp>> = BTreeMap::new();
    for c in changes {
        by_assignment.entry(&c.assignment).or_default().insert(c.op);
    }

    let mut send = Vec::new();
    let mut skipped = Vec::new();
    let mut blocked = Vec::new();
    for (a, ops) in &by_assignment {
        let op = *ops.iter().next().expect("at least one op");
        let line = names.line(op, a);
        let hold = |reason: String| HeldChange {
            line: line.clone(),
            reason,
        };
        if ops.len() > 1 {
            blocked.push(hold(
                "Staged both to assign and to remove: unstage one of them.".to_owned(),
            ));
            continue;
        }
        if let Some(reason) = caller.may_change(&a.account_id) {
            blocked.push(hold(reason));
            continue;
        }
        let account_known = names.accounts.contains_key(a.account_id.as_str());
        let set_known = names.sets.contains_key(a.permission_set_arn.as_str());
        let principal_known = names.principal(a.principal_type, &a.principal_id).is_some();
        if op == ChangeOp::Create {
            if !account_known {
                blocked.push(hold(format!(
                    "Account {} is not in the organization (as of the snapshot).",
                    a.account_id
                )));
                continue;
            }
            if !set_known {
                blocked.push(hold(
                    "The permission set no longer exists (as of the snapshot).".to_owned(),
                ));
                continue;
            }
            if !principal_known {
                blocked.push(hold(format!(
                    "The {} is not in the Identity Store (as of the snapshot).",
                    a.principal_type.as_str().to_lowercase()
                )));
                continue;
            }
        }
        let key = (a.principal_type, a.principal_id.clone());
        let held_now = now.get(&pair(a)).is_some_and(|s| s.contains(&key));
        let held_before = in_snapshot.get(&pair(a)).is_some_and(|s| s.contains(&key));
        match (op, held_now) {
            (ChangeOp::Create, true) => skipped.push(hold(if held_before {
                "Already assigned.".to_owned()
            } else {
                "Already assigned in AWS (assigned elsewhere since the snapshot).".to_owned()
            })),
            (ChangeOp::Delete, false) => skipped.push(hold(if held_before {
                "Already removed in AWS (removed elsewhere since the snapshot).".to_owned()
            } else {
                "Not assigned.".to_owned()
            })),
            _ => send.push(line),
        }
    }
    // Deletions first (they free quota and never fail on a missing target), then creations.
    send.sort_by(|x, y| {
        (x.op == ChangeOp::Create)
            .cmp(&(y.op == ChangeOp::Create))
            .then_with(|| x.assignment.cmp(&y.assignment))
    });

    let mut drift = Vec::new();
    if let Some(live) = live {
        let touched: BTreeSet<(String, String)> =
            changes.iter().map(|c| pair(&c.assignment)).collect();
        let empty = BTreeSet::new();
        for p in &touched {
            let before = in_snapshot.get(p).unwrap_or(&empty);
            let after = live.get(p).unwrap_or(&empty);
            for (kind, principals) in [
                (DriftKind::AddedElsewhere, after.difference(before)),
                (DriftKind::RemovedElsewhere, before.difference(after)),
            ] {
                for (t, id) in principals {
                    let a = Assignment {
                        account_id: p.0.clone(),
                        permission_set_arn: p.1.clone(),
                        principal_type: *t,
                        principal_id: id.clone(),
                    };
                    let l = names.line(ChangeOp::Create, &a);
                    drift.push(Drift {
                        kind,
                        account_name: l.account_name,
                        permission_set_name: l.permission_set_name,
                        principal_name: l.principal_name,
                        assignment: a,
                    });
                }
            }
        }
    }

    let creates = send.iter().filter(|l| l.op == ChangeOp::Create).count() as u32;
    let deletes = send.len() as u32 - creates;
    let estimated_requests = send.len() as u32 * 2;
    ChangePlan {
        snapshot_taken_at: snapshot.taken_at.clone(),
        checked_at: crate::time_fmt::now_rfc3339(),
        send,
        skipped,
        blocked,
        drift,
        creates,
        deletes,
        settings,
        estimated_requests,
        estimated_seconds: f64::from(estimated_requests)
            / f64::from(settings.requests_per_second.max(1)),
        requests_sent: 0,
    }
}

/// Applies finished changes to a snapshot, so it shows them without a full refresh.
pub fn fold_into(snapshot: &mut Snapshot, done: &[StagedChange]) {
    if done.is_empty() {
        return;
    }
    let deleted: BTreeSet<&Assignment> = done
        .iter()
        .filter(|c| c.op == ChangeOp::Delete)
        .map(|c| &c.assignment)
        .collect();
    snapshot.assignments.retain(|a| !deleted.contains(a));
    snapshot.assignments.extend(
        done.iter()
            .filter(|c| c.op == ChangeOp::Create)
            .map(|c| c.assignment.clone()),
    );
    snapshot.normalize();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::tests::sample;

    fn caller(account: &str, role: AccountRole) -> Caller {
        Caller {
            caller_arn: format!("arn:aws:iam::{account}:user/admin"),
            account_id: account.into(),
            role,
            management_account_id: Some("111111111111".into()),
        }
    }

    fn mgmt() -> Caller {
        caller("111111111111", AccountRole::Management)
    }

    fn a(acct: &str, ps: &str, t: PrincipalType, p: &str) -> Assignment {
        Assignment {
            account_id: acct.into(),
            permission_set_arn: ps.into(),
            principal_type: t,
            principal_id: p.into(),
        }
    }

    fn create(x: Assignment) -> StagedChange {
        StagedChange {
            op: ChangeOp::Create,
            assignment: x,
        }
    }

    fn delete(x: Assignment) -> StagedChange {
        StagedChange {
            op: ChangeOp::Delete,
            assignment: x,
        }
    }

    fn live_of(snapshot: &Snapshot) -> LiveAssignments {
        let mut m: LiveAssignments = BTreeMap::new();
        for x in &snapshot.assignments {
            m.entry(pair(x))
                .or_default()
                .insert((x.principal_type, x.principal_id.clone()));
        }
        m
    }

    #[test]
    fn sends_real_changes_with_names_deletions_first() {
        let s = sample();
        let changes = vec![
            create(a("222222222222", "arn:ps-ro", PrincipalType::User, "u-ben")),
            delete(a(
                "222222222222",
                "arn:ps-admin",
                PrincipalType::Group,
                "g-dev",
            )),
        ];
        let p = plan(
            &s,
            &changes,
            &mgmt(),
            Some(&live_of(&s)),
            ApplySettings::default(),
        );
        assert_eq!(p.send.len(), 2);
        assert_eq!(p.send[0].op, ChangeOp::Delete);
        assert_eq!(p.send[0].principal_name, "Developers");
        assert_eq!(p.send[1].account_name, "payments");
        assert_eq!(p.send[1].permission_set_name, "ReadOnly");
        assert_eq!(p.send[1].principal_name, "ben@x.com");
        assert_eq!((p.creates, p.deletes), (1, 1));
        assert!(p.skipped.is_empty() && p.blocked.is_empty() && p.drift.is_empty());
        assert_eq!(p.estimated_requests, 4);
        assert!((p.estimated_seconds - 0.2).abs() < 1e-9);
    }

    #[test]
    fn drift_is_found_and_no_ops_are_skipped_with_the_reason() {
        let s = sample();
        let mut live = live_of(&s);
        // Someone assigned Ben ReadOnly in payments, and removed Developers' Admin there.
        live.entry(("222222222222".into(), "arn:ps-ro".into()))
            .or_default()
            .insert((PrincipalType::User, "u-ben".into()));
        live.get_mut(&("222222222222".into(), "arn:ps-admin".into()))
            .unwrap()
            .remove(&(PrincipalType::Group, "g-dev".into()));
        let changes = vec![
            create(a("222222222222", "arn:ps-ro", PrincipalType::User, "u-ben")),
            delete(a(
                "222222222222",
                "arn:ps-admin",
                PrincipalType::Group,
                "g-dev",
            )),
            create(a(
                "222222222222",
                "arn:ps-admin",
                PrincipalType::User,
                "u-ben",
            )),
        ];
        let p = plan(&s, &changes, &mgmt(), Some(&live), ApplySettings::default());
        assert_eq!(p.send.len(), 1, "{:?}", p.send);
        assert_eq!(p.send[0].assignment.principal_id, "u-ben");
        assert_eq!(p.send[0].assignment.permission_set_arn, "arn:ps-admin");
        let reasons: Vec<&str> = p.skipped.iter().map(|h| h.reason.as_str()).collect();
        assert!(
            reasons.iter().any(|r| r.contains("assigned elsewhere")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.contains("removed elsewhere")),
            "{reasons:?}"
        );
        let kinds: BTreeSet<_> = p
            .drift
            .iter()
            .map(|d| (d.kind, d.principal_name.as_str()))
            .collect();
        assert_eq!(
            kinds,
            BTreeSet::from([
                (DriftKind::AddedElsewhere, "ben@x.com"),
                (DriftKind::RemovedElsewhere, "Developers"),
            ])
        );
    }

    #[test]
    fn a_delegated_administrator_cannot_touch_the_management_account() {
        let s = sample();
        let changes = vec![
            create(a(
                "111111111111",
                "arn:ps-admin",
                PrincipalType::User,
                "u-ana",
            )),
            create(a("222222222222", "arn:ps-ro", PrincipalType::User, "u-ana")),
        ];
        let delegated = caller("333333333333", AccountRole::DelegatedAdmin);
        let p = plan(&s, &changes, &delegated, None, ApplySettings::default());
        assert_eq!(p.send.len(), 1);
        assert_eq!(p.send[0].assignment.account_id, "222222222222");
        assert_eq!(p.blocked.len(), 1);
        assert_eq!(p.blocked[0].line.account_name, "management");
        assert!(p.blocked[0].reason.contains("delegated administrator"));
        assert!(p.blocked[0].reason.contains("111111111111"));
        // The management account itself may.
        let p = plan(&s, &changes, &mgmt(), None, ApplySettings::default());
        assert_eq!(p.send.len(), 2);
    }

    #[test]
    fn unknown_targets_and_contradictions_are_blocked() {
        let s = sample();
        let x = a("222222222222", "arn:ps-ro", PrincipalType::User, "u-ana");
        let changes = vec![
            create(a("999999999999", "arn:ps-ro", PrincipalType::User, "u-ana")),
            create(a("222222222222", "arn:gone", PrincipalType::User, "u-ana")),
            create(a(
                "222222222222",
                "arn:ps-ro",
                PrincipalType::Group,
                "g-gone",
            )),
            create(x.clone()),
            delete(x),
            // Removing an assignment of a principal deleted from the directory is fine.
            delete(a(
                "111111111111",
                "arn:ps-ro",
                PrincipalType::Group,
                "g-empty",
            )),
        ];
        let p = plan(&s, &changes, &mgmt(), None, ApplySettings::default());
        assert_eq!(p.blocked.len(), 4, "{:#?}", p.blocked);
        assert_eq!(p.send.len(), 1);
        assert_eq!(p.send[0].op, ChangeOp::Delete);
    }

    #[test]
    fn folding_finished_changes_into_the_snapshot() {
        let mut s = sample();
        s.normalize();
        let before = s.assignments.len();
        let add = a("222222222222", "arn:ps-ro", PrincipalType::User, "u-ben");
        let remove = a(
            "222222222222",
            "arn:ps-admin",
            PrincipalType::Group,
            "g-dev",
        );
        fold_into(
            &mut s,
            &[
                create(add.clone()),
                delete(remove.clone()),
                create(add.clone()),
            ],
        );
        assert_eq!(s.assignments.len(), before);
        assert!(s.assignments.contains(&add));
        assert!(!s.assignments.contains(&remove));
    }
}
