//! The export as Terraform (HCL) for the AWS provider: `aws_ssoadmin_permission_set` per
//! set, one attachment resource per managed policy, customer managed reference, inline
//! policy and permissions boundary, and `aws_ssoadmin_account_assignment` per assignment,
//! all referring to the set by `aws_ssoadmin_permission_set.<name>.arn` and to the instance
//! by `var.instance_arn`.
//!
//! Every resource that exists in AWS gets an `import` block (Terraform 1.5 or later) with
//! the provider's import ID format, so the first `terraform plan` adopts the organisation's
//! access instead of creating it again; assignments that are only staged in Gatehouse get
//! none. Import IDs are literal strings (Terraform 1.5 takes no expressions there).
//!
//! Import ID formats (AWS provider documentation, "Import" section of each resource):
//! - `aws_ssoadmin_permission_set`: `PERMISSION_SET_ARN,INSTANCE_ARN`
//! - `aws_ssoadmin_managed_policy_attachment`: `MANAGED_POLICY_ARN,PERMISSION_SET_ARN,INSTANCE_ARN`
//! - `aws_ssoadmin_customer_managed_policy_attachment`: `NAME,PATH,PERMISSION_SET_ARN,INSTANCE_ARN`
//! - `aws_ssoadmin_permission_set_inline_policy`: `PERMISSION_SET_ARN,INSTANCE_ARN`
//! - `aws_ssoadmin_permissions_boundary_attachment`: `PERMISSION_SET_ARN,INSTANCE_ARN`
//! - `aws_ssoadmin_account_assignment`:
//!   `PRINCIPAL_ID,PRINCIPAL_TYPE,TARGET_ID,AWS_ACCOUNT,PERMISSION_SET_ARN,INSTANCE_ARN`

use serde_json::Value;

use super::render::{comment, hcl_escape, hcl_str, json_pretty, snake, Namer};
use super::{AssignmentView, ExportFile, Model};
use crate::snapshot::PermissionsBoundary;

const FILE_NAME: &str = "gatehouse-identity-center.tf";
/// Resource names are kept readable; longer ones are cut (and made unique again).
const MAX_NAME: usize = 120;

/// One entry of a block: a one-line attribute, an attribute whose value spans lines (a
/// map or a heredoc), or a nested block. The last two end an alignment group, as in
/// `terraform fmt`'s output.
enum Attr {
    Line(String, String),
    Multi(String, Vec<String>),
    Block(String, Vec<String>),
}

/// A block's body, with `=` aligned within runs of one-line attributes as `terraform fmt`
/// writes them.
fn body(attrs: &[Attr], indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let mut out = Vec::new();
    let mut i = 0;
    while i < attrs.len() {
        match &attrs[i] {
            Attr::Multi(name, lines) | Attr::Block(name, lines) => {
                let eq = if matches!(attrs[i], Attr::Multi(..)) {
                    " ="
                } else {
                    ""
                };
                let mut it = lines.iter();
                out.push(format!(
                    "{pad}{name}{eq} {}",
                    it.next().map(String::as_str).unwrap_or("")
                ));
                out.extend(it.cloned());
                i += 1;
            }
            Attr::Line(..) => {
                let run: Vec<(&String, &String)> = attrs[i..]
                    .iter()
                    .map_while(|a| match a {
                        Attr::Line(n, v) => Some((n, v)),
                        Attr::Multi(..) | Attr::Block(..) => None,
                    })
                    .collect();
                let width = run.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
                for (n, v) in &run {
                    out.push(format!("{pad}{n:<width$} = {v}"));
                }
                i += run.len();
            }
        }
    }
    out
}

/// `resource "<type>" "<name>" { … }`, preceded by comments.
fn resource(comments: &[String], kind: &str, name: &str, attrs: &[Attr]) -> String {
    let mut l: Vec<String> = comments
        .iter()
        .map(|c| format!("# {}", comment(c)))
        .collect();
    l.push(format!("resource \"{kind}\" \"{name}\" {{"));
    l.extend(body(attrs, 2));
    l.push("}".into());
    l.join("\n") + "\n"
}

fn import(kind: &str, name: &str, id: &str) -> String {
    format!(
        "import {{\n  to = {kind}.{name}\n  id = {}\n}}\n",
        hcl_str(id)
    )
}

