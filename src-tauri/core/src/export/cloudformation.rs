//! The export as CloudFormation YAML: one `AWS::SSO::PermissionSet` per set (policies,
//! boundary and tags inside it, the inline policy as a YAML object) and one
//! `AWS::SSO::Assignment` per account assignment, with the instance as a parameter.
//!
//! CloudFormation allows 500 resources, 200 parameters and 200 outputs per template and
//! about 1 MB of template from S3. Within that, everything is one template and assignments
//! name their set with `!GetAtt`. Beyond it, the export is split: permission set templates
//! first (at most 200 sets each, every set's ARN an output), then assignment templates of
//! at most 500 resources, each taking the ARNs of the sets it uses as parameters named like
//! those outputs and defaulting to the ARNs in the snapshot.
//!
//! Every resource keeps `DeletionPolicy: Retain` (and `UpdateReplacePolicy`): an exported
//! template describes access that already exists, so deleting the stack must not take it
//! away, and CloudFormation's resource import requires the policy anyway.

use serde_json::Value;

use super::render::{comment, pascal, yaml_lines, yaml_str, Namer};
use super::{AssignmentView, ExportFile, Model, SetView};
use crate::snapshot::PermissionsBoundary;

/// Resources per stack.
pub const MAX_RESOURCES: usize = 500;
/// Parameters per template (the instance ARN takes one).
pub const MAX_PARAMETERS: usize = 200;
/// Outputs per template (one per permission set in a split export).
pub const MAX_OUTPUTS: usize = 200;
/// Template bytes CloudFormation accepts from S3, less room for the header and parameters.
pub const MAX_BODY_BYTES: usize = 900_000;
/// Template bytes CloudFormation accepts inline (`--template-body`).
pub const INLINE_TEMPLATE_BYTES: usize = 51_200;
/// Logical ids are at most 255 characters.
const MAX_ID: usize = 255;

const BASE_NAME: &str = "gatehouse-identity-center";

fn file_name(index: usize) -> String {
    match index {
        0 => format!("{BASE_NAME}.yaml"),
        i => format!("{BASE_NAME}-{}.yaml", i + 1),
    }
}

