//! System tests: the organisation's access snapshot read from a real (moto-backed) AWS through
//! the real SDK, compared with what `seed.py demo` created.
//!
//! Covers both assignment strategies and the automatic choice, request counts against the
//! layer's own count, the CLI (`snapshot --out`, `report --format csv|json`), throttling
//! beyond the SDK's retries, cancellation, the cached snapshot, and the layer's
//! provisioned-set lists (which the per-account strategy depends on).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gatehouse_core::aws::ConnectionSpec;
use gatehouse_core::keychain::Keychain;
use gatehouse_core::progress::{CancellationToken, NoProgress, Progress, ProgressSink};
use gatehouse_core::snapshot::{AssignmentStrategy, LoadOptions, ServiceLimit, Snapshot};
use gatehouse_core::store::Store;
use gatehouse_core::{ErrorKind, Gatehouse, Secret};
use gatehouse_tests::{gatehouse_cmd, test_gatehouse, LocalAws};
use serde_json::Value;

async fn gatehouse(dir: &std::path::Path) -> Gatehouse {
    test_gatehouse(Store::open(&dir.join("g.db")).unwrap()).await
}

fn spec(aws: &LocalAws, region: &str) -> ConnectionSpec {
    aws.spec(region)
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// The layer's request counts, flattened to operation -> n, and reset.
fn layer_requests(aws: &LocalAws) -> (u32, BTreeMap<String, u32>, Value) {
    let v = aws.control("GET", "/_gatehouse/requests?reset=1", None);
    let mut by_op = BTreeMap::new();
    for ops in v["counts"].as_object().unwrap().values() {
        for (op, n) in ops.as_object().unwrap() {
            *by_op.entry(op.clone()).or_default() += n.as_u64().unwrap() as u32;
        }
    }
    (
        v["total"].as_u64().unwrap() as u32,
        by_op,
        v["injected"].clone(),
    )
}

type Tuple = Vec<String>;

fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    items.into_iter().collect()
}