fn line(name: &str, value: impl Into<String>) -> Attr {
    Attr::Line(name.into(), value.into())
}

/// A map attribute (`tags = { … }`), keys quoted.
fn map(name: &str, entries: &[(&str, &str)], indent: usize) -> Attr {
    let pad = " ".repeat(indent);
    let width = entries
        .iter()
        .map(|(k, _)| hcl_str(k).len())
        .max()
        .unwrap_or(0);
    let mut l = vec!["{".to_owned()];
    for (k, v) in entries {
        l.push(format!("{pad}  {:<width$} = {}", hcl_str(k), hcl_str(v)));
    }
    l.push(format!("{pad}}}"));
    Attr::Multi(name.into(), l)
}

/// A heredoc attribute holding `text` (template sequences escaped), indented by `indent`.
fn heredoc(name: &str, text: &str, indent: usize) -> Attr {
    let pad = " ".repeat(indent + 2);
    let mut marker = "EOT".to_owned();
    while text.lines().any(|l| l.trim() == marker) {
        marker.push('X');
    }
    let mut l = vec![format!("<<-{marker}")];
    for t in hcl_escape(text, false).lines() {
        l.push(if t.is_empty() {
            String::new()
        } else {
            format!("{pad}{t}")
        });
    }
    l.push(format!("{}{marker}", " ".repeat(indent)));
    Attr::Multi(name.into(), l)
}

fn set_ref(set_name: &str) -> String {
    format!("aws_ssoadmin_permission_set.{set_name}.arn")
}