/// How an assignment names its permission set.
#[derive(Clone, Copy)]
enum SetRef<'a> {
    /// `!GetAtt <id>.PermissionSetArn` (the set is in the same template).
    GetAtt(&'a str),
    /// `!Ref <id>Arn` (a parameter of the template).
    Parameter(&'a str),
}

/// A template being assembled.
struct Template {
    description: String,
    /// Lines for the header comment (after the shared ones).
    about: Vec<String>,
    /// (logical id, description, default)
    parameters: Vec<(String, String, String)>,
    resources: Vec<String>,
    /// (logical id, description, value expression)
    outputs: Vec<(String, String, String)>,
}

impl Template {
    fn new(description: impl Into<String>, instance_arn: &str) -> Self {
        Self {
            description: description.into(),
            about: Vec::new(),
            parameters: vec![(
                "InstanceArn".into(),
                "The ARN of the IAM Identity Center instance.".into(),
                instance_arn.into(),
            )],
            resources: Vec::new(),
            outputs: Vec::new(),
        }
    }

    fn text(&self, header: &[String]) -> String {
        let mut out = String::new();
        for line in header.iter().chain(&self.about) {
            if line.is_empty() {
                out.push_str("#\n");
            } else {
                out.push_str(&format!("# {line}\n"));
            }
        }
        out.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\n");
        out.push_str(&format!("Description: {}\n", yaml_str(&self.description)));
        out.push_str("Parameters:\n");
        for (id, description, default) in &self.parameters {
            out.push_str(&format!(
                "  {id}:\n    Type: String\n    Description: {}\n    Default: {}\n",
                yaml_str(description),
                yaml_str(default)
            ));
        }
        if self.resources.is_empty() {
            out.push_str("Resources: {}\n");
        } else {
            out.push_str("Resources:\n");
            out.push_str(&self.resources.join("\n"));
        }
        if !self.outputs.is_empty() {
            out.push_str("Outputs:\n");
            for (id, description, value) in &self.outputs {
                out.push_str(&format!(
                    "  {id}:\n    Description: {}\n    Value: {value}\n",
                    yaml_str(description)
                ));
            }
        }
        out
    }
}

/// The logical ids: `PermissionSet<Name>` (with `<id>Arn` kept free for its output or
/// parameter) and `Assignment<Account><Principal><Set>`, unique in one namespace.
struct Ids {
    sets: Vec<String>,
    assignments: Vec<String>,
}

fn ids(model: &Model) -> Ids {
    let mut namer = Namer::default();
    namer.reserve("InstanceArn");
    let sets = model
        .sets
        .iter()
        .map(|s| {
            namer.unique(
                &format!("PermissionSet{}", pascal(&s.ps.name)),
                "",
                MAX_ID,
                &["Arn"],
            )
        })
        .collect();
    let assignments = model
        .assignments
        .iter()
        .map(|v| {
            let set = v
                .set
                .map(|i| model.sets[i].ps.name.as_str())
                .unwrap_or("Unknown");
            namer.unique(
                &format!(
                    "Assignment{}{}{}",
                    pascal(v.account_name),
                    pascal(v.principal_name),
                    pascal(set)
                ),
                "",
                MAX_ID,
                &[],
            )
        })
        .collect();
    Ids { sets, assignments }
}

fn set_block(id: &str, v: &SetView) -> String {
    let ps = v.ps;
    let mut about = format!("Permission set {} ({})", ps.name, ps.arn);
    if ps.grants_admin {
        about.push_str(", grants administrator access");
    }
    if v.assignments == 0 {
        about.push_str(", not assigned anywhere");
    }
    let mut l = vec![
        format!("  # {}", comment(&about)),
        format!("  {id}:"),
        "    Type: AWS::SSO::PermissionSet".into(),
        "    DeletionPolicy: Retain".into(),
        "    UpdateReplacePolicy: Retain".into(),
        "    Properties:".into(),
        "      InstanceArn: !Ref InstanceArn".into(),
        format!("      Name: {}", yaml_str(&ps.name)),
    ];
    if let Some(d) = ps.description.as_deref().filter(|d| !d.is_empty()) {
        l.push(format!("      Description: {}", yaml_str(d)));
    }
    if let Some(d) = ps.session_duration.as_deref().filter(|d| !d.is_empty()) {
        l.push(format!("      SessionDuration: {}", yaml_str(d)));
    }
    if let Some(r) = ps.relay_state.as_deref() {
        l.push(format!("      RelayStateType: {}", yaml_str(r)));
    }
    if !ps.managed_policy_arns.is_empty() {
        l.push("      ManagedPolicies:".into());
        for arn in &ps.managed_policy_arns {
            l.push(format!("        - {}", yaml_str(arn)));
        }
    }
    if !ps.customer_managed_policies.is_empty() {
        l.push("      CustomerManagedPolicyReferences:".into());
        for c in &ps.customer_managed_policies {
            l.push(format!("        - Name: {}", yaml_str(&c.name)));
            l.push(format!("          Path: {}", yaml_str(&c.path)));
        }
    }
    if let Some(policy) = &ps.inline_policy {
        match serde_json::from_str::<Value>(policy) {
            Ok(doc @ Value::Object(_)) => {
                l.push("      InlinePolicy:".into());
                yaml_lines(&doc, 8, &mut l);
            }
            _ => l.push(format!("      InlinePolicy: {}", yaml_str(policy))),
        }
    }
    match &ps.permissions_boundary {
        Some(PermissionsBoundary::Managed { arn }) => {
            l.push("      PermissionsBoundary:".into());
            l.push(format!("        ManagedPolicyArn: {}", yaml_str(arn)));
        }
        Some(PermissionsBoundary::CustomerManaged { name, path }) => {
            l.push("      PermissionsBoundary:".into());
            l.push("        CustomerManagedPolicyReference:".into());
            l.push(format!("          Name: {}", yaml_str(name)));
            l.push(format!("          Path: {}", yaml_str(path)));
        }
        None => {}
    }
    if !ps.tags.is_empty() {
        l.push("      Tags:".into());
        for t in &ps.tags {
            l.push(format!("        - Key: {}", yaml_str(&t.key)));
            l.push(format!("          Value: {}", yaml_str(&t.value)));
        }
    }
    lines(l)
}

fn assignment_block(model: &Model, id: &str, v: &AssignmentView, set: Option<SetRef>) -> String {
    let set_name = v
        .set
        .map(|i| model.sets[i].ps.name.as_str())
        .unwrap_or(v.a.permission_set_arn.as_str());
    let mut about = format!(
        "{} ({}): {} {} gets {}",
        v.account_name,
        v.a.account_id,
        v.principal_kind(),
        v.principal_name,
        set_name
    );
    if v.staged {
        about.push_str(" (staged in Gatehouse, not in AWS yet)");
    }
    let arn = match set {
        Some(SetRef::GetAtt(set_id)) => format!("!GetAtt {set_id}.PermissionSetArn"),
        Some(SetRef::Parameter(set_id)) => format!("!Ref {set_id}Arn"),
        None => yaml_str(&v.a.permission_set_arn),
    };
    lines(vec![
        format!("  # {}", comment(&about)),
        format!("  {id}:"),
        "    Type: AWS::SSO::Assignment".into(),
        "    DeletionPolicy: Retain".into(),
        "    UpdateReplacePolicy: Retain".into(),
        "    Properties:".into(),
        "      InstanceArn: !Ref InstanceArn".into(),
        format!("      PermissionSetArn: {arn}"),
        format!("      PrincipalId: {}", yaml_str(&v.a.principal_id)),
        format!(
            "      PrincipalType: {}",
            yaml_str(v.a.principal_type.as_str())
        ),
        format!("      TargetId: {}", yaml_str(&v.a.account_id)),
        "      TargetType: \"AWS_ACCOUNT\"".into(),
    ])
}

fn lines(l: Vec<String>) -> String {
    let mut s = l.join("\n");
    s.push('\n');
    s
}

const DESCRIPTION: &str =
    "IAM Identity Center permission sets and account assignments, exported by Gatehouse";

const RETAIN_NOTE: &str = "Every resource keeps DeletionPolicy and UpdateReplacePolicy Retain: \
     deleting the stack never takes anyone's access away.";

const IMPORT_NOTE: &str = "To manage the permission sets and assignments that already exist \
     rather than create them again, create the stack with an IMPORT change set \
     (aws cloudformation create-change-set --change-set-type IMPORT).";

/// The templates and notes.
pub(crate) fn render(model: &Model) -> (Vec<ExportFile>, Vec<String>) {
    let ids = ids(model);
    let instance = &model.snapshot.instance_arn;
    let set_blocks: Vec<String> = model
        .sets
        .iter()
        .zip(&ids.sets)
        .map(|(v, id)| set_block(id, v))
        .collect();
    let total_resources = model.sets.len() + model.assignments.len();
    let single_blocks: Vec<String> = model
        .assignments
        .iter()
        .zip(&ids.assignments)
        .map(|(v, id)| {
            let set = v.set.map(|i| SetRef::GetAtt(ids.sets[i].as_str()));
            assignment_block(model, id, v, set)
        })
        .collect();
    let bytes: usize = set_blocks
        .iter()
        .chain(&single_blocks)
        .map(String::len)
        .sum();

    let mut notes = Vec::new();
    let mut templates = Vec::new();
    if total_resources <= MAX_RESOURCES && bytes <= MAX_BODY_BYTES {
        let mut t = Template::new(DESCRIPTION, instance);
        t.about.push(format!(
            "{} permission set(s) and {} account assignment(s): {} resource(s).",
            model.sets.len(),
            model.assignments.len(),
            total_resources
        ));
        t.resources = set_blocks.into_iter().chain(single_blocks).collect();
        templates.push(t);
    } else {
        templates = split(model, &ids, set_blocks);
        let set_files = templates
            .iter()
            .take_while(|t| t.outputs.len() == t.resources.len() && !t.outputs.is_empty())
            .count();
        notes.push(format!(
            "CloudFormation allows at most {MAX_RESOURCES} resources per stack, so the {} \
             resources are split into {} templates: deploy the permission set template(s) \
             ({}) first, then the account assignment templates ({}). Each assignment \
             template takes the ARNs of the permission sets it uses as parameters named like \
             the permission set templates' outputs, and defaults them to the ARNs in this \
             snapshot.",
            total_resources,
            templates.len(),
            (0..set_files).map(file_name).collect::<Vec<_>>().join(", "),
            (set_files..templates.len())
                .map(file_name)
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if total_resources == 0 {
        notes.push(
            "The snapshot has no permission sets or account assignments; CloudFormation needs \
             at least one resource, so this template cannot be deployed as it is."
                .into(),
        );
    }

    let header = model.header();
    let count = templates.len();
    let files: Vec<ExportFile> = templates
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            if count > 1 {
                t.description = format!("{} (template {} of {count})", t.description, i + 1);
            }
            t.about.push(String::new());
            t.about.push(RETAIN_NOTE.into());
            t.about.push(IMPORT_NOTE.into());
            ExportFile {
                name: file_name(i),
                resources: t.resources.len() as u32,
                content: t.text(&header),
            }
        })
        .collect();

    notes.push(format!("{RETAIN_NOTE} {IMPORT_NOTE}"));
    if model.staged_creates > 0 {
        notes.push(
            "Assignments staged in Gatehouse do not exist in AWS yet: leave them out of an \
             IMPORT change set and add them with a normal stack update afterwards."
                .into(),
        );
    }
    for f in &files {
        if f.content.len() > INLINE_TEMPLATE_BYTES {
            notes.push(format!(
                "{} is {} bytes, more than the {INLINE_TEMPLATE_BYTES} CloudFormation accepts \
                 inline: upload it to S3 first (aws cloudformation deploy --s3-bucket …).",
                f.name,
                f.content.len()
            ));
        }
    }
    notes.extend(model.common_notes());
    (files, notes)
}

/// Permission set templates (≤ 200 sets, size-bounded), then assignment templates (≤ 500
/// resources, ≤ 199 set parameters, size-bounded), in the model's order.
fn split(model: &Model, ids: &Ids, set_blocks: Vec<String>) -> Vec<Template> {
    let instance = &model.snapshot.instance_arn;
    let mut out = Vec::new();
    let sets_total = model.sets.len();
    let mut first = 0;
    let mut current: Option<Template> = None;
    let mut bytes = 0;
    for (i, block) in set_blocks.into_iter().enumerate() {
        let full = current.as_ref().is_some_and(|t| {
            t.resources.len() >= MAX_OUTPUTS.min(MAX_RESOURCES)
                || bytes + block.len() > MAX_BODY_BYTES
        });
        if full {
            out.push(finish_sets(current.take(), first, i, sets_total));
        }
        let t = current.get_or_insert_with(|| {
            first = i;
            bytes = 0;
            Template::new(DESCRIPTION, instance)
        });
        bytes += block.len();
        t.resources.push(block);
        let id = &ids.sets[i];
        t.outputs.push((
            format!("{id}Arn"),
            format!("Permission set {}", model.sets[i].ps.name),
            format!("!GetAtt {id}.PermissionSetArn"),
        ));
    }
    if current.is_some() {
        out.push(finish_sets(current.take(), first, sets_total, sets_total));
    }

    let set_files: Vec<String> = (0..out.len()).map(file_name).collect();
    let assignments_total = model.assignments.len();
    let mut params: Vec<usize> = Vec::new();
    first = 0;
    for (i, v) in model.assignments.iter().enumerate() {
        let id = &ids.assignments[i];
        let set = v.set.map(|s| SetRef::Parameter(ids.sets[s].as_str()));
        let block = assignment_block(model, id, v, set);
        let new_param = v.set.filter(|s| !params.contains(s));
        let full = current.as_ref().is_some_and(|t| {
            t.resources.len() >= MAX_RESOURCES
                || (new_param.is_some() && params.len() + 1 >= MAX_PARAMETERS)
                || bytes + block.len() > MAX_BODY_BYTES
        });
        if full {
            out.push(finish_assignments(
                model,
                ids,
                current.take(),
                &params,
                (first, i, assignments_total),
                &set_files,
            ));
            params.clear();
        }
        let t = current.get_or_insert_with(|| {
            first = i;
            bytes = 0;
            Template::new(DESCRIPTION, instance)
        });
        if let Some(s) = v.set.filter(|s| !params.contains(s)) {
            params.push(s);
        }
        bytes += block.len();
        t.resources.push(block);
    }
    if current.is_some() {
        out.push(finish_assignments(
            model,
            ids,
            current.take(),
            &params,
            (first, assignments_total, assignments_total),
            &set_files,
        ));
    }
    out
}

fn finish_sets(t: Option<Template>, first: usize, end: usize, total: usize) -> Template {
    let mut t = t.expect("a template in progress");
    t.about.push(format!(
        "Permission sets {}–{} of {total} ({} resources); every set's ARN is an output. \
         Deploy this before the account assignment templates.",
        first + 1,
        end,
        t.resources.len()
    ));
    t
}

fn finish_assignments(
    model: &Model,
    ids: &Ids,
    t: Option<Template>,
    params: &[usize],
    (first, end, total): (usize, usize, usize),
    set_files: &[String],
) -> Template {
    let mut t = t.expect("a template in progress");
    let from = if set_files.is_empty() {
        "the permission set template".to_owned()
    } else {
        set_files.join(", ")
    };
    t.about.push(format!(
        "Account assignments {}–{} of {total} ({} resources). Deploy after {from}: each \
         PermissionSet…Arn parameter takes the output of the same name there and defaults to \
         the ARN in this snapshot.",
        first + 1,
        end,
        t.resources.len()
    ));
    let mut sorted = params.to_vec();
    sorted.sort_unstable();
    for s in sorted {
        let ps = model.sets[s].ps;
        t.parameters.push((
            format!("{}Arn", ids.sets[s]),
            format!("The ARN of permission set {}.", ps.name),
            ps.arn.clone(),
        ));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::ChangeOp;
    use crate::export::tests::staged;
    use crate::export::{export, ExportFormat};
    use crate::snapshot::tests::sample;
    use crate::snapshot::{Assignment, PermissionSetSummary, PrincipalType, Snapshot, User};

    fn cfn(s: &Snapshot) -> super::super::CodeExport {
        export(s, &[], ExportFormat::Cloudformation).unwrap()
    }

    #[test]
    fn one_template_with_sets_assignments_and_references() {
        let e = cfn(&sample());
        assert_eq!(e.files.len(), 1);
        let f = &e.files[0];
        assert_eq!(f.name, "gatehouse-identity-center.yaml");
        assert_eq!(f.resources, 2 + 3);
        let t = &f.content;
        assert!(
            t.starts_with(
                "# IAM Identity Center permission sets and account assignments, exported by \
             Gatehouse.\n# Instance arn:aws:sso:::instance/ssoins-1 (eu-west-1), snapshot \
             taken at 2026-01-01T00:00:00Z.\n"
            ),
            "{t}"
        );
        for want in [
            "Parameters:\n  InstanceArn:\n    Type: String\n    Description: \"The ARN of the IAM \
             Identity Center instance.\"\n    Default: \"arn:aws:sso:::instance/ssoins-1\"\n",
            "  # Permission set Admin (arn:ps-admin), grants administrator access\n  \
             PermissionSetAdmin:\n    Type: AWS::SSO::PermissionSet\n    DeletionPolicy: Retain\n",
            "      ManagedPolicies:\n        - \"arn:aws:iam::aws:policy/AdministratorAccess\"\n",
            "      Tags:\n        - Key: \"owner\"\n          Value: \"platform\"\n",
            "      RelayStateType: \"https://console.aws.amazon.com/s3/home\"\n",
            "      CustomerManagedPolicyReferences:\n        - Name: \"DenyPii\"\n          Path: \
             \"/gatehouse/\"\n",
            "      InlinePolicy:\n        Version: \"2012-10-17\"\n        Statement:\n          \
             - Effect: \"Deny\"\n            Action: \"s3:*\"\n            Resource: \
             \"arn:aws:s3:::${aws:username}-private/*\"\n",
            "      PermissionsBoundary:\n        ManagedPolicyArn: \
             \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n",
            "  # payments (222222222222): group Developers gets Admin\n  \
             AssignmentPaymentsDevelopersAdmin:\n",
            "      PermissionSetArn: !GetAtt PermissionSetAdmin.PermissionSetArn\n      \
             PrincipalId: \"g-dev\"\n      PrincipalType: \"GROUP\"\n      TargetId: \
             \"222222222222\"\n      TargetType: \"AWS_ACCOUNT\"\n",
            "  AssignmentPaymentsAnaXComAdmin:\n",
            "  AssignmentManagementSupportReadOnly:\n",
        ] {
            assert!(t.contains(want), "missing {want:?} in\n{t}");
        }
        assert!(!t.contains("Outputs:"), "one template needs no outputs");
        assert!(
            e.notes.iter().any(|n| n.contains("IMPORT")),
            "{:?}",
            e.notes
        );
    }

    #[test]
    fn the_same_snapshot_gives_the_same_bytes() {
        let mut shuffled = sample();
        shuffled.assignments.reverse();
        shuffled.permission_sets.reverse();
        shuffled.users.reverse();
        assert_eq!(cfn(&sample()), cfn(&shuffled));
    }

    #[test]
    fn staged_changes_show_in_comments_and_the_header() {
        let e = export(
            &sample(),
            &[
                staged(
                    ChangeOp::Create,
                    "111111111111",
                    "arn:ps-admin",
                    PrincipalType::User,
                    "u-ben",
                ),
                staged(
                    ChangeOp::Delete,
                    "222222222222",
                    "arn:ps-admin",
                    PrincipalType::User,
                    "u-ana",
                ),
            ],
            ExportFormat::Cloudformation,
        )
        .unwrap();
        let t = &e.files[0].content;
        assert!(t.contains("# Includes changes staged in Gatehouse"), "{t}");
        assert!(
            t.contains("  # management (111111111111): user ben@x.com gets Admin (staged in Gatehouse, not in AWS yet)\n  AssignmentManagementBenXComAdmin:"),
            "{t}"
        );
        assert!(!t.contains("AssignmentPaymentsAnaXComAdmin"), "{t}");
        assert!(e
            .notes
            .iter()
            .any(|n| n.contains("leave them out of an IMPORT")));
    }

    /// `sets` permission sets and `n` assignments spread over them and over users.
    pub fn big(sets: usize, n: usize) -> Snapshot {
        let mut s = sample();
        s.permission_sets = (0..sets)
            .map(|i| PermissionSetSummary {
                managed_policy_arns: vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".into()],
                ..PermissionSetSummary::named(format!("arn:ps-{i:04}"), format!("Set{i:04}"))
            })
            .collect();
        s.users = (0..n)
            .map(|i| User {
                id: format!("u-{i:05}"),
                user_name: format!("user{i:05}@x.com"),
                display_name: None,
                email: None,
            })
            .collect();
        s.assignments = (0..n)
            .map(|i| Assignment {
                account_id: "222222222222".into(),
                permission_set_arn: format!("arn:ps-{:04}", i % sets),
                principal_type: PrincipalType::User,
                principal_id: format!("u-{i:05}"),
            })
            .collect();
        s
    }

    fn count(t: &str, needle: &str) -> usize {
        t.matches(needle).count()
    }

    #[test]
    fn more_than_500_resources_split_with_sets_first() {
        let s = big(3, 1200);
        let e = cfn(&s);
        let names: Vec<&str> = e.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "gatehouse-identity-center.yaml",
                "gatehouse-identity-center-2.yaml",
                "gatehouse-identity-center-3.yaml",
                "gatehouse-identity-center-4.yaml",
            ]
        );
        let resources: Vec<u32> = e.files.iter().map(|f| f.resources).collect();
        assert_eq!(resources, [3, 500, 500, 200]);
        let sets = &e.files[0].content;
        assert_eq!(count(sets, "Type: AWS::SSO::PermissionSet"), 3);
        assert_eq!(
            count(sets, "Value: !GetAtt PermissionSetSet0000.PermissionSetArn"),
            1
        );
        assert!(
            sets.contains("Outputs:\n  PermissionSetSet0000Arn:\n"),
            "{sets}"
        );
        assert!(
            sets.contains("# Permission sets 1–3 of 3 (3 resources)"),
            "{sets}"
        );
        // Assignments are ordered by set: 400 per set, 500 per template.
        let used = [vec![0, 1], vec![1, 2], vec![2]];
        for (f, used) in e.files[1..].iter().zip(used) {
            let t = &f.content;
            assert_eq!(count(t, "Type: AWS::SSO::Assignment") as u32, f.resources);
            assert!(!t.contains("!GetAtt"), "assignment stacks use parameters");
            assert_eq!(count(t, "    Type: String\n"), 1 + used.len(), "{}", f.name);
            for i in used {
                assert!(t.contains(&format!(
                    "      PermissionSetArn: !Ref PermissionSetSet000{i}Arn\n"
                )));
                assert!(t.contains(&format!(
                    "  PermissionSetSet000{i}Arn:\n    Type: String\n    Description: \"The ARN \
                     of permission set Set000{i}.\"\n    Default: \"arn:ps-000{i}\"\n"
                )));
            }
            assert!(
                t.contains("Deploy after gatehouse-identity-center.yaml"),
                "{t}"
            );
            assert!(t.contains("(template "), "{t}");
        }
        assert!(e.files[1]
            .content
            .contains("# Account assignments 1–500 of 1200 (500 resources)"));
        assert!(e.files[3]
            .content
            .contains("# Account assignments 1001–1200 of 1200"));
        let note = &e.notes[0];
        assert!(note.contains("split into 4 templates"), "{note}");
        assert!(
            note.contains("(gatehouse-identity-center.yaml) first"),
            "{note}"
        );
        assert_eq!(cfn(&s), e, "deterministic when split too");
    }

    #[test]
    fn many_sets_split_by_outputs_and_parameters() {
        // 450 sets with one assignment each: 900 resources. Set templates hold at most 200
        // sets (one output each); an assignment template at most 199 set parameters.
        let e = cfn(&big(450, 450));
        let resources: Vec<u32> = e.files.iter().map(|f| f.resources).collect();
        assert_eq!(resources, [200, 200, 50, 199, 199, 52]);
        for f in &e.files {
            let params = count(&f.content, "    Type: String\n");
            assert!(params <= MAX_PARAMETERS, "{}: {params}", f.name);
            let outputs = count(&f.content, "    Value: !GetAtt");
            assert!(outputs <= MAX_OUTPUTS, "{}: {outputs}", f.name);
            assert!(f.resources as usize <= MAX_RESOURCES);
        }
        assert_eq!(count(&e.files[3].content, "    Type: String\n"), 200);
        assert!(e.files[3].content.contains("Deploy after gatehouse-identity-center.yaml, gatehouse-identity-center-2.yaml, gatehouse-identity-center-3.yaml"));
    }

    #[test]
    fn names_become_unique_alphanumeric_logical_ids() {
        let mut s = sample();
        s.permission_sets
            .push(PermissionSetSummary::named("arn:ps-admin-2", "Admin"));
        s.permission_sets
            .push(PermissionSetSummary::named("arn:ps-x", "Read.Only"));
        let t = &cfn(&s).files[0].content;
        for id in [
            "  PermissionSetAdmin:\n",
            "  PermissionSetAdmin2:\n",
            "  PermissionSetReadOnly:\n",
            "  PermissionSetReadOnly2:\n",
        ] {
            assert!(t.contains(id), "{id:?} in\n{t}");
        }
        for line in t
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        {
            let id = line.trim().trim_end_matches(':');
            assert!(
                id.chars().all(|c| c.is_ascii_alphanumeric()) && id.len() <= 255,
                "{id}"
            );
        }
    }
}
