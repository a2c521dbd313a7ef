//! System tests: permission sets against the moto-backed local AWS through the real SDK.
//!
//! Create with every policy kind (AWS managed incl. a job-function ARN, customer managed
//! reference, inline, boundary, tags), update each field, provision with the layer's
//! asynchronous status mode (IN_PROGRESS, then SUCCEEDED or FAILED with a reason), where a
//! set is used, and delete an assigned set in one plan. Faults: invalid input (nothing
//! sent), a name already taken, a managed policy that does not exist, throttling in the
//! middle of a save, and a save failing half way. Boundaries, tags, name conflicts, job-
//! function paths and provisioned-account lists are emulated by tests/support/awslayer.py
//! (parts e-i), the rest is moto.

use std::sync::{Arc, Mutex};

use gatehouse_core::permission_sets::apply::{ApplyOutcome, PlanStepStatus};
use gatehouse_core::permission_sets::plan::{normalise, PlanChange, PlanKind};
use gatehouse_core::permission_sets::{
    templates, CustomerPolicyRef, PermissionSetState, PermissionsBoundary, PrincipalKind,
    ProvisionTarget, TagPair,
};
use gatehouse_core::progress::{CancellationToken, NoProgress, Progress};
use gatehouse_core::store::Store;
use gatehouse_core::{ErrorKind, Gatehouse};
use gatehouse_tests::LocalAws;
use serde_json::{json, Value};

const REGION: &str = "eu-west-1";

async fn connected(aws: &LocalAws) -> Gatehouse {
    connected_in(aws, REGION).await
}

async fn connected_in(aws: &LocalAws, region: &str) -> Gatehouse {
    let g = gatehouse_tests::test_gatehouse(Store::open_in_memory().unwrap()).await;
    g.connect(aws.spec(region)).await.unwrap();
    g
}

/// The layer's request counts since the last call (and resets them).
fn take_requests(aws: &LocalAws) -> Value {
    aws.control("GET", "/_gatehouse/requests?reset=1", None)
}

fn sso(counts: &Value, op: &str) -> u64 {
    counts["counts"]["sso-admin"][op].as_u64().unwrap_or(0)
}

fn sso_total(counts: &Value) -> u64 {
    counts["counts"]["sso-admin"]
        .as_object()
        .map_or(0, |m| m.values().filter_map(Value::as_u64).sum())
}

const MUTATIONS: &[&str] = &[
    "CreatePermissionSet",
    "UpdatePermissionSet",
    "AttachManagedPolicyToPermissionSet",
    "DetachManagedPolicyFromPermissionSet",
    "AttachCustomerManagedPolicyReferenceToPermissionSet",
    "DetachCustomerManagedPolicyReferenceFromPermissionSet",
    "PutInlinePolicyToPermissionSet",
    "DeleteInlinePolicyFromPermissionSet",
    "PutPermissionsBoundaryToPermissionSet",
    "DeletePermissionsBoundaryFromPermissionSet",
    "TagResource",
    "UntagResource",
    "DeleteAccountAssignment",
    "DeletePermissionSet",
    "ProvisionPermissionSet",
];

fn mutations(counts: &Value) -> Vec<(String, u64)> {
    MUTATIONS
        .iter()
        .filter_map(|op| {
            let n = sso(counts, op);
            (n > 0).then(|| (op.to_string(), n))
        })
        .collect()
}

fn recorder() -> (
    Arc<dyn gatehouse_core::progress::ProgressSink>,
    Arc<Mutex<Vec<Progress>>>,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    (Arc::new(move |p: Progress| s.lock().unwrap().push(p)), seen)
}

const INLINE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Reports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]}
  ]
}"#;