/// Everything the snapshot holds equals what the seed created.
fn assert_matches_seed(snap: &Snapshot, seed: &Value) {
    assert_eq!(snap.instance_arn, s(&seed["instance_arn"]));
    assert_eq!(snap.identity_store_id, s(&seed["identity_store_id"]));
    assert_eq!(
        snap.management_account_id.as_deref(),
        seed["management_account_id"].as_str()
    );
    assert_eq!(snap.root_id, s(&seed["root_id"]));
    assert_eq!(snap.region, s(&seed["region"]));

    let ous: BTreeSet<Tuple> = set(snap.ous.iter().map(|o| {
        vec![
            o.id.clone(),
            o.name.clone(),
            o.parent_id.clone(),
            o.path.clone(),
        ]
    }));
    let want: BTreeSet<Tuple> =
        set(seed["organizational_units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                vec![
                    s(&o["id"]),
                    s(&o["name"]),
                    s(&o["parent_id"]),
                    s(&o["path"]),
                ]
            }));
    assert_eq!(ous, want, "OUs");

    let accounts: BTreeSet<Tuple> = set(snap.accounts.iter().map(|a| {
        vec![
            a.id.clone(),
            a.name.clone(),
            a.email.clone().unwrap_or_default(),
            a.ou_id.clone(),
            a.ou_path.clone(),
            a.status.clone().unwrap_or_default(),
        ]
    }));
    let want: BTreeSet<Tuple> = set(seed["accounts"].as_array().unwrap().iter().map(|a| {
        vec![
            s(&a["id"]),
            s(&a["name"]),
            s(&a["email"]),
            s(&a["ou_id"]),
            s(&a["ou_path"]),
            "ACTIVE".into(),
        ]
    }));
    assert_eq!(accounts, want, "accounts with their OU");

    // Without members (`gatehouse snapshot` unless --members) every list is empty.
    let members = snap.members_loaded;
    let groups: BTreeSet<Tuple> = set(snap.groups.iter().map(|g| {
        assert!(
            members || g.member_user_ids.is_empty(),
            "{}",
            g.display_name
        );
        let mut v = vec![g.id.clone(), g.display_name.clone()];
        v.extend(g.member_user_ids.iter().cloned());
        v
    }));
    let want: BTreeSet<Tuple> = set(seed["groups"].as_array().unwrap().iter().map(|g| {
        let mut members: Vec<String> = g["member_user_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(s)
            .collect();
        members.sort();
        if !snap.members_loaded {
            members.clear();
        }
        let mut v = vec![s(&g["id"]), s(&g["name"])];
        v.extend(members);
        v
    }));
    assert_eq!(groups, want, "groups and members");

    let users: BTreeSet<(String, String, Option<String>, Option<String>)> =
        set(snap.users.iter().map(|u| {
            (
                u.id.clone(),
                u.user_name.clone(),
                u.display_name.clone(),
                u.email.clone(),
            )
        }));
    let want = set(seed["users"].as_array().unwrap().iter().map(|u| {
        (
            s(&u["id"]),
            s(&u["user_name"]),
            opt(&u["display_name"]),
            opt(&u["email"]),
        )
    }));
    assert_eq!(users, want, "users");

    let sets: BTreeSet<Tuple> = set(snap.permission_sets.iter().map(|p| {
        vec![
            p.arn.clone(),
            p.name.clone(),
            p.description.clone().unwrap_or_default(),
            p.session_duration.clone().unwrap_or_default(),
        ]
    }));
    let want: BTreeSet<Tuple> = set(seed["permission_sets"].as_array().unwrap().iter().map(|p| {
        vec![
            s(&p["arn"]),
            s(&p["name"]),
            s(&p["description"]),
            s(&p["session_duration"]),
        ]
    }));
    assert_eq!(sets, want, "permission sets");

    // Each set's definition: policies as the seed attached them; only AdministratorAccess
    // grants administrator access (the seed has no boundaries or tags). Without definitions
    // (`gatehouse snapshot` unless --definitions) every set says so and has none.
    for p in seed["permission_sets"].as_array().unwrap() {
        let got = snap
            .permission_sets
            .iter()
            .find(|ps| ps.arn == s(&p["arn"]))
            .unwrap();
        if !got.definition_loaded {
            assert!(
                got.managed_policy_arns.is_empty()
                    && got.customer_managed_policies.is_empty()
                    && got.inline_policy.is_none()
                    && !got.grants_admin,
                "{}",
                got.name
            );
            continue;
        }
        let mut managed: Vec<String> = p["managed_policy_arns"]
            .as_array()
            .unwrap()
            .iter()
            .map(s)
            .collect();
        managed.sort();
        assert_eq!(got.managed_policy_arns, managed, "{}", got.name);
        let customer: Vec<(String, String)> = p["customer_managed_policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (s(&c["name"]), s(&c["path"])))
            .collect();
        let got_customer: Vec<(String, String)> = got
            .customer_managed_policies
            .iter()
            .map(|c| (c.name.clone(), c.path.clone()))
            .collect();
        assert_eq!(got_customer, customer, "{}", got.name);
        assert_eq!(
            got.inline_policy.is_some(),
            p["has_inline_policy"].as_bool().unwrap(),
            "{}",
            got.name
        );
        if let Some(policy) = &got.inline_policy {
            let doc: Value = serde_json::from_str(policy).unwrap();
            assert_eq!(doc["Version"], "2012-10-17", "{}", got.name);
        }
        assert_eq!(
            got.grants_admin,
            got.name == "AdministratorAccess",
            "{}",
            got.name
        );
        assert!(got.definition_loaded);
        assert_eq!(
            (got.permissions_boundary.clone(), got.tags.len()),
            (None, 0)
        );
    }

    let assignments: BTreeSet<Tuple> = set(snap.assignments.iter().map(|a| {
        vec![
            a.account_id.clone(),
            a.permission_set_arn.clone(),
            a.principal_type.as_str().to_owned(),
            a.principal_id.clone(),
        ]
    }));
    assert_eq!(
        assignments.len(),
        snap.assignments.len(),
        "assignments are listed once each"
    );
    assert_eq!(assignments, seed_assignments(seed), "assignments");
}

fn seed_assignments(seed: &Value) -> BTreeSet<Tuple> {
    set(seed["assignments"].as_array().unwrap().iter().map(|a| {
        vec![
            s(&a["account_id"]),
            s(&a["permission_set_arn"]),
            s(&a["principal_type"]),
            s(&a["principal_id"]),
        ]
    }))
}

/// The seed's assignments expanded through group memberships, as report rows:
/// account_id, account_name, ou_path, permission_set_arn, permission_set_name,
/// principal_type, principal_id, principal_name, access, via_group.
fn expected_report(seed: &Value) -> BTreeSet<Tuple> {
    let accounts: HashMap<String, (String, String)> = seed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (s(&a["id"]), (s(&a["name"]), s(&a["ou_path"]))))
        .collect();
    let user_names: HashMap<String, String> = seed["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (s(&u["id"]), s(&u["user_name"])))
        .collect();
    let groups: HashMap<String, (String, Vec<String>)> = seed["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                s(&g["id"]),
                (
                    s(&g["name"]),
                    g["member_user_ids"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(s)
                        .collect(),
                ),
            )
        })
        .collect();
    let mut rows = BTreeSet::new();
    for a in seed["assignments"].as_array().unwrap() {
        let (name, path) = accounts[&s(&a["account_id"])].clone();
        let base = vec![
            s(&a["account_id"]),
            name,
            path,
            s(&a["permission_set_arn"]),
            s(&a["permission_set_name"]),
        ];
        let row = |t: &str, id: &str, pname: &str, access: &str, via: &str| {
            let mut r = base.clone();
            r.extend([t, id, pname, access, via].map(str::to_owned));
            r
        };
        let pid = s(&a["principal_id"]);
        if a["principal_type"] == "USER" {
            rows.insert(row("USER", &pid, &user_names[&pid], "direct", ""));
        } else {
            let (gname, members) = &groups[&pid];
            rows.insert(row("GROUP", &pid, gname, "direct", ""));
            for m in members {
                rows.insert(row("USER", m, &user_names[m], "group", gname));
            }
        }
    }
    rows
}

