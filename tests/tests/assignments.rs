//! System tests: staged account assignment changes applied to a real (moto-backed) AWS
//! through the real SDK, with the test layer's asynchronous status (IN_PROGRESS, then
//! SUCCEEDED or FAILED with a reason), injected throttling and 5xx (some after AWS acted),
//! drift made behind Gatehouse's back, and a `gatehouse` process killed mid-apply.
//!
//! "Exactly once" is checked on moto's raw ListAccountAssignments rows (moto keeps a
//! duplicate when a creation is repeated; the snapshot would hide it).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use gatehouse_core::aws::AccountRole;
use gatehouse_core::changes::{
    ApplyEvent, ApplySettings, ChangeItem, ChangeOp, ChangeSetStatus, DriftKind, ItemStatus,
    StagedChange,
};
use gatehouse_core::progress::{CancellationToken, NoProgress};
use gatehouse_core::snapshot::{Assignment, LoadOptions, PrincipalType, Snapshot};
use gatehouse_core::store::Store;
use gatehouse_core::Gatehouse;
use gatehouse_tests::{dummy_aws_env, gatehouse_cmd, LocalAws};
use serde_json::json;

const REGION: &str = "eu-west-1";

/// One test at a time: each runs its own moto and applies with real pacing and polling; four
/// at once on two cores made their timing (not their logic) the thing under test.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn connected(aws: &LocalAws, dir: &std::path::Path) -> Gatehouse {
    let g = gatehouse_tests::test_gatehouse(Store::open(&dir.join("g.db")).unwrap()).await;
    g.connect(aws.spec(REGION)).await.unwrap();
    g
}

/// A connected Gatehouse on the seeded demo organisation, with its snapshot. Holds the
/// lock that runs these tests one at a time (they measure and fault the same kind of calls).
struct Demo {
    _serial: tokio::sync::MutexGuard<'static, ()>,
    aws: LocalAws,
    dir: tempfile::TempDir,
    g: Gatehouse,
    snap: Snapshot,
}

async fn demo() -> Demo {
    let serial = SERIAL.lock().await;
    let aws = LocalAws::start();
    aws.seed("demo", REGION);
    let dir = tempfile::tempdir().unwrap();
    let g = connected(&aws, dir.path()).await;
    let snap = snapshot(&g).await;
    Demo {
        _serial: serial,
        aws,
        dir,
        g,
        snap,
    }
}

async fn snapshot(g: &Gatehouse) -> Snapshot {
    g.load_snapshot(
        LoadOptions::default(),
        Arc::new(NoProgress),
        CancellationToken::new(),
    )
    .await
    .unwrap()
}

fn account_ids_in(s: &Snapshot, ou_path: &str) -> Vec<String> {
    let ids: Vec<String> = s
        .accounts
        .iter()
        .filter(|a| a.ou_path == ou_path || a.ou_path.starts_with(&format!("{ou_path}/")))
        .map(|a| a.id.clone())
        .collect();
    assert!(!ids.is_empty(), "no accounts under {ou_path}");
    ids
}

fn group(s: &Snapshot, name: &str) -> String {
    s.groups
        .iter()
        .find(|g| g.display_name == name)
        .unwrap_or_else(|| panic!("group {name}"))
        .id
        .clone()
}

fn permission_set(s: &Snapshot, name: &str) -> String {
    s.permission_sets
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("permission set {name}"))
        .arn
        .clone()
}

fn change(op: ChangeOp, account: &str, ps: &str, t: PrincipalType, id: &str) -> StagedChange {
    StagedChange {
        op,
        assignment: Assignment {
            account_id: account.into(),
            permission_set_arn: ps.into(),
            principal_type: t,
            principal_id: id.into(),
        },
    }
}

/// moto's raw rows for one account × permission set: (principal type, id) → how many.
async fn raw_rows(
    g: &Gatehouse,
    instance: &str,
    account: &str,
    ps: &str,
) -> BTreeMap<(String, String), u32> {
    let sso = g.session().await.unwrap().sso_admin();
    let mut out = BTreeMap::new();
    let mut token = None;
    loop {
        let page = sso
            .list_account_assignments()
            .instance_arn(instance)
            .account_id(account)
            .permission_set_arn(ps)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        for a in page.account_assignments.unwrap_or_default() {
            *out.entry((
                a.principal_type.unwrap().as_str().to_owned(),
                a.principal_id.unwrap(),
            ))
            .or_default() += 1;
        }
        token = page.next_token;
        if token.is_none() {
            return out;
        }
    }
}