fn full_state(name: &str) -> PermissionSetState {
    PermissionSetState {
        name: name.into(),
        description: Some("Data engineers".into()),
        session_duration: "1.5".into(),
        relay_state: Some("https://console.aws.amazon.com/s3/home?region=eu-west-1".into()),
        managed_policies: vec![
            "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into(),
            "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        ],
        customer_managed_policies: vec![CustomerPolicyRef {
            name: "DataAccess".into(),
            path: "/gatehouse/".into(),
        }],
        inline_policy: Some(INLINE.into()),
        permissions_boundary: Some(PermissionsBoundary::Managed {
            arn: "arn:aws:iam::aws:policy/PowerUserAccess".into(),
        }),
        tags: vec![
            TagPair {
                key: "cost-center".into(),
                value: "4711".into(),
            },
            TagPair {
                key: "team".into(),
                value: "data".into(),
            },
        ],
    }
}

async fn save(
    g: &Gatehouse,
    arn: Option<String>,
    desired: PermissionSetState,
) -> gatehouse_core::permission_sets::ApplyReport {
    let plan = g.plan_permission_set(arn, desired).await.unwrap();
    g.apply_permission_set_plan(plan, Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_with_every_policy_kind_then_update_each_field() {
    let aws = LocalAws::start();
    aws.seed("small", REGION);
    let g = connected(&aws).await;
    take_requests(&aws);

    // Create: one call per policy kind, tags with the create call.
    let desired = full_state("DataEngineer");
    let plan = g.plan_permission_set(None, desired.clone()).await.unwrap();
    assert_eq!(plan.kind, PlanKind::Create);
    assert_eq!(plan.steps.len(), 6, "{:#?}", plan.steps);
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.contains("/gatehouse/DataAccess must exist")));
    assert_eq!(
        sso_total(&take_requests(&aws)),
        0,
        "planning a create sends nothing"
    );

    let (sink, seen) = recorder();
    let report = g
        .apply_permission_set_plan(plan, sink, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.outcome, ApplyOutcome::Succeeded, "{report:#?}");
    assert_eq!(report.succeeded, 6);
    assert!(!report.needs_provisioning);
    let arn = report.permission_set_arn.clone().unwrap();
    let state = report.state.clone().expect("re-read from AWS");
    assert_eq!(state.state, normalise(desired.clone()));
    assert_eq!(state.state.session_duration, "PT1H30M");
    assert_eq!(state.session_hours, Some(1.5));
    assert!(seen.lock().unwrap().len() >= 7, "progress per step");
    assert_eq!(
        mutations(&take_requests(&aws)),
        [
            ("CreatePermissionSet".to_string(), 1),
            ("AttachManagedPolicyToPermissionSet".to_string(), 2),
            (
                "AttachCustomerManagedPolicyReferenceToPermissionSet".to_string(),
                1
            ),
            ("PutInlinePolicyToPermissionSet".to_string(), 1),
            ("PutPermissionsBoundaryToPermissionSet".to_string(), 1),
        ]
    );

    // The list shows it by name with counts.
    let list = g
        .list_permission_sets(Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap();
    let names: Vec<_> = list.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["AdministratorAccess", "DataEngineer"]);
    let de = &list[1];
    assert_eq!(de.arn, arn);
    assert_eq!(de.managed_policy_count, 2);
    assert_eq!(de.customer_managed_policy_count, 1);
    assert_eq!(de.provisioned_account_count, 0);
    assert_eq!(de.session_hours, Some(1.5));
    // The seeded set is assigned in two accounts.
    assert_eq!(list[0].provisioned_account_count, 2);
    take_requests(&aws);

    // Update every field at once: only the differences are sent.
    let mut changed = desired.clone();
    changed.description = Some("Data engineering team".into());
    changed.session_duration = "PT8H".into();
    changed.relay_state = Some("https://console.aws.amazon.com/athena/home".into());
    changed.managed_policies = vec![
        "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        "arn:aws:iam::aws:policy/job-function/DataScientist".into(),
    ];
    changed.customer_managed_policies = vec![CustomerPolicyRef {
        name: "DataLakeAccess".into(),
        path: "/".into(),
    }];
    changed.inline_policy = Some(INLINE.replace("s3:ListBucket", "s3:ListBucketVersions"));
    changed.permissions_boundary = Some(PermissionsBoundary::CustomerManaged {
        name: "DataBoundary".into(),
        path: "/gatehouse/".into(),
    });
    changed.tags = vec![TagPair {
        key: "team".into(),
        value: "data-platform".into(),
    }];
    let plan = g
        .plan_permission_set(Some(arn.clone()), changed.clone())
        .await
        .unwrap();
    assert_eq!(plan.kind, PlanKind::Update);
    let actions: Vec<_> = plan.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "sso:UpdatePermissionSet",
            "sso:DetachManagedPolicyFromPermissionSet",
            "sso:DetachCustomerManagedPolicyReferenceFromPermissionSet",
            "sso:AttachManagedPolicyToPermissionSet",
            "sso:AttachCustomerManagedPolicyReferenceToPermissionSet",
            "sso:PutInlinePolicyToPermissionSet",
            "sso:PutPermissionsBoundaryToPermissionSet",
            "sso:UntagResource",
            "sso:TagResource",
        ]
    );
    take_requests(&aws);
    let report = g
        .apply_permission_set_plan(plan, Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.outcome, ApplyOutcome::Succeeded, "{report:#?}");
    assert_eq!(
        report.state.as_ref().unwrap().state,
        normalise(changed.clone())
    );
    let counts = take_requests(&aws);
    assert_eq!(mutations(&counts).iter().map(|(_, n)| n).sum::<u64>(), 9);

    // Saved again unchanged: nothing to do.
    let plan = g
        .plan_permission_set(Some(arn.clone()), changed.clone())
        .await
        .unwrap();
    assert!(plan.steps.is_empty(), "{:#?}", plan.steps);

    // Remove what can be removed: inline policy, boundary, tags, a policy.
    let mut removed = changed.clone();
    removed.inline_policy = None;
    removed.permissions_boundary = None;
    removed.tags.clear();
    removed.customer_managed_policies.clear();
    let report = save(&g, Some(arn.clone()), removed.clone()).await;
    assert_eq!(report.outcome, ApplyOutcome::Succeeded, "{report:#?}");
    assert_eq!(report.state.as_ref().unwrap().state, normalise(removed));
    assert_eq!(report.steps.len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_is_rejected_before_anything_is_sent() {
    let aws = LocalAws::start();
    aws.seed("small", REGION);
    let g = connected(&aws).await;
    let arn = save(&g, None, full_state("Valid"))
        .await
        .permission_set_arn
        .unwrap();
    take_requests(&aws);

    let huge = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        (0..400)
            .map(|i| format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{i}/*"}}"#
            ))
            .collect::<Vec<_>>()
            .join(",")
    );
    type Edit = Box<dyn Fn(&mut PermissionSetState)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "name",
            Box::new(|s| s.name = "Data Engineer".into()),
            "/name",
        ),
        ("long name", Box::new(|s| s.name = "x".repeat(33)), "/name"),
        (
            "duration",
            Box::new(|s| s.session_duration = "PT13H".into()),
            "/session_duration",
        ),
        (
            "duration shape",
            Box::new(|s| s.session_duration = "P1D".into()),
            "/session_duration",
        ),
        (
            "relay state",
            Box::new(|s| s.relay_state = Some("http://console.aws.amazon.com".into())),
            "/relay_state",
        ),
        (
            "inline not JSON",
            Box::new(|s| s.inline_policy = Some("{\"Version\": \"2012-10-17\",".into())),
            "/inline_policy (line 1",
        ),
        (
            "inline grammar",
            Box::new(|s| {
                s.inline_policy = Some(
                    "{\"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\"}}"
                        .into(),
                )
            }),
            "/inline_policy (line 2, column 15): This statement has neither Resource",
        ),
        (
            "inline too large",
            Box::new(move |s| s.inline_policy = Some(huge.clone())),
            "characters that are not whitespace",
        ),
        (
            "managed policy ARN",
            Box::new(|s| {
                s.managed_policies
                    .push("arn:aws:iam::123456789012:policy/Mine".into())
            }),
            "/managed_policies/2",
        ),
    ];
    for (what, change, expected) in cases {
        for current in [None, Some(arn.clone())] {
            let mut s = full_state("Valid");
            change(&mut s);
            let e = g
                .plan_permission_set(current.clone(), s)
                .await
                .expect_err(what);
            assert_eq!(e.kind, ErrorKind::Validation, "{what}: {e:?}");
            let detail = e.detail.clone().unwrap_or_default();
            assert!(detail.contains(expected), "{what}: {detail}");
        }
    }
    let counts = take_requests(&aws);
    assert!(mutations(&counts).is_empty(), "{counts}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_already_taken_is_a_conflict() {
    let aws = LocalAws::start();
    aws.seed("small", REGION);
    let g = connected(&aws).await;
    let template = templates::templates()
        .into_iter()
        .find(|t| t.id == "AdministratorAccess")
        .unwrap();
    let report = save(&g, None, template.state).await;
    assert_eq!(report.outcome, ApplyOutcome::Failed, "{report:#?}");
    let step = &report.steps[0];
    assert_eq!(step.status, PlanStepStatus::Failed);
    let e = step.error.as_ref().unwrap();
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(e.message.contains("already exists"), "{}", e.message);
    assert_eq!(report.steps[1].status, PlanStepStatus::NotAttempted);
    assert!(report.permission_set_arn.is_none());
    assert!(report.state.is_none());
    assert!(
        report.message.starts_with("Nothing was changed"),
        "{}",
        report.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_template_and_catalog_policy_exists_and_unknown_ones_fail() {
    let aws = LocalAws::start();
    aws.seed("small", REGION);
    let g = connected(&aws).await;

    // Every template creates (the real ARNs, job-function paths included).
    for t in templates::templates() {
        let mut s = t.state.clone();
        s.name = format!("T-{}", t.id);
        s.name.truncate(32);
        let r = save(&g, None, s).await;
        assert_eq!(
            r.outcome,
            ApplyOutcome::Succeeded,
            "{}: {:#?}",
            t.id,
            r.steps
        );
        assert_eq!(
            r.state.unwrap().state.managed_policies,
            std::slice::from_ref(&t.managed_policy_arn)
        );
    }
    // Every bundled policy attaches (10 per set, IAM's default quota).
    let catalog = templates::managed_policy_catalog();
    for (i, chunk) in catalog.chunks(10).enumerate() {
        let s = PermissionSetState {
            name: format!("Catalog{i}"),
            description: None,
            session_duration: "PT1H".into(),
            relay_state: None,
            managed_policies: chunk.iter().map(|p| p.arn.clone()).collect(),
            customer_managed_policies: vec![],
            inline_policy: None,
            permissions_boundary: None,
            tags: vec![],
        };
        let r = save(&g, None, s).await;
        assert_eq!(r.outcome, ApplyOutcome::Succeeded, "{:#?}", r.steps);
    }

    // A policy AWS does not have, and a job-function policy without its path.
    take_requests(&aws);
    let mut s = full_state("Unknown");
    s.managed_policies = vec![
        "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        "arn:aws:iam::aws:policy/GatehouseNoSuchPolicy".into(),
        "arn:aws:iam::aws:policy/SecurityAudit".into(),
    ];
    let r = save(&g, None, s).await;
    assert_eq!(r.outcome, ApplyOutcome::PartiallyFailed, "{r:#?}");
    let statuses: Vec<_> = r.steps.iter().map(|s| s.status).collect();
    assert_eq!(
        statuses,
        [
            PlanStepStatus::Succeeded,
            PlanStepStatus::Succeeded,
            PlanStepStatus::Failed,
            PlanStepStatus::NotAttempted,
            PlanStepStatus::NotAttempted,
            PlanStepStatus::NotAttempted,
            PlanStepStatus::NotAttempted,
        ]
    );
    let e = r.steps[2].error.as_ref().unwrap();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("GatehouseNoSuchPolicy"), "{}", e.message);
    assert!(
        e.detail
            .as_deref()
            .unwrap()
            .contains("Policy does not exist"),
        "AWS's reason: {e:?}"
    );
    // The set exists as far as it got: created, one policy.
    let state = r.state.unwrap().state;
    assert_eq!(
        state.managed_policies,
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    );
    assert!(state.inline_policy.is_none());
    assert!(
        r.message.contains("2 of 7 calls succeeded"),
        "{}",
        r.message
    );

    let mut s = full_state("PathLess");
    s.managed_policies = vec!["arn:aws:iam::aws:policy/ViewOnlyAccess".into()];
    let r = save(&g, None, s).await;
    assert_eq!(r.outcome, ApplyOutcome::PartiallyFailed);
    assert_eq!(r.steps[1].error.as_ref().unwrap().kind, ErrorKind::NotFound);
}

// Each throttling test uses a region of its own, so its throttled calls and their backoff
// stay apart from the other tests here (eu-west-1).

fn throttled_state(name: &str) -> PermissionSetState {
    let mut s = full_state(name);
    s.inline_policy = None;
    s.permissions_boundary = None;
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_in_a_save_is_absorbed_by_the_sdk_retries() {
    let region = "eu-central-1";
    let aws = LocalAws::start();
    aws.seed("small", region);
    let g = connected_in(&aws, region).await;
    let arn = save(&g, None, throttled_state("Throttled"))
        .await
        .permission_set_arn
        .unwrap();

    // A save of several calls; the attach is throttled three times.
    let mut s = throttled_state("Throttled");
    s.session_duration = "PT2H".into();
    s.managed_policies
        .push("arn:aws:iam::aws:policy/SecurityAudit".into());
    // (AWS lists tags by key; keep them in that order to compare the re-read state.)
    s.tags.insert(
        1,
        TagPair {
            key: "env".into(),
            value: "prod".into(),
        },
    );
    aws.set_faults(json!([{"operation": "AttachManagedPolicyToPermissionSet",
                           "error": "ThrottlingException", "count": 3}]));
    take_requests(&aws);
    let r = save(&g, Some(arn.clone()), s.clone()).await;
    assert_eq!(r.outcome, ApplyOutcome::Succeeded, "{r:#?}");
    let actions: Vec<_> = r
        .steps
        .iter()
        .map(|s| (s.action.as_str(), s.attempts))
        .collect();
    assert_eq!(
        actions,
        [
            ("sso:UpdatePermissionSet", 1),
            ("sso:AttachManagedPolicyToPermissionSet", 1),
            ("sso:TagResource", 1),
        ]
    );
    let counts = take_requests(&aws);
    assert_eq!(sso(&counts, "AttachManagedPolicyToPermissionSet"), 4);
    assert_eq!(
        counts["injected"]["sso-admin"]["AttachManagedPolicyToPermissionSet"],
        3
    );
    assert_eq!(r.state.unwrap().state, normalise(s));
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_beyond_the_sdk_retries_is_retried_by_the_plan() {
    let region = "eu-north-1";
    let aws = LocalAws::start();
    aws.seed("small", region);
    let g = connected_in(&aws, region).await;
    let arn = save(&g, None, throttled_state("Throttled"))
        .await
        .permission_set_arn
        .unwrap();

    // Five throttled answers: the SDK gives up after its five attempts (standard retry, see
    // AwsSession); the plan retries the step after a pause and the next request goes through.
    let mut s = throttled_state("Throttled");
    s.managed_policies
        .push("arn:aws:iam::aws:policy/job-function/Billing".into());
    aws.set_faults(json!([{"operation": "AttachManagedPolicyToPermissionSet",
                           "error": "ThrottlingException", "count": 5}]));
    take_requests(&aws);
    let r = save(&g, Some(arn.clone()), s.clone()).await;
    assert_eq!(r.outcome, ApplyOutcome::Succeeded, "{r:#?}");
    assert_eq!(r.steps.len(), 1);
    assert_eq!(r.steps[0].attempts, 2, "one plan-level retry");
    let counts = take_requests(&aws);
    assert_eq!(sso(&counts, "AttachManagedPolicyToPermissionSet"), 6);
    assert_eq!(r.state.unwrap().state, normalise(s));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_save_failing_half_way_reports_exactly_what_happened() {
    let aws = LocalAws::start();
    aws.seed("small", REGION);
    let g = connected(&aws).await;
    let mut base = full_state("HalfWay");
    base.inline_policy = None;
    base.permissions_boundary = None;
    let arn = save(&g, None, base.clone())
        .await
        .permission_set_arn
        .unwrap();

    let mut want = base.clone();
    want.session_duration = "PT4H".into();
    want.managed_policies
        .push("arn:aws:iam::aws:policy/SecurityAudit".into());
    want.inline_policy = Some(INLINE.into());
    want.permissions_boundary = Some(PermissionsBoundary::Managed {
        arn: "arn:aws:iam::aws:policy/PowerUserAccess".into(),
    });
    want.tags.push(TagPair {
        key: "env".into(),
        value: "prod".into(),
    });
    aws.set_faults(json!([{"operation": "PutInlinePolicyToPermissionSet",
        "error": "AccessDeniedException",
        "message": "User: arn:aws:sts::123456789012:assumed-role/ops is not authorized to perform: sso:PutInlinePolicyToPermissionSet"}]));
    take_requests(&aws);
    let r = save(&g, Some(arn.clone()), want).await;
    assert_eq!(r.outcome, ApplyOutcome::PartiallyFailed, "{r:#?}");
    let summary: Vec<(&str, PlanStepStatus)> = r
        .steps
        .iter()
        .map(|s| (s.action.as_str(), s.status))
        .collect();
    assert_eq!(
        summary,
        [
            ("sso:UpdatePermissionSet", PlanStepStatus::Succeeded),
            (
                "sso:AttachManagedPolicyToPermissionSet",
                PlanStepStatus::Succeeded
            ),
            ("sso:PutInlinePolicyToPermissionSet", PlanStepStatus::Failed),
            (
                "sso:PutPermissionsBoundaryToPermissionSet",
                PlanStepStatus::NotAttempted
            ),
            ("sso:TagResource", PlanStepStatus::NotAttempted),
        ]
    );
    assert_eq!((r.succeeded, r.failed, r.not_attempted), (2, 1, 2));
    let e = r.steps[2].error.as_ref().unwrap();
    assert_eq!(e.kind, ErrorKind::AccessDenied);
    assert!(
        e.message.contains("sso:PutInlinePolicyToPermissionSet"),
        "{}",
        e.message
    );
    assert!(
        e.detail.as_deref().unwrap().contains("assumed-role/ops"),
        "{e:?}"
    );
    assert!(
        r.message
            .contains("2 of 5 calls succeeded, 1 failed and 2 were not attempted"),
        "{}",
        r.message
    );
    // Nothing after the failure was sent.
    let counts = take_requests(&aws);
    assert_eq!(sso(&counts, "PutPermissionsBoundaryToPermissionSet"), 0);
    assert_eq!(sso(&counts, "TagResource"), 0);
    // The state is what AWS has now.
    let now = r.state.unwrap().state;
    assert_eq!(now.session_duration, "PT4H");
    assert_eq!(now.managed_policies.len(), 3);
    assert!(now.inline_policy.is_none());
    assert!(now.permissions_boundary.is_none());
    assert_eq!(now.tags.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn provision_waits_for_aws_and_reports_each_account() {
    let aws = LocalAws::start();
    let seed = aws.seed("small", REGION);
    let g = connected(&aws).await;
    let admin = seed["permission_sets"][0]["arn"]
        .as_str()
        .unwrap()
        .to_owned();
    let accounts: Vec<String> = {
        let mut a: Vec<String> = seed["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["account_id"].as_str().unwrap().to_owned())
            .collect();
        a.sort();
        a
    };
    assert_eq!(accounts.len(), 2);
    let details = g.get_permission_set(&admin).await.unwrap();
    assert_eq!(details.provisioned_account_ids, accounts);

    // A change to a provisioned set says it needs provisioning.
    let mut s = details.state.clone();
    s.session_duration = "PT2H".into();
    let r = save(&g, Some(admin.clone()), s).await;
    assert!(r.needs_provisioning);
    assert!(
        r.message.contains("Provision it to 2 accounts"),
        "{}",
        r.message
    );

    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(json!({"enabled": true, "in_progress_polls": 2,
                    "fail_accounts": {accounts[1].as_str(): "The customer managed policy DataAccess does not exist in account"}})),
    );
    take_requests(&aws);
    let (sink, seen) = recorder();
    let report = g
        .provision_permission_set(
            &admin,
            ProvisionTarget::Accounts {
                account_ids: accounts.clone(),
            },
            sink,
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.outcome, ApplyOutcome::PartiallyFailed, "{report:#?}");
    assert_eq!((report.succeeded, report.failed), (1, 1));
    assert_eq!(
        report.results[0].account_id.as_deref(),
        Some(accounts[0].as_str())
    );
    assert_eq!(report.results[0].status, PlanStepStatus::Succeeded);
    assert_eq!(report.results[1].status, PlanStepStatus::Failed);
    let e = report.results[1].error.as_ref().unwrap();
    assert!(
        e.message.contains("does not exist in account"),
        "{}",
        e.message
    );
    let counts = take_requests(&aws);
    assert_eq!(sso(&counts, "ProvisionPermissionSet"), 2);
    // IN_PROGRESS twice, then the final status, for each request.
    assert_eq!(sso(&counts, "DescribePermissionSetProvisioningStatus"), 6);
    assert!(seen
        .lock()
        .unwrap()
        .iter()
        .any(|p| p.message.contains("Provisioned to")));

    // Every provisioned account in one request.
    let report = g
        .provision_permission_set(
            &admin,
            ProvisionTarget::AllProvisionedAccounts,
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.outcome, ApplyOutcome::Succeeded, "{report:#?}");
    assert_eq!(report.results.len(), 1);

    // Cancelled before it started: nothing is sent.
    let cancel = CancellationToken::new();
    cancel.cancel();
    take_requests(&aws);
    let report = g
        .provision_permission_set(
            &admin,
            ProvisionTarget::Accounts {
                account_ids: accounts.clone(),
            },
            Arc::new(NoProgress),
            cancel,
        )
        .await
        .unwrap();
    assert_eq!(report.outcome, ApplyOutcome::Cancelled);
    assert_eq!(sso(&take_requests(&aws), "ProvisionPermissionSet"), 0);

    // A set that is provisioned nowhere: nothing to do; bad input: refused.
    let fresh = save(&g, None, full_state("Fresh"))
        .await
        .permission_set_arn
        .unwrap();
    let report = g
        .provision_permission_set(
            &fresh,
            ProvisionTarget::AllProvisionedAccounts,
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(report.outcome, ApplyOutcome::NothingToDo);
    let e = g
        .provision_permission_set(
            &fresh,
            ProvisionTarget::Accounts {
                account_ids: vec!["12345".into()],
            },
            Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_and_deleting_an_assigned_set() {
    let aws = LocalAws::start();
    let seed = aws.seed("small", REGION);
    let g = connected(&aws).await;
    let admin = seed["permission_sets"][0]["arn"]
        .as_str()
        .unwrap()
        .to_owned();
    let instance = seed["instance_arn"].as_str().unwrap();
    // Also assign one user directly in the first account.
    let prod = seed["assignments"][0]["account_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ana = seed["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user_name"].as_str().unwrap().starts_with("ana.lima"))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    g.session()
        .await
        .unwrap()
        .sso_admin()
        .create_account_assignment()
        .instance_arn(instance)
        .target_id(&prod)
        .target_type(aws_sdk_ssoadmin::types::TargetType::AwsAccount)
        .permission_set_arn(&admin)
        .principal_type(aws_sdk_ssoadmin::types::PrincipalType::User)
        .principal_id(&ana)
        .send()
        .await
        .unwrap();

    let usage = g.permission_set_usage(&admin).await.unwrap();
    assert_eq!(usage.name, "AdministratorAccess");
    assert_eq!(usage.assignment_count, 3);
    assert_eq!(usage.unresolved_principal_count, 0);
    let mut seen: Vec<(String, PrincipalKind, String)> = usage
        .accounts
        .iter()
        .flat_map(|a| {
            a.principals.iter().map(|p| {
                (
                    a.account_name.clone().unwrap(),
                    p.kind,
                    p.user_name.clone().or(p.display_name.clone()).unwrap(),
                )
            })
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "app-dev".to_string(),
                PrincipalKind::Group,
                "Developers".to_string()
            ),
            (
                "app-prod".to_string(),
                PrincipalKind::User,
                "ana.lima@small.example".to_string()
            ),
            (
                "app-prod".to_string(),
                PrincipalKind::Group,
                "Admins".to_string()
            ),
        ]
    );

    // One plan: every assignment, then the set.
    let delete = g.plan_delete_permission_set(&admin).await.unwrap();
    let plan = delete.plan;
    assert_eq!(plan.kind, PlanKind::Delete);
    assert_eq!(plan.steps.len(), 4);
    assert!(matches!(
        plan.steps[3].change,
        PlanChange::DeletePermissionSet
    ));
    assert!(
        plan.warnings[0].contains("lose this access in 2 accounts"),
        "{:?}",
        plan.warnings
    );
    // A delete plan is not applied by Save.
    let e = g
        .apply_permission_set_plan(plan.clone(), Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);

    // AWS fails the removal in one account: the set is not deleted.
    let dev = seed["assignments"][1]["account_id"]
        .as_str()
        .unwrap()
        .to_owned();
    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(json!({"enabled": true, "in_progress_polls": 1,
                    "fail_accounts": {dev.as_str(): "Account is suspended"}})),
    );
    take_requests(&aws);
    let r = g
        .apply_delete_plan(plan.clone(), Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.outcome, ApplyOutcome::PartiallyFailed, "{r:#?}");
    let failed: Vec<_> = r
        .steps
        .iter()
        .filter(|s| s.status == PlanStepStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].description.contains("app-dev"),
        "{}",
        failed[0].description
    );
    assert!(
        failed[0]
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("Account is suspended"),
        "{:?}",
        failed[0].error
    );
    assert_eq!(r.steps[3].status, PlanStepStatus::NotAttempted);
    assert!(r.state.is_some(), "the set still exists and was re-read");
    let counts = take_requests(&aws);
    assert_eq!(sso(&counts, "DeletePermissionSet"), 0);
    assert!(sso(&counts, "DescribeAccountAssignmentDeletionStatus") >= 3);

    // Plan again (what is left) and delete for real.
    aws.control(
        "POST",
        "/_gatehouse/async",
        Some(json!({"enabled": true, "in_progress_polls": 1})),
    );
    let plan = g.plan_delete_permission_set(&admin).await.unwrap().plan;
    assert_eq!(plan.steps.len(), 2, "{:#?}", plan.steps);
    let r = g
        .apply_delete_plan(plan, Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(r.outcome, ApplyOutcome::Succeeded, "{r:#?}");
    assert!(r.state.is_none());
    let e = g.get_permission_set(&admin).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    let list = g
        .list_permission_sets(Arc::new(NoProgress), CancellationToken::new())
        .await
        .unwrap();
    assert!(list.is_empty());
}