/// The configuration and notes.
pub(crate) fn render(model: &Model) -> (Vec<ExportFile>, Vec<String>) {
    let s = model.snapshot;
    let instance = s.instance_arn.as_str();
    let mut out = String::new();
    for h in model.header() {
        out.push_str(&format!("# {h}\n"));
    }
    out.push_str(
        "#\n# Needs Terraform 1.5 or later (import blocks). The first `terraform plan` should \
         show\n# only imports: the resources below are what exists in AWS, apart from staged \
         changes.\n\n",
    );
    out.push_str(
        "terraform {\n  required_version = \">= 1.5.0\"\n  required_providers {\n    aws = {\n      \
         source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }\n}\n\n",
    );
    out.push_str(&format!(
        "variable \"region\" {{\n  description = \"The region of the IAM Identity Center instance.\"\n  \
         type        = string\n  default     = {}\n}}\n\n",
        hcl_str(&s.region)
    ));
    out.push_str(&format!(
        "variable \"instance_arn\" {{\n  description = \"The ARN of the IAM Identity Center instance.\"\n  \
         type        = string\n  default     = {}\n}}\n\n",
        hcl_str(instance)
    ));
    out.push_str("provider \"aws\" {\n  region = var.region\n}\n");

    let mut resources = 0u32;
    let mut imports = 0u32;
    let mut emit = |out: &mut String, block: String, import_block: Option<String>| {
        out.push('\n');
        out.push_str(&block);
        resources += 1;
        if let Some(i) = import_block {
            out.push('\n');
            out.push_str(&i);
            imports += 1;
        }
    };

    // Names are unique per resource type; sets first so they keep the plain names.
    let mut set_names = Namer::default();
    let names: Vec<String> = model
        .sets
        .iter()
        .map(|v| set_names.unique(&tf_name(&v.ps.name, "permission_set"), "_", MAX_NAME, &[]))
        .collect();
    let mut managed_names = Namer::default();
    let mut customer_names = Namer::default();

    if !model.sets.is_empty() {
        out.push_str("\n# ---- Permission sets\n");
    }
    for (v, name) in model.sets.iter().zip(&names) {
        let ps = v.ps;
        let mut about = vec![format!("Permission set {} ({})", ps.name, ps.arn)];
        if ps.grants_admin {
            about.push("Grants administrator access.".into());
        }
        if v.assignments == 0 {
            about.push("Not assigned anywhere.".into());
        }
        let mut attrs = vec![
            line("instance_arn", "var.instance_arn"),
            line("name", hcl_str(&ps.name)),
        ];
        if let Some(d) = ps.description.as_deref().filter(|d| !d.is_empty()) {
            attrs.push(line("description", hcl_str(d)));
        }
        if let Some(d) = ps.session_duration.as_deref().filter(|d| !d.is_empty()) {
            attrs.push(line("session_duration", hcl_str(d)));
        }
        if let Some(r) = ps.relay_state.as_deref() {
            attrs.push(line("relay_state", hcl_str(r)));
        }
        if !ps.tags.is_empty() {
            let entries: Vec<(&str, &str)> = ps
                .tags
                .iter()
                .map(|t| (t.key.as_str(), t.value.as_str()))
                .collect();
            attrs.push(map("tags", &entries, 2));
        }
        let id = format!("{},{instance}", ps.arn);
        emit(
            &mut out,
            resource(&about, "aws_ssoadmin_permission_set", name, &attrs),
            Some(import("aws_ssoadmin_permission_set", name, &id)),
        );

        for arn in &ps.managed_policy_arns {
            let policy = arn.rsplit('/').next().unwrap_or(arn);
            let rname =
                managed_names.unique(&format!("{name}_{}", snake(policy)), "_", MAX_NAME, &[]);
            let attrs = [
                line("instance_arn", "var.instance_arn"),
                line("permission_set_arn", set_ref(name)),
                line("managed_policy_arn", hcl_str(arn)),
            ];
            let kind = "aws_ssoadmin_managed_policy_attachment";
            emit(
                &mut out,
                resource(&[], kind, &rname, &attrs),
                Some(import(
                    kind,
                    &rname,
                    &format!("{arn},{},{instance}", ps.arn),
                )),
            );
        }
        for c in &ps.customer_managed_policies {
            let rname =
                customer_names.unique(&format!("{name}_{}", snake(&c.name)), "_", MAX_NAME, &[]);
            let reference = vec![
                "{".to_owned(),
                format!("    name = {}", hcl_str(&c.name)),
                format!("    path = {}", hcl_str(&c.path)),
                "  }".to_owned(),
            ];
            let attrs = [
                line("instance_arn", "var.instance_arn"),
                line("permission_set_arn", set_ref(name)),
                Attr::Block("customer_managed_policy_reference".into(), reference),
            ];
            let kind = "aws_ssoadmin_customer_managed_policy_attachment";
            emit(
                &mut out,
                resource(&[], kind, &rname, &attrs),
                Some(import(
                    kind,
                    &rname,
                    &format!("{},{},{},{instance}", c.name, c.path, ps.arn),
                )),
            );
        }
        if let Some(policy) = &ps.inline_policy {
            let text = match serde_json::from_str::<Value>(policy) {
                Ok(doc) => json_pretty(&doc),
                Err(_) => policy.clone(),
            };
            let attrs = [
                line("instance_arn", "var.instance_arn"),
                line("permission_set_arn", set_ref(name)),
                heredoc("inline_policy", &text, 2),
            ];
            let kind = "aws_ssoadmin_permission_set_inline_policy";
            emit(
                &mut out,
                resource(&[], kind, name, &attrs),
                Some(import(kind, name, &format!("{},{instance}", ps.arn))),
            );
        }
        if let Some(b) = &ps.permissions_boundary {
            let inner = match b {
                PermissionsBoundary::Managed { arn } => vec![
                    "{".to_owned(),
                    format!("    managed_policy_arn = {}", hcl_str(arn)),
                    "  }".to_owned(),
                ],
                PermissionsBoundary::CustomerManaged { name: n, path } => vec![
                    "{".to_owned(),
                    "    customer_managed_policy_reference {".to_owned(),
                    format!("      name = {}", hcl_str(n)),
                    format!("      path = {}", hcl_str(path)),
                    "    }".to_owned(),
                    "  }".to_owned(),
                ],
            };
            let attrs = [
                line("instance_arn", "var.instance_arn"),
                line("permission_set_arn", set_ref(name)),
                Attr::Block("permissions_boundary".into(), inner),
            ];
            let kind = "aws_ssoadmin_permissions_boundary_attachment";
            emit(
                &mut out,
                resource(&[], kind, name, &attrs),
                Some(import(kind, name, &format!("{},{instance}", ps.arn))),
            );
        }
    }

    if !model.assignments.is_empty() {
        out.push_str("\n# ---- Account assignments\n");
    }
    let mut assignment_names = Namer::default();
    for v in &model.assignments {
        let set_name = v
            .set
            .map(|i| model.sets[i].ps.name.as_str())
            .unwrap_or("unknown_set");
        let rname = assignment_names.unique(
            &tf_name(
                &format!("{} {} {}", v.account_name, v.principal_name, set_name),
                "assignment",
            ),
            "_",
            MAX_NAME,
            &[],
        );
        let kind = "aws_ssoadmin_account_assignment";
        let arn_expr = match v.set {
            Some(i) => set_ref(&names[i]),
            None => hcl_str(&v.a.permission_set_arn),
        };
        let attrs = [
            line("instance_arn", "var.instance_arn"),
            line("permission_set_arn", arn_expr),
            line("principal_id", hcl_str(&v.a.principal_id)),
            line("principal_type", hcl_str(v.a.principal_type.as_str())),
            line("target_id", hcl_str(&v.a.account_id)),
            line("target_type", "\"AWS_ACCOUNT\""),
        ];
        let import_block = (!v.staged).then(|| {
            import(
                kind,
                &rname,
                &format!(
                    "{},{},{},AWS_ACCOUNT,{},{instance}",
                    v.a.principal_id,
                    v.a.principal_type.as_str(),
                    v.a.account_id,
                    v.a.permission_set_arn
                ),
            )
        });
        emit(
            &mut out,
            resource(&[about(v, set_name)], kind, &rname, &attrs),
            import_block,
        );
    }

    let mut notes = vec![format!(
        "{resources} resource(s) with {imports} import block(s): Terraform 1.5 or later \
         adopts the existing permission sets and assignments on the first apply; run \
         `terraform plan` first and check that it shows only imports."
    )];
    if model.staged_creates > 0 {
        notes.push(format!(
            "{} staged assignment(s) have no import block: Terraform will create them.",
            model.staged_creates
        ));
    }
    notes.extend(model.common_notes());
    (
        vec![ExportFile {
            name: FILE_NAME.into(),
            content: out,
            resources,
        }],
        notes,
    )
}