async fn count_of(g: &Gatehouse, instance: &str, a: &Assignment) -> u32 {
    raw_rows(g, instance, &a.account_id, &a.permission_set_arn)
        .await
        .get(&(a.principal_type.as_str().to_owned(), a.principal_id.clone()))
        .copied()
        .unwrap_or(0)
}

/// ReadOnly for three users (from the `skip`th, by user name) in every account under
/// /Workloads: 45 creations no seeded assignment touches (no user holds ReadOnly in the seed).
fn read_only_for_three_users(snap: &Snapshot, skip: usize) -> Vec<StagedChange> {
    let ps = permission_set(snap, "ReadOnly");
    let mut changes = Vec::new();
    for a in account_ids_in(snap, "/Workloads") {
        for u in snap.users.iter().skip(skip).take(3) {
            changes.push(change(
                ChangeOp::Create,
                &a,
                &ps,
                PrincipalType::User,
                &u.id,
            ));
        }
    }
    changes
}

fn recorder() -> (
    Arc<dyn gatehouse_core::changes::ApplySink>,
    Arc<std::sync::Mutex<Vec<ApplyEvent>>>,
) {
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    let l = log.clone();
    (
        Arc::new(move |e: ApplyEvent| l.lock().unwrap().push(e)),
        log,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn assign_a_group_across_an_ou_with_async_status_failures_retry_and_audit() {
    let Demo {
        _serial,
        aws,
        dir: _dir,
        g,
        snap,
    } = demo().await;
    let prod = account_ids_in(&snap, "/Workloads/Production");
    let support = group(&snap, "Support");
    let read_only = permission_set(&snap, "ReadOnly");
    let mut changes: Vec<StagedChange> = prod
        .iter()
        .map(|a| {
            change(
                ChangeOp::Create,
                a,
                &read_only,
                PrincipalType::Group,
                &support,
            )
        })
        .collect();
    // AWS will fail the creation in this account (below).
    let failing = prod[1].clone();
    // And remove one existing assignment, in another account: the failure injected for
    // `failing` would fail its deletion too.
    let existing = snap
        .assignments
        .iter()
        .find(|x| x.account_id != failing)
        .unwrap()
        .clone();
    changes.push(StagedChange {
        op: ChangeOp::Delete,
        assignment: existing.clone(),
    });

    let plan = g.plan_assignment_changes(changes.clone()).await.unwrap();
    assert_eq!(plan.creates as usize, prod.len());
    assert_eq!(plan.deletes, 1);
    assert!(plan.skipped.is_empty() && plan.blocked.is_empty() && plan.drift.is_empty());
    assert_eq!(plan.send[0].op, ChangeOp::Delete, "deletions first");
    assert_eq!(plan.send[1].principal_name, "Support");
    assert!(
        plan.requests_sent >= plan.send.len() as u32 - 1,
        "read every touched pair"
    );

    // AWS answers asynchronously; one account fails with a reason.
    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(json!({"enabled": true, "in_progress_polls": 2,
                    "fail_accounts": {failing.as_str(): "Account is suspended."}})),
    );
    let (sink, events) = recorder();
    let set = g
        .apply_assignment_changes(changes, sink, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        set.summary.status,
        ChangeSetStatus::CompletedWithFailures,
        "{:#?}",
        set
    );
    assert_eq!(
        set.summary.counts.succeeded as usize,
        prod.len(),
        "{:#?}",
        set.items
    );
    assert_eq!(set.summary.counts.failed, 1, "{:#?}", set.items);
    let failed = set
        .items
        .iter()
        .find(|i| i.status == ItemStatus::Failed)
        .unwrap();
    assert_eq!(failed.line.assignment.account_id, failing);
    assert_eq!(failed.reason.as_deref(), Some("Account is suspended."));
    let events = events.lock().unwrap().clone();
    assert!(
        events.iter().any(|e| e
            .item
            .as_ref()
            .is_some_and(|i| i.status == ItemStatus::InProgress)),
        "IN_PROGRESS was seen and followed"
    );
    let last = events.last().unwrap();
    assert_eq!(
        (last.done, last.total),
        (set.summary.counts.total, set.summary.counts.total)
    );

    let instance = snap.instance_arn.clone();
    for a in &prod {
        let x = change(
            ChangeOp::Create,
            a,
            &read_only,
            PrincipalType::Group,
            &support,
        )
        .assignment;
        let want = u32::from(*a != failing);
        assert_eq!(count_of(&g, &instance, &x).await, want, "account {a}");
    }
    assert_eq!(count_of(&g, &instance, &existing).await, 0, "deleted");

    // The audit log: who, when, what, outcome.
    let status = g.status().await.unwrap();
    let log = g.activity_log(10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id, set.summary.id);
    assert_eq!(log[0].caller_arn, status.identity.caller_arn);
    assert_eq!(log[0].status, ChangeSetStatus::CompletedWithFailures);
    assert!(log[0].finished_at.is_some());
    // The cached snapshot shows what succeeded, without a refresh.
    let cached = g.cached_snapshot().await.unwrap().unwrap();
    assert!(!cached.assignments.contains(&existing));
    assert!(cached.assignments.iter().any(|x| x.account_id == prod[0]
        && x.principal_id == support
        && x.permission_set_arn == read_only));

    // Retry failed, once the account is fixed.
    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(json!({"enabled": true, "in_progress_polls": 1})),
    );
    let (sink, _) = recorder();
    let set = g
        .retry_change_set(&set.summary.id, sink, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(set.summary.status, ChangeSetStatus::Completed);
    for a in &prod {
        let x = change(
            ChangeOp::Create,
            a,
            &read_only,
            PrincipalType::Group,
            &support,
        )
        .assignment;
        assert_eq!(count_of(&g, &instance, &x).await, 1, "account {a}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_5xx_during_apply_end_exactly_once() {
    let Demo {
        _serial,
        aws,
        dir: _dir,
        g,
        snap,
    } = demo().await;
    let changes = read_only_for_three_users(&snap, 0);
    assert!(changes.len() >= 40, "{}", changes.len());
    g.save_apply_settings(ApplySettings {
        max_outstanding: 15,
        requests_per_second: 20,
    })
    .unwrap();
    aws.control(
        "POST",
        "/_gatehouse/async",
        // Deferred: a creation changes nothing in moto until its status says SUCCEEDED, so
        // an answer lost after AWS accepted it leaves a request in flight (as on AWS).
        Some(json!({"enabled": true, "in_progress_polls": 1, "defer": true})),
    );
    aws.set_faults(json!({"seed": 7, "rules": [
        {"operation": "CreateAccountAssignment", "error": "ThrottlingException", "probability": 0.25},
        {"operation": "CreateAccountAssignment", "error": "InternalServerException", "status": 500,
         "probability": 0.15, "after_forward": true},
        {"operation": "CreateAccountAssignment", "error": "ServiceUnavailable", "status": 503,
         "probability": 0.1},
        {"operation": "DescribeAccountAssignmentCreationStatus", "error": "ThrottlingException",
         "probability": 0.2},
        {"operation": "ListAccountAssignments", "error": "ThrottlingException", "probability": 0.1}
    ]}));
    let (sink, _) = recorder();
    let set = g
        .apply_assignment_changes(changes.clone(), sink, CancellationToken::new())
        .await
        .unwrap();
    let injected = aws.control("GET", "/_gatehouse/requests", None)["injected"].clone();
    aws.control("DELETE", "/_gatehouse/faults", None);
    assert!(
        injected.to_string().contains("CreateAccountAssignment"),
        "faults fired: {injected}"
    );
    assert_eq!(set.summary.counts.unfinished, 0);
    for item in &set.items {
        let n = count_of(&g, &snap.instance_arn, &item.line.assignment).await;
        match item.status {
            ItemStatus::Succeeded | ItemStatus::AlreadyDone => {
                assert_eq!(
                    n,
                    1,
                    "{} applied exactly once: {item:?}",
                    item.line.describe()
                )
            }
            ItemStatus::Failed => {
                assert!(item.reason.as_deref().is_some_and(|r| !r.is_empty()));
                assert!(n <= 1, "{} never duplicated", item.line.describe());
            }
            s => panic!("{} ended {s:?}", item.line.describe()),
        }
    }
    assert!(
        set.summary.counts.succeeded as usize >= changes.len() - 2,
        "retries absorbed the faults: {:?}",
        set.summary.counts
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_made_elsewhere_since_the_snapshot_are_shown_not_overwritten() {
    let Demo {
        _serial,
        aws: _aws,
        dir: _dir,
        g,
        snap,
    } = demo().await;
    let instance = snap.instance_arn.clone();
    let billing = group(&snap, "Billing");
    let contractors = group(&snap, "Contractors");
    // An assignment of neither group (the order of moto's ids decides which comes first).
    let existing = snap
        .assignments
        .iter()
        .find(|x| x.principal_id != billing && x.principal_id != contractors)
        .unwrap()
        .clone();
    let ps = existing.permission_set_arn.clone();
    let account = existing.account_id.clone();

    // Behind Gatehouse's back: Billing assigned, the existing assignment removed.
    let sso = g.session().await.unwrap().sso_admin();
    sso.create_account_assignment()
        .instance_arn(&instance)
        .target_id(&account)
        .target_type(aws_sdk_ssoadmin::types::TargetType::AwsAccount)
        .permission_set_arn(&ps)
        .principal_type(aws_sdk_ssoadmin::types::PrincipalType::Group)
        .principal_id(&billing)
        .send()
        .await
        .unwrap();
    let pt = match existing.principal_type {
        PrincipalType::Group => aws_sdk_ssoadmin::types::PrincipalType::Group,
        PrincipalType::User => aws_sdk_ssoadmin::types::PrincipalType::User,
    };
    sso.delete_account_assignment()
        .instance_arn(&instance)
        .target_id(&account)
        .target_type(aws_sdk_ssoadmin::types::TargetType::AwsAccount)
        .permission_set_arn(&ps)
        .principal_type(pt)
        .principal_id(&existing.principal_id)
        .send()
        .await
        .unwrap();

    // The admin, on the old snapshot, stages the same Billing assignment, removes the
    // already-removed one, and assigns Contractors.
    let changes = vec![
        change(
            ChangeOp::Create,
            &account,
            &ps,
            PrincipalType::Group,
            &billing,
        ),
        StagedChange {
            op: ChangeOp::Delete,
            assignment: existing.clone(),
        },
        change(
            ChangeOp::Create,
            &account,
            &ps,
            PrincipalType::Group,
            &contractors,
        ),
    ];
    let plan = g.plan_assignment_changes(changes.clone()).await.unwrap();
    let drift: Vec<(DriftKind, &str)> = plan
        .drift
        .iter()
        .map(|d| (d.kind, d.assignment.principal_id.as_str()))
        .collect();
    assert!(
        drift.contains(&(DriftKind::AddedElsewhere, billing.as_str())),
        "{drift:?}"
    );
    assert!(
        drift.contains(&(DriftKind::RemovedElsewhere, existing.principal_id.as_str())),
        "{drift:?}"
    );
    assert_eq!(plan.skipped.len(), 2, "{:?}", plan.skipped);
    assert!(plan.skipped.iter().all(|h| h.reason.contains("elsewhere")));
    assert_eq!(plan.send.len(), 1);
    assert_eq!(plan.send[0].assignment.principal_id, contractors);

    let (sink, _) = recorder();
    let set = g
        .apply_assignment_changes(changes, sink, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(set.summary.status, ChangeSetStatus::Completed);
    // Only the real change was sent; the two AWS already held are in the set (and the audit
    // log) as already done, with the reason, so the admin sees what changed since the review.
    let sent: Vec<&ChangeItem> = set.items.iter().filter(|i| i.attempts > 0).collect();
    assert_eq!(sent.len(), 1, "{:#?}", set.items);
    assert_eq!(sent[0].line.assignment.principal_id, contractors);
    let held: Vec<&ChangeItem> = set
        .items
        .iter()
        .filter(|i| i.status == ItemStatus::AlreadyDone)
        .collect();
    assert_eq!(held.len(), 2, "{:#?}", set.items);
    assert!(held
        .iter()
        .all(|i| i.attempts == 0 && i.reason.as_deref().is_some_and(|r| r.contains("elsewhere"))));
    assert_eq!(set.summary.counts.succeeded, 3);
    let rows = raw_rows(&g, &instance, &account, &ps).await;
    assert_eq!(
        rows.get(&("GROUP".into(), billing)),
        Some(&1),
        "not duplicated"
    );
    assert_eq!(rows.get(&("GROUP".into(), contractors)), Some(&1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_process_killed_mid_apply_resumes_without_duplicates_or_gaps() {
    let Demo {
        _serial,
        aws,
        dir: _dir,
        g,
        snap,
    } = demo().await;
    let home = tempfile::tempdir().unwrap();
    let changes = read_only_for_three_users(&snap, 5);
    let file = home.path().join("changes.json");
    std::fs::write(&file, serde_json::to_vec(&changes).unwrap()).unwrap();
    // Slow AWS: every creation stays IN_PROGRESS for 2 polls.
    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(json!({"enabled": true, "in_progress_polls": 2, "defer": true})),
    );

    let cli = |args: &[&str]| {
        let mut cmd = gatehouse_cmd(home.path());
        cmd.envs(dummy_aws_env())
            .args(["--region", REGION, "--endpoint-url", &aws.url])
            .args(args);
        cmd
    };
    let mut child = cli(&["assignments", "apply", "--changes", file.to_str().unwrap()])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen_done = 0;
    for line in stderr.lines() {
        let line = line.unwrap();
        if line.starts_with('[') && line.contains("Done:") {
            seen_done += 1;
            if seen_done == 5 {
                break;
            }
        }
    }
    assert_eq!(seen_done, 5, "the apply got going");
    child.kill().unwrap();
    child.wait().unwrap();

    // After the heartbeat went stale, the change set reads as interrupted.
    tokio::time::sleep(Duration::from_secs(11)).await;
    let out = cli(&["assignments", "log", "--json"]).output().unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log[0]["status"], "interrupted", "{log}");
    let done_before = log[0]["counts"]["succeeded"].as_u64().unwrap();
    assert!(
        done_before >= 5 && (done_before as usize) < changes.len(),
        "{log}"
    );

    let out = cli(&["assignments", "resume", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "resume: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let set: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(set["summary"]["status"], "completed");
    assert_eq!(set["summary"]["counts"]["succeeded"], changes.len());

    for c in &changes {
        assert_eq!(
            count_of(&g, &snap.instance_arn, &c.assignment).await,
            1,
            "{:?} exactly once",
            c.assignment
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn discarding_an_interrupted_set_records_what_aws_shows_for_each_change() {
    let Demo {
        _serial,
        aws,
        dir,
        g,
        snap,
    } = demo().await;
    let changes = read_only_for_three_users(&snap, 10);
    // Slow AWS: a creation changes nothing until its status reads SUCCEEDED, 3 polls later.
    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(json!({"enabled": true, "in_progress_polls": 3, "defer": true})),
    );

    // Another process (a second Gatehouse on the same database) applies, and dies once 5
    // changes are done: its task is dropped mid-call, as a crash would leave it.
    let other = connected(&aws, dir.path()).await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ApplyEvent>();
    let sink: Arc<dyn gatehouse_core::changes::ApplySink> = Arc::new(move |e: ApplyEvent| {
        let _ = tx.send(e);
    });
    let run = tokio::spawn(async move {
        other
            .apply_assignment_changes(changes, sink, CancellationToken::new())
            .await
    });
    let mut id = None;
    while let Some(e) = rx.recv().await {
        id = Some(e.change_set_id.clone());
        if e.succeeded >= 5 {
            break;
        }
    }
    run.abort();
    let _ = run.await;
    let id = id.expect("the apply got going");

    // Once the heartbeat is stale the set reads as interrupted; discard it.
    tokio::time::sleep(Duration::from_secs(11)).await;
    let before = g.change_set(&id).unwrap();
    assert_eq!(before.summary.status, ChangeSetStatus::Interrupted);
    let maybe_sent = before
        .items
        .iter()
        .filter(|i| matches!(i.status, ItemStatus::Sending | ItemStatus::InProgress))
        .count();
    assert!(maybe_sent > 0, "requests were in flight at the crash");
    let set = g.discard_change_set(&id).await.unwrap();
    assert_eq!(set.summary.status, ChangeSetStatus::Discarded);
    assert_eq!(set.summary.counts.unfinished, 0, "{:#?}", set.items);

    // Each item's record agrees with AWS.
    let instance = snap.instance_arn.clone();
    let mut still_working = 0;
    for item in &set.items {
        let held = count_of(&g, &instance, &item.line.assignment).await;
        let reason = item.reason.clone().unwrap_or_default();
        match item.status {
            ItemStatus::Succeeded => assert_eq!(held, 1, "{item:#?}"),
            ItemStatus::NotAttempted if reason.contains("never sent") => {
                assert_eq!(held, 0, "{item:#?}")
            }
            ItemStatus::NotAttempted if reason.contains("had not taken effect") => {
                assert_eq!(held, 0, "{item:#?}")
            }
            ItemStatus::NotAttempted if reason.contains("still working") => {
                // AWS may complete it after the discard: said so, and never doubled.
                still_working += 1;
                assert!(held <= 1, "{item:#?}");
                assert!(reason.contains("may still take effect"), "{reason}");
            }
            _ => panic!("unexpected record after discard: {item:#?}"),
        }
    }
    assert!(still_working > 0, "{:#?}", set.items);
    // What was found done is in the kept snapshot, without a refresh.
    let cached = g.cached_snapshot().await.unwrap().unwrap();
    for item in set
        .items
        .iter()
        .filter(|i| i.status == ItemStatus::Succeeded)
    {
        assert!(cached.assignments.contains(&item.line.assignment));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delegated_administrator_is_told_which_changes_touch_the_management_account() {
    let _serial = SERIAL.lock().await;
    let aws = LocalAws::start();
    let seed = aws.seed("demo", REGION);
    let management = seed["management_account_id"].as_str().unwrap().to_owned();
    let account_named = |name: &str| {
        seed["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("account {name}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let audit = account_named("Audit");
    // The Audit account, registered as IAM Identity Center's delegated administrator
    // (tests/support/README.md, part j).
    aws.control(
        "POST",
        "/_gatehouse/caller",
        Some(json!({"account_id": audit.as_str()})),
    );
    let dir = tempfile::tempdir().unwrap();
    let g = connected(&aws, dir.path()).await;
    let status = g.status().await.unwrap();
    assert_eq!(status.identity.account_id, audit);
    assert_eq!(status.identity.role, AccountRole::DelegatedAdmin);
    let snap = snapshot(&g).await;
    let support = group(&snap, "Support");
    let read_only = permission_set(&snap, "ReadOnly");
    let changes = vec![
        change(
            ChangeOp::Create,
            &management,
            &read_only,
            PrincipalType::Group,
            &support,
        ),
        change(
            ChangeOp::Create,
            &audit,
            &read_only,
            PrincipalType::Group,
            &support,
        ),
    ];

    let plan = g.plan_assignment_changes(changes.clone()).await.unwrap();
    assert_eq!(plan.blocked.len(), 1, "{:?}", plan.blocked);
    let held = &plan.blocked[0];
    assert_eq!(held.line.assignment.account_id, management);
    assert!(
        held.reason.contains("delegated administrator") && held.reason.contains(&management),
        "{}",
        held.reason
    );
    assert_eq!(plan.send.len(), 1);
    assert_eq!(plan.send[0].assignment.account_id, audit);

    aws.control("GET", "/_gatehouse/requests?reset=1", None);
    let (sink, _) = recorder();
    let set = g
        .apply_assignment_changes(changes, sink, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(set.summary.status, ChangeSetStatus::Completed);
    assert_eq!(set.items.len(), 1, "{:#?}", set.items);
    assert_eq!(set.summary.caller_arn, status.identity.caller_arn);
    let counts = aws.control("GET", "/_gatehouse/requests", None);
    assert_eq!(
        counts["counts"]["sso-admin"]["CreateAccountAssignment"], 1,
        "nothing was sent for the management account: {counts}"
    );
    let instance = snap.instance_arn.clone();
    let x = |account: &str| {
        change(
            ChangeOp::Create,
            account,
            &read_only,
            PrincipalType::Group,
            &support,
        )
        .assignment
    };
    assert_eq!(count_of(&g, &instance, &x(&audit)).await, 1);
    assert_eq!(count_of(&g, &instance, &x(&management)).await, 0);
}
