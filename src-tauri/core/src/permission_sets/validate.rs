//! Field validation of a permission set before anything is sent to AWS.
//!
//! IAM Identity Center validates little up front (and moto nothing): a bad relay state or a
//! broken inline policy only fails later, at provisioning, in every account. So a desired
//! [`PermissionSetState`] is checked here against the service's documented shapes and
//! quotas, and each problem names the field (a JSON pointer into the state, e.g.
//! `/tags/2/key`) so the form can show it in place. A state with problems is never planned.

use serde::Serialize;

use super::policy::{self, PolicySeverity};
use super::{PermissionSetState, PermissionsBoundary};

/// Shortest and longest session AWS accepts, in seconds.
pub const MIN_SESSION_SECONDS: u32 = 3_600;
pub const MAX_SESSION_SECONDS: u32 = 43_200;
/// Managed + customer managed policies AWS allows on a permission set.
pub const MAX_ATTACHED_POLICIES: usize = 20;
/// IAM's default quota of managed policies per role (the roles provisioning creates).
pub const IAM_DEFAULT_POLICIES_PER_ROLE: usize = 10;
pub const MAX_TAGS: usize = 50;

/// One problem with one field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FieldProblem {
    /// JSON pointer into the state: `/name`, `/managed_policies/1`, `/tags/0/key`,
    /// `/inline_policy`, …
    pub field: String,
    pub message: String,
    /// For `/inline_policy`: where in the policy text (see `PolicyProblem`).
    pub policy_pointer: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl FieldProblem {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            policy_pointer: None,
            line: None,
            column: None,
        }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Permission set names: 1–32 characters of `[\w+=,.@-]`.
pub fn name_problem(name: &str) -> Option<String> {
    let n = name.chars().count();
    if n == 0 {
        return Some("Enter a name.".into());
    }
    if n > 32 {
        return Some(format!(
            "The name has {n} characters; a permission set name has at most 32. It becomes part \
             of the IAM role name (AWSReservedSSO_<name>_…) in every account."
        ));
    }
    if let Some(bad) = name.chars().find(|c| !is_name_char(*c)) {
        return Some(format!(
            "\"{bad}\" cannot be used in a permission set name. Use letters, digits and + = , . @ _ - \
             (no spaces)."
        ));
    }
    None
}

/// Parses a session duration: ISO 8601 (`PT1H`, `PT1H30M`, `PT5400S`) or hours (`2`, `1.5`,
/// `2h`). Returns seconds. The range is not checked here.
pub fn parse_session_duration(input: &str) -> Option<u32> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    let upper = s.to_ascii_uppercase();
    if let Some(rest) = upper.strip_prefix("PT") {
        let mut total: u64 = 0;
        let mut number = String::new();
        let mut any = false;
        for c in rest.chars() {
            match c {
                '0'..='9' => number.push(c),
                'H' | 'M' | 'S' => {
                    let n: u64 = number.parse().ok()?;
                    number.clear();
                    any = true;
                    total += n * match c {
                        'H' => 3600,
                        'M' => 60,
                        _ => 1,
                    };
                }
                _ => return None,
            }
        }
        if !number.is_empty() || !any {
            return None;
        }
        return u32::try_from(total).ok();
    }
    let hours = upper.strip_suffix('H').unwrap_or(&upper).trim();
    let h: f64 = hours.parse().ok()?;
    if !h.is_finite() || h <= 0.0 {
        return None;
    }
    let seconds = (h * 3600.0).round();
    (seconds <= f64::from(u32::MAX)).then_some(seconds as u32)
}

/// Seconds as the ISO 8601 duration AWS stores (`PT1H`, `PT1H30M`).
pub fn format_session_duration(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out += &format!("{h}H");
    }
    if m > 0 {
        out += &format!("{m}M");
    }
    if s > 0 || (h == 0 && m == 0) {
        out += &format!("{s}S");
    }
    out
}

/// The session duration in hours, as the UI shows it (e.g. 1.5).
pub fn session_hours(duration: &str) -> Option<f64> {
    parse_session_duration(duration).map(|s| f64::from(s) / 3600.0)
}