fn recorder() -> (Arc<Mutex<Vec<Progress>>>, Arc<dyn ProgressSink>) {
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        Arc::new(move |p: Progress| seen.lock().unwrap().push(p))
    };
    (seen, sink)
}

#[tokio::test(flavor = "multi_thread")]
async fn snapshot_equals_the_seed_with_either_strategy_and_counts_every_request() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", "eu-west-1");
    let dir = tempfile::tempdir().unwrap();
    let g = gatehouse(dir.path()).await;
    g.connect(spec(&aws, "eu-west-1")).await.unwrap();
    assert_eq!(g.cached_snapshot().await.unwrap(), None);
    assert_eq!(
        g.who_has_what().await.unwrap_err().kind,
        ErrorKind::NotFound
    );

    let mut requests = BTreeMap::new();
    for strategy in [
        None,
        Some(AssignmentStrategy::PerAccountPermissionSet),
        Some(AssignmentStrategy::PerPrincipal),
    ] {
        layer_requests(&aws);
        let (seen, sink) = recorder();
        let snap = g
            .load_snapshot(
                LoadOptions {
                    strategy,
                    ..LoadOptions::default()
                },
                sink,
                CancellationToken::new(),
            )
            .await
            .unwrap();
        let (total, by_op, _) = layer_requests(&aws);
        assert_matches_seed(&snap, &seed);
        assert_eq!(
            snap.stats.requests, total,
            "{strategy:?}: Gatehouse counted what the layer saw"
        );
        assert_eq!(snap.stats.requests_by_operation, by_op, "{strategy:?}");
        assert_eq!(snap.stats.throttled_retries, 0);
        let seen = seen.lock().unwrap().clone();
        let last = seen.last().unwrap();
        assert_eq!(last.done, last.total, "progress ends complete: {last:?}");
        assert!(
            seen.iter()
                .any(|p| p.message.starts_with("Reading account assignments")),
            "{seen:?}"
        );
        eprintln!(
            "{strategy:?} -> {:?}: {} requests in {:.2} s ({})",
            snap.stats.strategy,
            snap.stats.requests,
            snap.stats.seconds,
            snap.stats.strategy_reason
        );
        requests.insert(format!("{:?}", snap.stats.strategy), snap.stats.requests);
        if strategy.is_none() {
            // demo: 7 sets provisioned to 25 account × set pairs, against 50 principals.
            assert_eq!(
                snap.stats.strategy,
                AssignmentStrategy::PerAccountPermissionSet
            );
            assert_eq!(by_op["ListAccountsForProvisionedPermissionSet"], 7);
            assert_eq!(by_op["ListAccountAssignments"], 25);
            assert!(!by_op.contains_key("ListAccountAssignmentsForPrincipal"));
            // Each account's OU comes with ListAccountsForParent: no per-account calls.
            assert!(!by_op.contains_key("ListParents"));
            assert!(!by_op.contains_key("ListAccounts"));
            assert_eq!(by_op["ListGroupMemberships"], 10);
            // A set's definition costs one call per kind, nothing per account.
            for op in [
                "DescribePermissionSet",
                "ListManagedPoliciesInPermissionSet",
                "ListCustomerManagedPolicyReferencesInPermissionSet",
                "GetInlinePolicyForPermissionSet",
                "GetPermissionsBoundaryForPermissionSet",
                "ListTagsForResource",
            ] {
                assert_eq!(by_op[op], 7, "{op}");
            }
        }
        if strategy == Some(AssignmentStrategy::PerPrincipal) {
            assert_eq!(by_op["ListAccountAssignmentsForPrincipal"], 50);
            assert!(!by_op.contains_key("ListAccountAssignments"));
        }
        // The last one is kept and comes back from SQLite.
        let cached = g.cached_snapshot().await.unwrap().unwrap();
        assert_eq!(cached, snap);
    }

    // The kept snapshot survives a restart and shows before any connection.
    drop(g);
    let g2 = Gatehouse::new(
        Store::open(&dir.path().join("g.db")).unwrap(),
        Keychain::in_memory(),
    );
    let cached = g2.cached_snapshot().await.unwrap().expect("kept in SQLite");
    assert_matches_seed(&cached, &seed);
    assert!(gatehouse_core::time_fmt::parse_rfc3339(&cached.taken_at).is_some());
    let rows = g2.who_has_what().await.unwrap();
    assert_eq!(rows.len(), expected_report(&seed).len());
}

