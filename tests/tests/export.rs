//! System tests: the access state as code, checked by the tools that will read it.
//!
//! A seeded organisation (moto through the real SDK, one set given a permissions boundary
//! and tags on top of the seed) is read into a snapshot and exported. The CloudFormation
//! template must pass `cfn-lint` without errors; the Terraform configuration must parse with
//! python-hcl2; both are then read back (cfn-lint's decoder, python-hcl2) and compared with
//! the snapshot: resource counts by type, references between resources, import IDs, the
//! inline policy. Exports are byte-identical when repeated, staged changes show up (no
//! import for a staged create), a synthetic organisation past 500 resources is split into
//! templates that each pass cfn-lint, and the CLI (`export`, `policy`) does the same.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use gatehouse_core::changes::{ChangeOp, StagedChange};
use gatehouse_core::export::{CodeExport, ExportFormat};
use gatehouse_core::progress::{CancellationToken, NoProgress};
use gatehouse_core::snapshot::{
    Assignment, AssignmentStrategy, LoadOptions, LoadStats, PermissionSetSummary, PrincipalType,
    ReportFormat, Snapshot, User,
};
use gatehouse_core::store::Store;
use gatehouse_tests::{gatehouse_cmd, python, test_gatehouse, workspace_root, LocalAws};
use serde_json::Value;

fn tool(name: &str) -> PathBuf {
    let p = python().parent().unwrap().join(name);
    assert!(
        p.exists(),
        "{} not found: run `make venv` (tests/support/requirements.txt pins it)",
        p.display()
    );
    p
}