/// Checks a session duration; on success returns its canonical ISO form.
pub fn session_duration(input: &str) -> Result<String, String> {
    let seconds = parse_session_duration(input).ok_or_else(|| {
        format!(
            "\"{input}\" is not a session duration. Enter hours (1 to 12, e.g. 4 or 1.5) or an \
             ISO 8601 duration such as PT1H or PT1H30M."
        )
    })?;
    if !(MIN_SESSION_SECONDS..=MAX_SESSION_SECONDS).contains(&seconds) {
        return Err(format!(
            "The session duration must be between 1 and 12 hours; {} is {}.",
            input.trim(),
            describe_duration(seconds)
        ));
    }
    Ok(format_session_duration(seconds))
}

fn describe_duration(seconds: u32) -> String {
    let (h, m) = (seconds / 3600, seconds % 3600 / 60);
    match (h, m) {
        (0, m) => format!("{m} minutes"),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} hours {m} minutes"),
    }
}

/// Relay state: an https URL of at most 240 characters.
pub fn relay_state_problem(url: &str) -> Option<String> {
    let n = url.chars().count();
    if n > 240 {
        return Some(format!(
            "The relay state has {n} characters; AWS allows at most 240."
        ));
    }
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "https" && u.host().is_some() => None,
        Ok(u) => Some(format!(
            "The relay state must be an https:// URL (it is where the console opens after \
             sign-in); \"{}\" is not allowed.",
            u.scheme()
        )),
        Err(_) => Some(format!(
            "\"{url}\" is not a URL. Use a full https:// address, e.g. \
             https://console.aws.amazon.com/ec2/home."
        )),
    }
}

/// An AWS managed policy ARN: `arn:<partition>:iam::aws:policy/<path/>Name`.
pub fn managed_policy_arn_problem(arn: &str) -> Option<String> {
    let bad = || {
        Some(format!(
            "\"{arn}\" is not an AWS managed policy ARN. It looks like \
             arn:aws:iam::aws:policy/ReadOnlyAccess or \
             arn:aws:iam::aws:policy/job-function/ViewOnlyAccess. For a policy you created in \
             the accounts, add a customer managed policy reference instead."
        ))
    };
    let Some(rest) = arn.strip_prefix("arn:") else {
        return bad();
    };
    let Some((partition, rest)) = rest.split_once(':') else {
        return bad();
    };
    if !partition.starts_with("aws") {
        return bad();
    }
    let Some(path_name) = rest.strip_prefix("iam::aws:policy/") else {
        return bad();
    };
    let name = path_name.rsplit('/').next().unwrap_or_default();
    if name.is_empty() || !name.chars().all(is_name_char) || path_name.contains("//") {
        return bad();
    }
    None
}

fn customer_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Enter the policy name as it is in IAM.".into());
    }
    if name.chars().count() > 128 || !name.chars().all(is_name_char) {
        return Some(format!(
            "\"{name}\" is not an IAM policy name (1–128 letters, digits and + = , . @ _ -)."
        ));
    }
    None
}