fn about(v: &AssignmentView, set_name: &str) -> String {
    let mut s = format!(
        "{} ({}): {} {} gets {}",
        v.account_name,
        v.a.account_id,
        v.principal_kind(),
        v.principal_name,
        set_name
    );
    if v.staged {
        s.push_str(" (staged in Gatehouse, not in AWS yet)");
    }
    s
}

/// A Terraform resource name from free text: snake case, starting with a letter.
fn tf_name(text: &str, fallback: &str) -> String {
    let s = snake(text);
    if s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s
    } else if s.is_empty() {
        fallback.to_owned()
    } else {
        format!("{fallback}_{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::ChangeOp;
    use crate::export::tests::staged;
    use crate::export::{export, ExportFormat};
    use crate::snapshot::tests::sample;
    use crate::snapshot::PrincipalType;

    fn tf(pending: &[crate::changes::StagedChange]) -> super::super::CodeExport {
        export(&sample(), pending, ExportFormat::Terraform).unwrap()
    }

    #[test]
    fn resources_reference_each_other_and_import_what_exists() {
        let e = tf(&[]);
        assert_eq!(e.files.len(), 1);
        let f = &e.files[0];
        assert_eq!(f.name, "gatehouse-identity-center.tf");
        // 2 sets, 2 managed attachments, 1 customer reference, 1 inline, 1 boundary, 3
        // assignments.
        assert_eq!(f.resources, 10);
        let t = &f.content;
        assert_eq!(t.matches("\nimport {").count(), 10);
        let instance = "arn:aws:sso:::instance/ssoins-1";
        for want in [
            "variable \"instance_arn\" {\n  description = \"The ARN of the IAM Identity Center \
             instance.\"\n  type        = string\n  default     = \"arn:aws:sso:::instance/ssoins-1\"\n}\n",
            "# Permission set Admin (arn:ps-admin)\n# Grants administrator access.\nresource \
             \"aws_ssoadmin_permission_set\" \"admin\" {\n  instance_arn     = var.instance_arn\n  \
             name             = \"Admin\"\n  description      = \"Full access\"\n  \
             session_duration = \"PT1H\"\n  tags = {\n    \"owner\" = \"platform\"\n  }\n}\n",
            "import {\n  to = aws_ssoadmin_permission_set.admin\n  id = \
             \"arn:ps-admin,arn:aws:sso:::instance/ssoins-1\"\n}\n",
            "resource \"aws_ssoadmin_managed_policy_attachment\" \"admin_administrator_access\" \
             {\n  instance_arn       = var.instance_arn\n  permission_set_arn = \
             aws_ssoadmin_permission_set.admin.arn\n  managed_policy_arn = \
             \"arn:aws:iam::aws:policy/AdministratorAccess\"\n}\n",
            "resource \"aws_ssoadmin_customer_managed_policy_attachment\" \"read_only_deny_pii\" \
             {\n  instance_arn       = var.instance_arn\n  permission_set_arn = \
             aws_ssoadmin_permission_set.read_only.arn\n  customer_managed_policy_reference {\n    \
             name = \"DenyPii\"\n    path = \"/gatehouse/\"\n  }\n}\n",
            "  inline_policy = <<-EOT\n    {\n      \"Version\": \"2012-10-17\",\n",
            "\"Resource\": \"arn:aws:s3:::$${aws:username}-private/*\"",
            "  permissions_boundary {\n    managed_policy_arn = \
             \"arn:aws:iam::aws:policy/ReadOnlyAccess\"\n  }\n",
            "# payments (222222222222): group Developers gets Admin\nresource \
             \"aws_ssoadmin_account_assignment\" \"payments_developers_admin\" {\n  \
             instance_arn       = var.instance_arn\n  permission_set_arn = \
             aws_ssoadmin_permission_set.admin.arn\n  principal_id       = \"g-dev\"\n  \
             principal_type     = \"GROUP\"\n  target_id          = \"222222222222\"\n  \
             target_type        = \"AWS_ACCOUNT\"\n}\n",
        ] {
            assert!(t.contains(want), "missing {want:?} in\n{t}");
        }
        for id in [
            format!("arn:aws:iam::aws:policy/AdministratorAccess,arn:ps-admin,{instance}"),
            format!("DenyPii,/gatehouse/,arn:ps-ro,{instance}"),
            format!("g-dev,GROUP,222222222222,AWS_ACCOUNT,arn:ps-admin,{instance}"),
            format!("u-ana,USER,222222222222,AWS_ACCOUNT,arn:ps-admin,{instance}"),
        ] {
            assert!(t.contains(&format!("  id = \"{id}\"\n")), "{id} in\n{t}");
        }
        assert!(
            t.contains("import {\n  to = aws_ssoadmin_permission_set_inline_policy.read_only\n  id = \"arn:ps-ro,arn:aws:sso:::instance/ssoins-1\"\n}")
        );
        assert!(
            t.contains("import {\n  to = aws_ssoadmin_permissions_boundary_attachment.read_only\n  id = \"arn:ps-ro,arn:aws:sso:::instance/ssoins-1\"\n}")
        );
        assert!(t.contains("  tags = {\n"), "{t}");
        let mut shuffled = sample();
        shuffled.assignments.reverse();
        shuffled.permission_sets.reverse();
        assert_eq!(export(&shuffled, &[], ExportFormat::Terraform).unwrap(), e);
    }

    #[test]
    fn staged_creates_have_no_import_block() {
        let e = tf(&[
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
        ]);
        let t = &e.files[0].content;
        assert!(t.contains("# management (111111111111): user ben@x.com gets Admin (staged in Gatehouse, not in AWS yet)\nresource \"aws_ssoadmin_account_assignment\" \"management_ben_x_com_admin\""), "{t}");
        assert!(!t.contains("to = aws_ssoadmin_account_assignment.management_ben_x_com_admin"));
        assert!(
            !t.contains("payments_ana_x_com_admin"),
            "the staged delete is left out"
        );
        assert_eq!(t.matches("\nimport {").count(), 9);
        assert_eq!(e.files[0].resources, 10);
        assert!(e
            .notes
            .iter()
            .any(|n| n.contains("1 staged assignment(s) have no import block")));
    }

    #[test]
    fn heredocs_and_names_survive_awkward_input() {
        let a = heredoc("p", "{\n  \"a\": \"${x}\"\n}\nEOT", 2);
        let Attr::Multi(_, l) = a else { unreachable!() };
        assert_eq!(l[0], "<<-EOTX", "a marker the text does not contain");
        assert_eq!(l[2], "      \"a\": \"$${x}\"");
        assert_eq!(l.last().unwrap(), "  EOTX");
        assert_eq!(tf_name("123 prod", "assignment"), "assignment_123_prod");
        assert_eq!(tf_name("—", "permission_set"), "permission_set");
        assert_eq!(tf_name("ReadOnly", "permission_set"), "read_only");
    }
}