#[test]
fn cli_snapshot_and_report_against_local_aws() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", "us-east-1");
    let home = tempfile::tempdir().unwrap();
    let aws_flags = ["--region", "us-east-1", "--endpoint-url", aws.url.as_str()];
    let run = |args: &[&str]| {
        let out = gatehouse_cmd(home.path())
            .envs(gatehouse_tests::dummy_aws_env())
            .args(args)
            .args(aws_flags)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gatehouse {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };

    // snapshot --out: the access state only (no members, no policies), not kept for the app.
    let lean = home.path().join("lean.json");
    layer_requests(&aws);
    run(&["snapshot", "--out", lean.to_str().unwrap()]);
    let (_, by_op, _) = layer_requests(&aws);
    for absent in [
        "ListGroupMemberships",
        "ListManagedPoliciesInPermissionSet",
        "GetInlinePolicyForPermissionSet",
        "ListTagsForResource",
    ] {
        assert!(!by_op.contains_key(absent), "{absent} sent: {by_op:?}");
    }
    let snap: Snapshot = serde_json::from_slice(&std::fs::read(&lean).unwrap()).unwrap();
    assert!(!snap.members_loaded && !snap.is_complete());
    assert_matches_seed(&snap, &seed);
    let store_path = home.path().join("data/gatehouse.db");
    let kept = |arn: &str| {
        let store = Store::open(&store_path).unwrap();
        gatehouse_core::snapshot::store::latest(&store, arn).unwrap()
    };
    assert_eq!(
        kept(&snap.instance_arn),
        None,
        "a partial snapshot is not kept"
    );
    // A report from it would miss access through groups: refused, saying what to do.
    let refused = gatehouse_cmd(home.path())
        .args(["report", "--snapshot", lean.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "a validation error");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("gatehouse snapshot --members"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    // snapshot --complete --out: everything the app reads, kept for the app.
    let file = home.path().join("snapshot.json");
    let out = run(&["snapshot", "--complete", "--out", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Reading account assignments"), "{stderr}");
    assert!(stderr.contains("Wrote"), "{stderr}");
    let json: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let a0 = &json["assignments"][0];
    assert_eq!(
        set(a0.as_object().unwrap().keys().map(String::as_str)),
        set([
            "account_id",
            "permission_set_arn",
            "principal_type",
            "principal_id"
        ]),
        "assignments are {{account_id, permission_set_arn, principal_type, principal_id}}"
    );
    assert!(json["accounts"][0]["ou_path"].is_string());
    let snap: Snapshot = serde_json::from_value(json).unwrap();
    assert!(snap.is_complete());
    assert_matches_seed(&snap, &seed);
    // The CLI kept it for the app.
    assert_eq!(
        kept(&snap.instance_arn).map(|k| k.taken_at),
        Some(snap.taken_at.clone())
    );

    let expected = expected_report(&seed);

    // report --format csv (stdout)
    let out = run(&["report", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(!csv.contains('"'), "demo names need no quoting");
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "account_id,account_name,ou_path,permission_set_arn,permission_set_name,\
         principal_type,principal_id,principal_name,access,via_group"
    );
    let rows: Vec<Tuple> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    assert_eq!(set(rows.clone()), expected, "CSV rows");
    assert_eq!(rows.len(), expected.len(), "each row once");
    // User names are the sign-in names (an apostrophe in the name is not in it).
    assert!(csv.contains("liam.oconnor@"), "{csv}");

    // report --format json --out FILE, and the same from the snapshot file (no AWS).
    let report_file = home.path().join("report.json");
    run(&[
        "report",
        "--format",
        "json",
        "--out",
        report_file.to_str().unwrap(),
    ]);
    let from_file = run(&[
        "report",
        "--format",
        "json",
        "--snapshot",
        file.to_str().unwrap(),
    ]);
    let as_rows = |v: Value| -> BTreeSet<Tuple> {
        set(v.as_array().unwrap().iter().map(|r| {
            [
                "account_id",
                "account_name",
                "ou_path",
                "permission_set_arn",
                "permission_set_name",
                "principal_type",
                "principal_id",
                "principal_name",
                "access",
                "via_group",
            ]
            .iter()
            .map(|k| r[*k].as_str().unwrap_or("").to_owned())
            .collect()
        }))
    };
    let json_rows = as_rows(serde_json::from_slice(&std::fs::read(&report_file).unwrap()).unwrap());
    assert_eq!(json_rows, expected, "JSON rows");
    assert_eq!(
        as_rows(serde_json::from_slice(&from_file.stdout).unwrap()),
        expected,
        "report --snapshot FILE"
    );

    // The hidden --strategy flag and a bad --format.
    let out = run(&["snapshot", "--strategy", "per-principal"]);
    let snap: Snapshot = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snap.stats.strategy, AssignmentStrategy::PerPrincipal);
    assert_matches_seed(&snap, &seed);
    let bad = gatehouse_cmd(home.path())
        .args(["report", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_throttled_beyond_the_sdk_retries_is_retried_and_the_snapshot_is_complete() {
    // Its own region: the SDK's adaptive rate limiter is shared per service and region
    // within the process, and this test deliberately trips it.
    let region = "eu-west-2";
    let aws = LocalAws::start();
    let seed = aws.seed("demo", region);
    let dir = tempfile::tempdir().unwrap();
    let g = gatehouse(dir.path()).await;
    g.connect(spec(&aws, region)).await.unwrap();
    layer_requests(&aws);

    // One call at a time, so the first ListAccountAssignments meets all 6 throttles: the
    // SDK tries 5 times, Gatehouse waits and tries again (1 throttled + 1 success).
    aws.set_faults(serde_json::json!([{
        "operation": "ListAccountAssignments",
        "error": "ThrottlingException",
        "count": 6
    }]));
    let mut options = LoadOptions {
        strategy: Some(AssignmentStrategy::PerAccountPermissionSet),
        throttle_backoff: Duration::from_millis(200),
        ..LoadOptions::default()
    };
    options.limits.sso_admin = ServiceLimit {
        concurrency: 1,
        per_second: Some(20.0),
    };
    let (seen, sink) = recorder();
    let snap = g
        .load_snapshot(options, sink, CancellationToken::new())
        .await
        .unwrap();
    assert_matches_seed(&snap, &seed);
    assert_eq!(snap.stats.throttled_retries, 1);
    let (total, by_op, injected) = layer_requests(&aws);
    assert_eq!(injected["sso-admin"]["ListAccountAssignments"], 6);
    assert_eq!(snap.stats.requests, total);
    assert_eq!(by_op["ListAccountAssignments"], 25 + 6);
    assert!(
        seen.lock().unwrap().iter().any(|p| p
            .message
            .contains("AWS is throttling sso:ListAccountAssignments")),
        "the admin is told about the wait"
    );
    eprintln!(
        "throttled (count): {} requests in {:.2} s",
        snap.stats.requests, snap.stats.seconds
    );

    // Random throttling at full concurrency.
    aws.set_faults(serde_json::json!({"seed": 7, "rules": [{
        "operation": "ListAccountAssignments",
        "error": "ThrottlingException",
        "probability": 0.3
    }]}));
    let snap = g
        .load_snapshot(
            LoadOptions {
                throttle_backoff: Duration::from_millis(200),
                ..LoadOptions::default()
            },
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_matches_seed(&snap, &seed);
    let (total, _, injected) = layer_requests(&aws);
    assert!(
        injected["sso-admin"]["ListAccountAssignments"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{injected}"
    );
    assert_eq!(snap.stats.requests, total);
    eprintln!(
        "throttled (30 %): {} requests in {:.2} s, {} Gatehouse retries",
        snap.stats.requests, snap.stats.seconds, snap.stats.throttled_retries
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_stops_the_load_and_keeps_the_previous_snapshot() {
    let aws = LocalAws::start();
    aws.seed("demo", "ap-southeast-2");
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(gatehouse(dir.path()).await);
    g.connect(spec(&aws, "ap-southeast-2")).await.unwrap();

    // Cancelled before it starts: nothing is sent.
    layer_requests(&aws);
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = g
        .load_snapshot(LoadOptions::default(), Arc::new(NoProgress), cancel)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert_eq!(layer_requests(&aws).0, 0);

    let first = g
        .load_snapshot(
            LoadOptions::default(),
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap();

    // Cancelled through the task registry (as the UI's Cancel button does) while the
    // assignments are being read.
    let task = g.tasks().start("refresh-1");
    let tasks = g.tasks().clone();
    let sink = Arc::new(move |p: Progress| {
        if p.message.starts_with("Reading account assignments") && p.done >= 2 {
            tasks.cancel("refresh-1");
        }
    });
    let err = g
        .load_snapshot(LoadOptions::default(), sink, task.token.clone())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled);
    drop(task);
    assert_eq!(g.tasks().running(), 0);
    assert_eq!(
        g.cached_snapshot().await.unwrap().map(|s| s.taken_at),
        Some(first.taken_at),
        "a cancelled refresh keeps the last snapshot"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_layer_answers_the_provisioned_set_lists_as_aws_does() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", "ca-central-1");
    let kc = Keychain::in_memory();
    gatehouse_core::aws::session::store_access_keys(
        &kc,
        "AKIAGATEHOUSETEST0001",
        &Secret::new("x-secret"),
        None,
    )
    .unwrap();
    let session = gatehouse_core::aws::AwsSession::new(spec(&aws, "ca-central-1"), &kc)
        .await
        .unwrap();
    let sso = session.sso_admin();
    let instance = s(&seed["instance_arn"]);
    let by_account = seed["provisioned_permission_sets_by_account"]
        .as_object()
        .unwrap();

    // Per account: only that account's sets, each once, one per page with MaxResults 1.
    for account in seed["accounts"].as_array().unwrap() {
        let id = s(&account["id"]);
        let mut got = Vec::new();
        let mut token = None;
        let mut pages = 0;
        loop {
            let page = sso
                .list_permission_sets_provisioned_to_account()
                .instance_arn(&instance)
                .account_id(&id)
                .max_results(1)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            pages += 1;
            got.extend(page.permission_sets.unwrap_or_default());
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        let want: Vec<String> = by_account
            .get(&id)
            .map(|v| v.as_array().unwrap().iter().map(s).collect())
            .unwrap_or_default();
        assert_eq!(
            set(got.clone()),
            set(want.clone()),
            "{}",
            s(&account["name"])
        );
        assert_eq!(got.len(), want.len(), "no duplicates");
        assert_eq!(pages, want.len().max(1), "MaxResults is honoured");
    }

    // Per set: the accounts it is provisioned to (never moto's 123456789012).
    for ps in seed["permission_sets"].as_array().unwrap() {
        let arn = s(&ps["arn"]);
        let got: Vec<String> = sso
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(&instance)
            .permission_set_arn(&arn)
            .send()
            .await
            .unwrap()
            .account_ids
            .unwrap_or_default();
        let want: BTreeSet<String> = by_account
            .iter()
            .filter(|(_, sets)| sets.as_array().unwrap().iter().any(|a| s(a) == arn))
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(set(got), want, "{}", s(&ps["name"]));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn counting_the_provisioned_pairs_stops_once_reading_per_principal_is_cheaper() {
    let region = "ap-south-1";
    let aws = LocalAws::start();
    let seed = aws.seed("demo", region);
    let dir = tempfile::tempdir().unwrap();
    let g = gatehouse(dir.path()).await;
    g.connect(spec(&aws, region)).await.unwrap();
    // Every demo set provisioned to every account: 7 × 30 = 210 pairs against 50 principals
    // (the seed alone has 25 pairs, so per account × set would be chosen).
    let sso = g.session().await.unwrap().sso_admin();
    let instance = s(&seed["instance_arn"]);
    let accounts: Vec<String> = seed["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(&a["id"]))
        .collect();
    let principals =
        seed["users"].as_array().unwrap().len() + seed["groups"].as_array().unwrap().len();
    assert!(
        accounts.len() <= principals && 2 * accounts.len() > principals,
        "one set's pairs are not more than the principals, two sets' are"
    );
    for ps in seed["permission_sets"].as_array().unwrap() {
        for account in &accounts {
            sso.provision_permission_set()
                .instance_arn(&instance)
                .permission_set_arn(s(&ps["arn"]))
                .target_type(aws_sdk_ssoadmin::types::ProvisionTargetType::AwsAccount)
                .target_id(account)
                .send()
                .await
                .unwrap();
        }
    }

    // One sso-admin call at a time, so the count is deterministic: the first set's page
    // (30 accounts) is not enough, the second passes 50 and counting stops there.
    let mut options = LoadOptions::default();
    options.limits.sso_admin = ServiceLimit {
        concurrency: 1,
        per_second: None,
    };
    layer_requests(&aws);
    let snap = g
        .load_snapshot(options, Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap();
    let (_, by_op, _) = layer_requests(&aws);
    assert_eq!(snap.stats.strategy, AssignmentStrategy::PerPrincipal);
    assert!(
        snap.stats
            .strategy_reason
            .contains("counting stopped after finding 60"),
        "{}",
        snap.stats.strategy_reason
    );
    assert_eq!(
        by_op["ListAccountsForProvisionedPermissionSet"], 2,
        "{by_op:?}"
    );
    assert_eq!(
        by_op["ListAccountAssignmentsForPrincipal"] as usize,
        principals
    );
    assert_matches_seed(&snap, &seed);
}