fn customer_path_problem(path: &str) -> Option<String> {
    let ok = path.starts_with('/')
        && path.ends_with('/')
        && path.len() <= 512
        && !path.contains("//")
        && path.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
    (!ok).then(|| {
        format!(
            "\"{path}\" is not an IAM path. A path starts and ends with / (e.g. / or \
             /gatehouse/)."
        )
    })
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Every problem with `state`, field by field. Empty means it may be planned.
pub fn validate_state(state: &PermissionSetState) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    if let Some(m) = name_problem(&state.name) {
        out.push(FieldProblem::new("/name", m));
    }
    if let Some(d) = &state.description {
        if d.chars().count() > 700 {
            out.push(FieldProblem::new(
                "/description",
                format!(
                    "The description has {} characters; AWS allows at most 700.",
                    d.chars().count()
                ),
            ));
        }
        let ok =
            |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}');
        if let Some(bad) = d.chars().find(|c| !ok(*c)) {
            out.push(FieldProblem::new(
                "/description",
                format!(
                    "\"{bad}\" cannot be used in a permission set description (AWS accepts Latin-1 \
                     letters, digits and punctuation)."
                ),
            ));
        }
    }
    if let Err(m) = session_duration(&state.session_duration) {
        out.push(FieldProblem::new("/session_duration", m));
    }
    if let Some(r) = &state.relay_state {
        if let Some(m) = relay_state_problem(r) {
            out.push(FieldProblem::new("/relay_state", m));
        }
    }

    for (i, arn) in state.managed_policies.iter().enumerate() {
        if let Some(m) = managed_policy_arn_problem(arn) {
            out.push(FieldProblem::new(format!("/managed_policies/{i}"), m));
        } else if state.managed_policies[..i].contains(arn) {
            out.push(FieldProblem::new(
                format!("/managed_policies/{i}"),
                format!("{arn} is listed twice."),
            ));
        }
    }
    for (i, c) in state.customer_managed_policies.iter().enumerate() {
        if let Some(m) = customer_name_problem(&c.name) {
            out.push(FieldProblem::new(
                format!("/customer_managed_policies/{i}/name"),
                m,
            ));
        }
        if let Some(m) = customer_path_problem(&c.path) {
            out.push(FieldProblem::new(
                format!("/customer_managed_policies/{i}/path"),
                m,
            ));
        }
        if state.customer_managed_policies[..i].contains(c) {
            out.push(FieldProblem::new(
                format!("/customer_managed_policies/{i}"),
                format!("{}{} is listed twice.", c.path, c.name),
            ));
        }
    }
    let attached = state.managed_policies.len() + state.customer_managed_policies.len();
    if attached > MAX_ATTACHED_POLICIES {
        out.push(FieldProblem::new(
            "/managed_policies",
            format!(
                "{attached} managed and customer managed policies are attached; a permission set \
                 may have at most {MAX_ATTACHED_POLICIES}. Combine some into a customer managed \
                 policy."
            ),
        ));
    }

    if let Some(text) = &state.inline_policy {
        let v = policy::validate(text);
        for p in v
            .problems
            .iter()
            .filter(|p| p.severity == PolicySeverity::Error)
        {
            out.push(FieldProblem {
                field: "/inline_policy".into(),
                message: p.message.clone(),
                policy_pointer: Some(p.pointer.clone()),
                line: Some(p.line),
                column: Some(p.column),
            });
        }
    }

    match &state.permissions_boundary {
        None => {}
        Some(PermissionsBoundary::Managed { arn }) => {
            if let Some(m) = managed_policy_arn_problem(arn) {
                out.push(FieldProblem::new("/permissions_boundary/arn", m));
            }
        }
        Some(PermissionsBoundary::CustomerManaged { name, path }) => {
            if let Some(m) = customer_name_problem(name) {
                out.push(FieldProblem::new("/permissions_boundary/name", m));
            }
            if let Some(m) = customer_path_problem(path) {
                out.push(FieldProblem::new("/permissions_boundary/path", m));
            }
        }
    }

    if state.tags.len() > MAX_TAGS {
        out.push(FieldProblem::new(
            "/tags",
            format!(
                "{} tags; AWS allows at most {MAX_TAGS} on a permission set.",
                state.tags.len()
            ),
        ));
    }
    for (i, t) in state.tags.iter().enumerate() {
        let klen = t.key.chars().count();
        if klen == 0 || klen > 128 {
            out.push(FieldProblem::new(
                format!("/tags/{i}/key"),
                "A tag key has 1 to 128 characters.",
            ));
        } else if t.key.to_ascii_lowercase().starts_with("aws:") {
            out.push(FieldProblem::new(
                format!("/tags/{i}/key"),
                "Tag keys starting with aws: are reserved for AWS.",
            ));
        } else if !t.key.chars().all(tag_char) {
            out.push(FieldProblem::new(
                format!("/tags/{i}/key"),
                format!(
                    "\"{}\" contains a character AWS does not allow in tags (letters, digits, \
                     spaces and _ . : / = + - @ only).",
                    t.key
                ),
            ));
        } else if state.tags[..i].iter().any(|o| o.key == t.key) {
            out.push(FieldProblem::new(
                format!("/tags/{i}/key"),
                format!("The tag key \"{}\" is used twice.", t.key),
            ));
        }
        if t.value.chars().count() > 256 {
            out.push(FieldProblem::new(
                format!("/tags/{i}/value"),
                "A tag value has at most 256 characters.",
            ));
        } else if !t.value.chars().all(tag_char) {
            out.push(FieldProblem::new(
                format!("/tags/{i}/value"),
                "The tag value contains a character AWS does not allow in tags (letters, digits, \
                 spaces and _ . : / = + - @ only).",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{CustomerPolicyRef, TagPair};
    use super::*;

    fn base() -> PermissionSetState {
        PermissionSetState {
            name: "DataEngineer".into(),
            description: Some("Data team".into()),
            session_duration: "PT4H".into(),
            relay_state: Some("https://console.aws.amazon.com/s3/home".into()),
            managed_policies: vec!["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into()],
            customer_managed_policies: vec![CustomerPolicyRef {
                name: "DataAccess".into(),
                path: "/gatehouse/".into(),
            }],
            inline_policy: None,
            permissions_boundary: Some(PermissionsBoundary::Managed {
                arn: "arn:aws:iam::aws:policy/PowerUserAccess".into(),
            }),
            tags: vec![TagPair {
                key: "team".into(),
                value: "data".into(),
            }],
        }
    }

    fn fields(s: &PermissionSetState) -> Vec<String> {
        validate_state(s).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn permission_state_valid_base() {
        assert!(
            validate_state(&base()).is_empty(),
            "{:?}",
            validate_state(&base())
        );
    }

    #[test]
    fn permission_names() {
        for ok in ["A", "Admin_Access+1=,.@-", &"x".repeat(32)] {
            assert!(name_problem(ok).is_none(), "{ok}");
        }
        for bad in ["", "has space", "ümlaut", &"x".repeat(33), "semi;colon"] {
            assert!(name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn permission_session_durations() {
        assert_eq!(session_duration("PT1H").unwrap(), "PT1H");
        assert_eq!(session_duration("pt12h").unwrap(), "PT12H");
        assert_eq!(session_duration("PT1H30M").unwrap(), "PT1H30M");
        assert_eq!(session_duration("PT90M").unwrap(), "PT1H30M");
        assert_eq!(session_duration("1.5").unwrap(), "PT1H30M");
        assert_eq!(session_duration("4").unwrap(), "PT4H");
        assert_eq!(session_duration("8h").unwrap(), "PT8H");
        assert_eq!(session_duration("PT43200S").unwrap(), "PT12H");
        for bad in [
            "PT59M", "PT12H1S", "PT13H", "0", "13", "P1D", "PT", "PTH", "1 hour", "",
        ] {
            assert!(session_duration(bad).is_err(), "{bad}");
        }
        assert!(session_duration("PT30M")
            .unwrap_err()
            .contains("30 minutes"));
        assert_eq!(session_hours("PT1H30M"), Some(1.5));
    }

    #[test]
    fn permission_relay_states() {
        assert!(relay_state_problem("https://console.aws.amazon.com/").is_none());
        assert!(relay_state_problem("http://console.aws.amazon.com/").is_some());
        assert!(relay_state_problem("console.aws.amazon.com").is_some());
        let long = format!("https://example.com/{}", "a".repeat(221));
        assert_eq!(long.len(), 241);
        assert!(relay_state_problem(&long).unwrap().contains("240"));
        assert!(relay_state_problem(&long[..240]).is_none());
    }

    #[test]
    fn permission_state_problems_name_their_field() {
        let mut s = base();
        s.name = "bad name".into();
        s.session_duration = "PT13H".into();
        s.relay_state = Some("ftp://x".into());
        s.managed_policies
            .push("arn:aws:iam::123456789012:policy/Mine".into());
        s.customer_managed_policies.push(CustomerPolicyRef {
            name: "X".into(),
            path: "nopath".into(),
        });
        s.tags.push(TagPair {
            key: "aws:owner".into(),
            value: "x".into(),
        });
        s.tags.push(TagPair {
            key: "team".into(),
            value: "y".into(),
        });
        s.inline_policy = Some(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow"}}"#.into());
        s.permissions_boundary = Some(PermissionsBoundary::CustomerManaged {
            name: "".into(),
            path: "/".into(),
        });
        let f = fields(&s);
        for expected in [
            "/name",
            "/session_duration",
            "/relay_state",
            "/managed_policies/1",
            "/customer_managed_policies/1/path",
            "/tags/1/key",
            "/tags/2/key",
            "/inline_policy",
            "/permissions_boundary/name",
        ] {
            assert!(
                f.contains(&expected.to_string()),
                "{expected} missing from {f:?}"
            );
        }
        let inline: Vec<_> = validate_state(&s)
            .into_iter()
            .filter(|p| p.field == "/inline_policy")
            .collect();
        assert_eq!(inline.len(), 2, "{inline:?}");
        assert_eq!(inline[0].policy_pointer.as_deref(), Some("/Statement"));
    }

    #[test]
    fn permission_attached_policy_quota() {
        let mut s = base();
        s.managed_policies = (0..20)
            .map(|i| format!("arn:aws:iam::aws:policy/P{i}"))
            .collect();
        assert!(fields(&s).contains(&"/managed_policies".to_string()));
        s.managed_policies.pop();
        assert!(!fields(&s).contains(&"/managed_policies".to_string()));
    }
}