/// Runs cfn-lint on `files`; fails the test on any error (warnings and informational
/// findings are allowed). cfn-lint's exit code is a bit set: 2 error, 4 warning, 8 info.
fn cfn_lint(files: &[PathBuf]) {
    let out = Command::new(tool("cfn-lint"))
        .args(files)
        .output()
        .expect("run cfn-lint");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code >= 0 && code & 0b11 == 0,
        "cfn-lint found errors (exit {code}):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if code != 0 {
        eprintln!(
            "cfn-lint warnings:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The file parsed by the tool's own parser (`cfn` or `hcl`), as JSON.
fn parse(kind: &str, file: &Path) -> Value {
    let out = Command::new(python())
        .arg(workspace_root().join("tests/support/iac2json.py"))
        .arg(kind)
        .arg(file)
        .output()
        .expect("run iac2json.py");
    assert!(
        out.status.success(),
        "{} does not parse as {kind}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write(dir: &Path, export: &CodeExport) -> Vec<PathBuf> {
    export
        .files
        .iter()
        .map(|f| {
            let p = dir.join(&f.name);
            std::fs::write(&p, &f.content).unwrap();
            p
        })
        .collect()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// (account, set ARN, principal type, principal id) of every assignment.
type Row = (String, String, String, String);

fn rows(snap: &Snapshot) -> BTreeSet<Row> {
    snap.assignments
        .iter()
        .map(|a| {
            (
                a.account_id.clone(),
                a.permission_set_arn.clone(),
                a.principal_type.as_str().to_owned(),
                a.principal_id.clone(),
            )
        })
        .collect()
}

/// Reverses HCL string escapes (python-hcl2 hands heredocs back as escaped strings).
fn hcl_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(n)) => {
                chars.next();
                out.push(match n {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    other => other,
                });
            }
            ('$', Some('$')) | ('%', Some('%')) => {
                chars.next();
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Checks the CloudFormation template against the snapshot.
fn check_cloudformation(t: &Value, snap: &Snapshot) {
    let resources = t["Resources"].as_object().unwrap();
    let of_type = |ty: &str| -> Vec<(&String, &Value)> {
        resources.iter().filter(|(_, r)| r["Type"] == ty).collect()
    };
    let sets = of_type("AWS::SSO::PermissionSet");
    let assignments = of_type("AWS::SSO::Assignment");
    assert_eq!(sets.len(), snap.permission_sets.len());
    assert_eq!(assignments.len(), snap.assignments.len());
    assert_eq!(resources.len(), sets.len() + assignments.len());
    assert_eq!(
        t["Parameters"]["InstanceArn"]["Default"],
        snap.instance_arn.as_str()
    );

    let set_by_id: HashMap<&str, &Value> = sets.iter().map(|(id, r)| (id.as_str(), *r)).collect();
    let by_name: HashMap<&str, &PermissionSetSummary> = snap
        .permission_sets
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    for (id, r) in &sets {
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        let p = &r["Properties"];
        assert_eq!(p["InstanceArn"], serde_json::json!({"Ref": "InstanceArn"}));
        assert_eq!(r["DeletionPolicy"], "Retain");
        let ps = by_name[p["Name"].as_str().unwrap()];
        assert_eq!(p["Description"].as_str(), ps.description.as_deref());
        assert_eq!(
            p["SessionDuration"].as_str(),
            ps.session_duration.as_deref()
        );
        let managed: Vec<String> = p["ManagedPolicies"]
            .as_array()
            .map(|a| a.iter().map(s).collect())
            .unwrap_or_default();
        assert_eq!(managed, ps.managed_policy_arns, "{}", ps.name);
        let customer: Vec<(String, String)> = p["CustomerManagedPolicyReferences"]
            .as_array()
            .map(|a| a.iter().map(|c| (s(&c["Name"]), s(&c["Path"]))).collect())
            .unwrap_or_default();
        let want: Vec<(String, String)> = ps
            .customer_managed_policies
            .iter()
            .map(|c| (c.name.clone(), c.path.clone()))
            .collect();
        assert_eq!(customer, want, "{}", ps.name);
        match &ps.inline_policy {
            Some(policy) => {
                assert!(p["InlinePolicy"].is_object(), "an object, not a string");
                let want: Value = serde_json::from_str(policy).unwrap();
                assert_eq!(p["InlinePolicy"], want, "{}", ps.name);
            }
            None => assert!(p.get("InlinePolicy").is_none()),
        }
        let tags: Vec<(String, String)> = p["Tags"]
            .as_array()
            .map(|a| a.iter().map(|t| (s(&t["Key"]), s(&t["Value"]))).collect())
            .unwrap_or_default();
        let want: Vec<(String, String)> = ps
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect();
        assert_eq!(tags, want, "{}", ps.name);
        assert_eq!(
            p.get("PermissionsBoundary").is_some(),
            ps.permissions_boundary.is_some()
        );
    }

    let arn_by_name: HashMap<&str, &str> = snap
        .permission_sets
        .iter()
        .map(|p| (p.name.as_str(), p.arn.as_str()))
        .collect();
    let mut got = BTreeSet::new();
    for (_, r) in &assignments {
        let p = &r["Properties"];
        // !GetAtt <set>.PermissionSetArn, naming the set resource with the right name.
        let get_att = p["PermissionSetArn"]["Fn::GetAtt"].as_array().unwrap();
        assert_eq!(get_att[1], "PermissionSetArn");
        let set = set_by_id[get_att[0].as_str().unwrap()];
        let arn = arn_by_name[set["Properties"]["Name"].as_str().unwrap()];
        assert_eq!(p["TargetType"], "AWS_ACCOUNT");
        assert_eq!(p["InstanceArn"], serde_json::json!({"Ref": "InstanceArn"}));
        got.insert((
            s(&p["TargetId"]),
            arn.to_owned(),
            s(&p["PrincipalType"]),
            s(&p["PrincipalId"]),
        ));
    }
    assert_eq!(got, rows(snap), "assignments");
}

/// Terraform resources by type: name -> attributes.
fn tf_resources(v: &Value) -> BTreeMap<String, BTreeMap<String, Value>> {
    let mut out: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for block in v["resource"].as_array().unwrap() {
        for (kind, named) in block.as_object().unwrap() {
            for (name, attrs) in named.as_object().unwrap() {
                let previous = out
                    .entry(kind.clone())
                    .or_default()
                    .insert(name.clone(), attrs.clone());
                assert!(previous.is_none(), "{kind}.{name} declared twice");
            }
        }
    }
    out
}

/// Checks the Terraform configuration against the snapshot; `staged` are assignments
/// that must have no import block. Returns the number of import blocks.
fn check_terraform(v: &Value, snap: &Snapshot, staged: &BTreeSet<Row>) -> usize {
    let res = tf_resources(v);
    let count = |kind: &str| res.get(kind).map_or(0, BTreeMap::len);
    let sets = &snap.permission_sets;
    assert_eq!(count("aws_ssoadmin_permission_set"), sets.len());
    assert_eq!(
        count("aws_ssoadmin_managed_policy_attachment"),
        sets.iter()
            .map(|p| p.managed_policy_arns.len())
            .sum::<usize>()
    );
    assert_eq!(
        count("aws_ssoadmin_customer_managed_policy_attachment"),
        sets.iter()
            .map(|p| p.customer_managed_policies.len())
            .sum::<usize>()
    );
    assert_eq!(
        count("aws_ssoadmin_permission_set_inline_policy"),
        sets.iter().filter(|p| p.inline_policy.is_some()).count()
    );
    assert_eq!(
        count("aws_ssoadmin_permissions_boundary_attachment"),
        sets.iter()
            .filter(|p| p.permissions_boundary.is_some())
            .count()
    );
    assert_eq!(
        count("aws_ssoadmin_account_assignment"),
        snap.assignments.len()
    );
    let variables: Vec<&Value> = v["variable"].as_array().unwrap().iter().collect();
    assert!(variables
        .iter()
        .any(|x| x["instance_arn"]["default"] == snap.instance_arn.as_str()));

    // Every set resource by name; every reference names one.
    let set_res = &res["aws_ssoadmin_permission_set"];
    let name_of = |reference: &Value| -> String {
        let r = s(reference);
        let inner = r
            .strip_prefix("${aws_ssoadmin_permission_set.")
            .and_then(|r| r.strip_suffix(".arn}"))
            .unwrap_or_else(|| panic!("not a set reference: {r}"));
        s(&set_res[inner]["name"])
    };
    let arn_by_name: HashMap<&str, &PermissionSetSummary> =
        sets.iter().map(|p| (p.name.as_str(), p)).collect();
    for (kind, named) in &res {
        for (name, attrs) in named {
            assert_eq!(
                attrs["instance_arn"], "${var.instance_arn}",
                "{kind}.{name}"
            );
            if kind != "aws_ssoadmin_permission_set" {
                let set = name_of(&attrs["permission_set_arn"]);
                assert!(arn_by_name.contains_key(set.as_str()), "{kind}.{name}");
            }
        }
    }
    for (name, attrs) in res
        .get("aws_ssoadmin_permission_set_inline_policy")
        .into_iter()
        .flatten()
    {
        let ps = arn_by_name[name_of(&attrs["permission_set_arn"]).as_str()];
        let text = hcl_unescape(attrs["inline_policy"].as_str().unwrap());
        let got: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        let want: Value = serde_json::from_str(ps.inline_policy.as_ref().unwrap()).unwrap();
        assert_eq!(got, want, "{name}");
    }
    let mut got = BTreeSet::new();
    for attrs in res["aws_ssoadmin_account_assignment"].values() {
        let ps = arn_by_name[name_of(&attrs["permission_set_arn"]).as_str()];
        assert_eq!(attrs["target_type"], "AWS_ACCOUNT");
        got.insert((
            s(&attrs["target_id"]),
            ps.arn.clone(),
            s(&attrs["principal_type"]),
            s(&attrs["principal_id"]),
        ));
    }
    assert_eq!(got, rows(snap), "assignments");

    // Import blocks: each names a declared resource, with the provider's ID format.
    let instance = &snap.instance_arn;
    let imports = v["import"].as_array().cloned().unwrap_or_default();
    let mut imported_assignments = BTreeSet::new();
    let mut imported = BTreeSet::new();
    for i in &imports {
        let to = s(&i["to"]);
        let to = to.trim_start_matches("${").trim_end_matches('}');
        let (kind, name) = to.split_once('.').unwrap();
        let attrs = &res[kind][name];
        assert!(imported.insert(to.to_owned()), "{to} imported twice");
        let id = s(&i["id"]);
        let parts: Vec<&str> = id.split(',').collect();
        let set_arn = |reference: &Value| arn_by_name[name_of(reference).as_str()].arn.clone();
        match kind {
            "aws_ssoadmin_permission_set" => {
                let arn = &arn_by_name[s(&attrs["name"]).as_str()].arn;
                assert_eq!(id, format!("{arn},{instance}"));
            }
            "aws_ssoadmin_managed_policy_attachment" => assert_eq!(
                id,
                format!(
                    "{},{},{instance}",
                    s(&attrs["managed_policy_arn"]),
                    set_arn(&attrs["permission_set_arn"])
                )
            ),
            "aws_ssoadmin_customer_managed_policy_attachment" => {
                let c = &attrs["customer_managed_policy_reference"][0];
                assert_eq!(
                    id,
                    format!(
                        "{},{},{},{instance}",
                        s(&c["name"]),
                        s(&c["path"]),
                        set_arn(&attrs["permission_set_arn"])
                    )
                )
            }
            "aws_ssoadmin_permission_set_inline_policy"
            | "aws_ssoadmin_permissions_boundary_attachment" => assert_eq!(
                id,
                format!("{},{instance}", set_arn(&attrs["permission_set_arn"]))
            ),
            "aws_ssoadmin_account_assignment" => {
                assert_eq!(parts.len(), 6, "{id}");
                assert_eq!(
                    id,
                    format!(
                        "{},{},{},AWS_ACCOUNT,{},{instance}",
                        s(&attrs["principal_id"]),
                        s(&attrs["principal_type"]),
                        s(&attrs["target_id"]),
                        set_arn(&attrs["permission_set_arn"])
                    )
                );
                imported_assignments.insert((
                    parts[2].to_owned(),
                    parts[4].to_owned(),
                    parts[1].to_owned(),
                    parts[0].to_owned(),
                ));
            }
            other => panic!("unexpected import of {other}"),
        }
    }
    let want: BTreeSet<Row> = rows(snap).difference(staged).cloned().collect();
    assert_eq!(imported_assignments, want, "imported assignments");
    let total: usize = res.values().map(BTreeMap::len).sum();
    assert_eq!(
        imports.len(),
        total - staged.len(),
        "everything else is imported"
    );
    imports.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn exports_of_a_seeded_organisation_pass_the_tools_and_match_the_snapshot() {
    let aws = LocalAws::start();
    let seed = aws.seed("demo", "eu-west-1");
    let dir = tempfile::tempdir().unwrap();
    let g = test_gatehouse(Store::open(&dir.path().join("g.db")).unwrap()).await;
    g.connect(aws.spec("eu-west-1")).await.unwrap();

    // On top of the seed: a customer managed boundary, tags (one value needing escapes and
    // a template sequence in both formats) and a relay state on DataScientist.
    let instance = s(&seed["instance_arn"]);
    let data_scientist = seed["permission_sets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "DataScientist")
        .map(|p| s(&p["arn"]))
        .unwrap();
    let sso = g.session().await.unwrap().sso_admin();
    sso.put_permissions_boundary_to_permission_set()
        .instance_arn(&instance)
        .permission_set_arn(&data_scientist)
        .permissions_boundary(
            aws_sdk_ssoadmin::types::PermissionsBoundary::builder()
                .customer_managed_policy_reference(
                    aws_sdk_ssoadmin::types::CustomerManagedPolicyReference::builder()
                        .name("DataBoundary")
                        .path("/gatehouse/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    for (k, v) in [("team", "data \"science\""), ("cost-center", "${cc}-42")] {
        sso.tag_resource()
            .instance_arn(&instance)
            .resource_arn(&data_scientist)
            .tags(
                aws_sdk_ssoadmin::types::Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    sso.update_permission_set()
        .instance_arn(&instance)
        .permission_set_arn(&data_scientist)
        .relay_state("https://console.aws.amazon.com/athena/home")
        // moto replaces a missing session duration with one the SDK cannot read.
        .session_duration("PT4H")
        .send()
        .await
        .unwrap();

    let snap = g
        .load_snapshot(
            LoadOptions::default(),
            std::sync::Arc::new(NoProgress),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    let ds = snap
        .permission_sets
        .iter()
        .find(|p| p.arn == data_scientist)
        .unwrap();
    assert_eq!(
        ds.permissions_boundary,
        Some(
            gatehouse_core::snapshot::PermissionsBoundary::CustomerManaged {
                name: "DataBoundary".into(),
                path: "/gatehouse/".into()
            }
        )
    );
    let tags: Vec<(&str, &str)> = ds
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(
        tags,
        [("cost-center", "${cc}-42"), ("team", "data \"science\"")],
        "sorted by key"
    );
    assert_eq!(
        ds.relay_state.as_deref(),
        Some("https://console.aws.amazon.com/athena/home")
    );

    // CloudFormation: cfn-lint clean, and what it reads back is the snapshot.
    let cfn = g
        .export_code(ExportFormat::Cloudformation, vec![])
        .await
        .unwrap();
    assert_eq!(cfn.files.len(), 1, "34 resources fit one stack");
    assert_eq!(cfn.snapshot_taken_at, snap.taken_at);
    let files = write(dir.path(), &cfn);
    cfn_lint(&files);
    check_cloudformation(&parse("cfn", &files[0]), &snap);
    let ds_cfn = &parse("cfn", &files[0])["Resources"]["PermissionSetDataScientist"]["Properties"];
    assert_eq!(
        ds_cfn["PermissionsBoundary"]["CustomerManagedPolicyReference"],
        serde_json::json!({"Name": "DataBoundary", "Path": "/gatehouse/"})
    );
    assert_eq!(
        ds_cfn["RelayStateType"],
        "https://console.aws.amazon.com/athena/home"
    );
    assert_eq!(
        g.export_code(ExportFormat::Cloudformation, vec![])
            .await
            .unwrap(),
        cfn,
        "the same snapshot gives the same bytes"
    );

    // Terraform: parses, counts and references match, every existing resource imported.
    let tf = g
        .export_code(ExportFormat::Terraform, vec![])
        .await
        .unwrap();
    let tf_dir = dir.path().join("tf");
    std::fs::create_dir(&tf_dir).unwrap();
    let tf_file = &write(&tf_dir, &tf)[0];
    let parsed = parse("hcl", tf_file);
    let imports = check_terraform(&parsed, &snap, &BTreeSet::new());
    assert_eq!(imports as u32, tf.files[0].resources);
    let ds_tf = &tf_resources(&parsed)["aws_ssoadmin_permission_set"]["data_scientist"];
    assert_eq!(ds_tf["tags"]["team"], "data \"science\"");
    assert_eq!(
        ds_tf["tags"]["cost-center"], "$${cc}-42",
        "no interpolation"
    );
    let boundary = &tf_resources(&parsed)["aws_ssoadmin_permissions_boundary_attachment"]
        ["data_scientist"]["permissions_boundary"];
    assert_eq!(
        boundary[0]["customer_managed_policy_reference"][0]["name"],
        "DataBoundary"
    );
    assert_eq!(
        g.export_code(ExportFormat::Terraform, vec![])
            .await
            .unwrap(),
        tf
    );

    // Staged changes: one assignment added (no import), one removed.
    let removed = snap.assignments[0].clone();
    let ro = snap
        .permission_sets
        .iter()
        .find(|p| p.name == "ReadOnly")
        .unwrap();
    let added = Assignment {
        account_id: snap
            .accounts
            .iter()
            .find(|a| a.name == "sandbox-ykim")
            .unwrap()
            .id
            .clone(),
        permission_set_arn: ro.arn.clone(),
        principal_type: PrincipalType::User,
        principal_id: snap.users[0].id.clone(),
    };
    assert!(!snap.assignments.contains(&added));
    let pending = vec![
        StagedChange {
            op: ChangeOp::Create,
            assignment: added.clone(),
        },
        StagedChange {
            op: ChangeOp::Delete,
            assignment: removed.clone(),
        },
    ];
    let staged_tf = g
        .export_code(ExportFormat::Terraform, pending.clone())
        .await
        .unwrap();
    let staged_file = tf_dir.join("staged.tf");
    std::fs::write(&staged_file, &staged_tf.files[0].content).unwrap();
    let after = gatehouse_core::export::apply_staged(&snap, &pending);
    assert_eq!(after.assignments.len(), snap.assignments.len());
    let staged_rows = rows(&after).difference(&rows(&snap)).cloned().collect();
    check_terraform(&parse("hcl", &staged_file), &after, &staged_rows);
    assert!(staged_tf.files[0]
        .content
        .contains("(staged in Gatehouse, not in AWS yet)"));
    let staged_cfn = g
        .export_code(ExportFormat::Cloudformation, pending.clone())
        .await
        .unwrap();
    let staged_cfn_file = dir.path().join("staged.yaml");
    std::fs::write(&staged_cfn_file, &staged_cfn.files[0].content).unwrap();
    cfn_lint(std::slice::from_ref(&staged_cfn_file));
    check_cloudformation(&parse("cfn", &staged_cfn_file), &after);

    // Saving: the export, a report, the policy.
    let saved = g
        .save_code_export(
            ExportFormat::Cloudformation,
            vec![],
            &dir.path().join("saved.yaml"),
        )
        .await
        .unwrap();
    assert_eq!(saved, [dir.path().join("saved.yaml").display().to_string()]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("saved.yaml")).unwrap(),
        cfn.files[0].content
    );
    let report = g.who_has_what().await.unwrap();
    let csv = dir.path().join("report.csv");
    g.save_report(&csv, ReportFormat::Csv, &report).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), report.len() + 1);
    let json = dir.path().join("report.json");
    g.save_report(&json, ReportFormat::Json, &report).unwrap();
    let back: Vec<gatehouse_core::snapshot::ReportRow> =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(back, report);
    let policy = dir.path().join("policy.json");
    g.save_gatehouse_policy(&policy, false).unwrap();
    assert_eq!(
        std::fs::read_to_string(&policy).unwrap(),
        g.gatehouse_policy().read_only
    );

    // The CLI: a fresh snapshot gives the same code as the app's (but for the snapshot
    // time), and a snapshot file gives the same bytes twice.
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = gatehouse_cmd(home.path())
            .envs(gatehouse_tests::dummy_aws_env())
            .args(args)
            .args(["--region", "eu-west-1", "--endpoint-url", aws.url.as_str()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gatehouse {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let without_time = |t: &str| -> String {
        t.lines()
            .filter(|l| !l.contains("snapshot taken at"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let fresh = run(&["export", "--format", "terraform"]);
    assert_eq!(
        without_time(&String::from_utf8(fresh.stdout).unwrap()),
        without_time(&tf.files[0].content)
    );
    let stderr = String::from_utf8_lossy(&fresh.stderr);
    assert!(stderr.contains("import block(s)"), "{stderr}");
    let snap_file = home.path().join("snap.json");
    std::fs::write(&snap_file, serde_json::to_vec(&snap).unwrap()).unwrap();
    let from_file = |format: &str| {
        run(&[
            "export",
            "--format",
            format,
            "--snapshot",
            snap_file.to_str().unwrap(),
        ])
        .stdout
    };
    let once = from_file("cloudformation");
    assert_eq!(once, from_file("cloudformation"), "byte-identical");
    assert_eq!(String::from_utf8(once).unwrap(), cfn.files[0].content);
    let changes = home.path().join("changes.json");
    std::fs::write(&changes, serde_json::to_vec(&pending).unwrap()).unwrap();
    let with_changes = run(&[
        "export",
        "--format",
        "terraform",
        "--snapshot",
        snap_file.to_str().unwrap(),
        "--changes",
        changes.to_str().unwrap(),
    ]);
    assert_eq!(
        String::from_utf8(with_changes.stdout).unwrap(),
        staged_tf.files[0].content
    );
}

/// `sets` permission sets and `n` user assignments in one account, round-robin.
fn synthetic(sets: usize, n: usize) -> Snapshot {
    let instance = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
    let ps_arn =
        |i: usize| format!("arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-{i:016x}");
    // Identity Store ids are UUIDs.
    let principal = |i: usize| format!("{i:08x}-0000-4000-8000-000000000000");
    Snapshot {
        taken_at: "2026-01-01T00:00:00Z".into(),
        instance_arn: instance.into(),
        identity_store_id: "d-1234567890".into(),
        region: "eu-west-1".into(),
        management_account_id: Some("111111111111".into()),
        root_id: "r-abcd".into(),
        ous: vec![],
        accounts: vec![gatehouse_core::snapshot::Account {
            id: "222222222222".into(),
            name: "workload".into(),
            email: None,
            status: Some("ACTIVE".into()),
            ou_id: "r-abcd".into(),
            ou_path: "/".into(),
        }],
        groups: vec![],
        users: (0..n)
            .map(|i| User {
                id: principal(i),
                user_name: format!("user{i}@example.com"),
                display_name: None,
                email: None,
            })
            .collect(),
        permission_sets: (0..sets)
            .map(|i| PermissionSetSummary {
                session_duration: Some("PT4H".into()),
                managed_policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
                ..PermissionSetSummary::named(ps_arn(i), format!("Team{i}ReadOnly"))
            })
            .collect(),
        assignments: (0..n)
            .map(|i| Assignment {
                account_id: "222222222222".into(),
                permission_set_arn: ps_arn(i % sets),
                principal_type: PrincipalType::User,
                principal_id: principal(i),
            })
            .collect(),
        members_loaded: true,
        stats: LoadStats {
            requests: 0,
            requests_by_operation: BTreeMap::new(),
            strategy: AssignmentStrategy::PerPrincipal,
            strategy_reason: String::new(),
            throttled_retries: 0,
            seconds: 0.0,
        },
    }
}

#[test]
fn a_cloudformation_export_past_500_resources_splits_into_templates_that_pass_cfn_lint() {
    let home = tempfile::tempdir().unwrap();
    let snap = synthetic(3, 620);
    let snap_file = home.path().join("big.json");
    std::fs::write(&snap_file, serde_json::to_vec(&snap).unwrap()).unwrap();
    let export = |extra: &[&str]| {
        gatehouse_cmd(home.path())
            .args([
                "export",
                "--format",
                "cloudformation",
                "--snapshot",
                snap_file.to_str().unwrap(),
            ])
            .args(extra)
            .output()
            .unwrap()
    };

    // A split export needs --out.
    let out = export(&[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("split into 3 templates") && stderr.contains("--out"),
        "{stderr}"
    );

    let target = home.path().join("access.yaml");
    let out = export(&["--out", target.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let files: Vec<PathBuf> = ["access.yaml", "access-2.yaml", "access-3.yaml"]
        .iter()
        .map(|n| home.path().join(n))
        .collect();
    for f in &files {
        assert!(
            stderr.contains(&format!("Wrote {}.", f.display())),
            "{stderr}"
        );
    }
    assert!(!home.path().join("access-4.yaml").exists());
    assert!(
        stderr.contains("CloudFormation allows at most 500"),
        "{stderr}"
    );
    cfn_lint(&files);

    let templates: Vec<Value> = files.iter().map(|f| parse("cfn", f)).collect();
    let count = |t: &Value, ty: &str| {
        t["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["Type"] == ty)
            .count()
    };
    assert_eq!(count(&templates[0], "AWS::SSO::PermissionSet"), 3);
    assert_eq!(count(&templates[0], "AWS::SSO::Assignment"), 0);
    let outputs: BTreeSet<&String> = templates[0]["Outputs"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(outputs.len(), 3);
    let mut assigned = BTreeSet::new();
    for t in &templates[1..] {
        let resources = t["Resources"].as_object().unwrap();
        assert!(resources.len() <= 500);
        assert_eq!(count(t, "AWS::SSO::Assignment"), resources.len());
        let params = t["Parameters"].as_object().unwrap();
        for r in resources.values() {
            let p = &r["Properties"];
            let param = p["PermissionSetArn"]["Ref"].as_str().unwrap();
            // The parameter is declared, named like the sets template's output, and
            // defaults to the set's ARN.
            assert!(outputs.contains(&param.to_owned()), "{param}");
            let default = s(&params[param]["Default"]);
            assigned.insert((s(&p["PrincipalId"]), default));
        }
    }
    assert_eq!(
        assigned,
        snap.assignments
            .iter()
            .map(|a| (a.principal_id.clone(), a.permission_set_arn.clone()))
            .collect(),
        "every assignment once, with its set"
    );
    let sizes: Vec<usize> = templates[1..]
        .iter()
        .map(|t| t["Resources"].as_object().unwrap().len())
        .collect();
    assert_eq!(sizes, [500, 120]);
}

#[test]
fn cli_policy_prints_the_documents_and_what_each_action_is_for() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = gatehouse_cmd(home.path()).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let policy = gatehouse_core::iam_policy::gatehouse_policy();
    let rw = run(&["policy"]);
    assert_eq!(String::from_utf8(rw.stdout).unwrap(), policy.read_write);
    assert!(String::from_utf8_lossy(&rw.stderr).contains("--read-only"));
    let ro = run(&["policy", "--read-only"]);
    assert_eq!(String::from_utf8(ro.stdout).unwrap(), policy.read_only);
    let doc: Value = serde_json::from_str(&policy.read_only).unwrap();
    assert_eq!(doc["Statement"].as_array().unwrap().len(), 1);

    let json: Value = serde_json::from_slice(&run(&["policy", "--json"]).stdout).unwrap();
    let actions = json["actions"].as_array().unwrap();
    assert_eq!(actions.len(), policy.actions.len());
    let listed: BTreeSet<String> = json["policy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|st| st["Action"].as_array().unwrap().iter().map(s))
        .collect();
    let described: BTreeSet<String> = actions.iter().map(|a| s(&a["action"])).collect();
    assert_eq!(
        listed, described,
        "the document lists exactly the described actions"
    );
    assert!(actions.iter().all(|a| !s(&a["used_for"]).is_empty()
        && ["read", "write"].contains(&a["access"].as_str().unwrap())));
    let ro_json: Value =
        serde_json::from_slice(&run(&["policy", "--read-only", "--json"]).stdout).unwrap();
    assert!(ro_json["actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["access"] == "read"));
}
