//! Text primitives both exporters share: quoting for YAML and HCL, comments that cannot
//! break out of their line, readable and unique identifiers, and a policy document written
//! out with IAM's usual key order.
//!
//! Everything here is written by hand rather than through a serializer so the output is
//! exactly what we choose (always double-quoted strings, no anchors, no reflowing) and the
//! same bytes for the same input whatever serde_json features another crate enables.

use std::collections::HashSet;

use serde_json::{Map, Value};

/// A YAML double-quoted scalar: `"`, `\` and every control or otherwise non-printable
/// character are escaped, so any string round-trips (YAML 1.1 and 1.2 alike).
pub fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A mapping key: plain when it is a simple identifier that YAML 1.1 would not read as a
/// boolean or null, else double-quoted.
pub fn yaml_key(s: &str) -> String {
    let simple = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let reserved = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]
        .contains(&s.to_ascii_lowercase().as_str());
    if simple && !reserved {
        s.to_owned()
    } else {
        yaml_str(s)
    }
}

/// An HCL quoted string: escapes as HCL's string literal grammar requires, including `${`
/// and `%{` (which would otherwise start a template interpolation or directive).
pub fn hcl_str(s: &str) -> String {
    format!("\"{}\"", hcl_escape(s, true))
}

/// Escapes for an HCL string literal (`quoted`: also `"`, `\` and line breaks) or a
/// heredoc body (only the template sequences).
pub fn hcl_escape(s: &str, quoted: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            '"' if quoted => out.push_str("\\\""),
            '\\' if quoted => out.push_str("\\\\"),
            '\n' if quoted => out.push_str("\\n"),
            '\r' if quoted => out.push_str("\\r"),
            '\t' if quoted => out.push_str("\\t"),
            c if quoted && needs_escape(c) => push_unicode_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn push_unicode_escape(out: &mut String, c: char) {
    let mut buf = [0u16; 2];
    for unit in c.encode_utf16(&mut buf) {
        out.push_str(&format!("\\u{unit:04X}"));
    }
}

/// Text safe inside a `#` comment: line breaks and other control characters become spaces.
pub fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if needs_escape(c) { ' ' } else { c })
        .collect()
}

/// The words of a name: runs of ASCII letters and digits, split again where a lower-case
/// letter or digit meets an upper-case one (`AdministratorAccess` → `Administrator`,
/// `Access`; `SSOAdmin` → `SSO`, `Admin`). Other characters only separate words.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = c.is_ascii_uppercase()
                && prev.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                });
            if boundary && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c);
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// `payments-prod` → `PaymentsProd`, `AdministratorAccess` → `AdministratorAccess`.
pub fn pascal(s: &str) -> String {
    words(s)
        .into_iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `AdministratorAccess` → `administrator_access`, `CI-CD Tooling` → `ci_cd_tooling`.
pub fn snake(s: &str) -> String {
    words(s)
        .into_iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// Hands out identifiers unique within one namespace, deterministically: the first comer
/// keeps the base, later ones get `<sep>2`, `<sep>3`… Bases are cut to `max_len` first.
#[derive(Debug, Default)]
pub struct Namer {
    used: HashSet<String>,
}

impl Namer {
    /// Marks `name` as taken (e.g. a parameter that shares the namespace).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_owned());
    }

    /// A unique name from `base`; `companions` are suffixes that must be free too and are
    /// reserved with it (`Arn` for a permission set whose ARN becomes an output).
    pub fn unique(&mut self, base: &str, sep: &str, max_len: usize, companions: &[&str]) -> String {
        let longest = companions.iter().map(|c| c.len()).max().unwrap_or(0);
        let room = max_len.saturating_sub(longest + sep.len() + 5).max(1);
        let base: String = base.chars().take(room).collect();
        let free = |used: &HashSet<String>, name: &str| {
            !used.contains(name)
                && companions
                    .iter()
                    .all(|c| !used.contains(&format!("{name}{c}")))
        };
        let mut name = base.clone();
        let mut n = 1u32;
        while !free(&self.used, &name) {
            n += 1;
            name = format!("{base}{sep}{n}");
        }
        self.used.insert(name.clone());
        for c in companions {
            self.used.insert(format!("{name}{c}"));
        }
        name
    }
}

/// IAM's usual key order (as the console and AWS's examples write policies); other keys
/// follow, sorted.
const IAM_KEY_ORDER: [&str; 12] = [
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// A map's entries in IAM key order, then by key.
pub fn ordered(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let rank = |k: &str| {
        IAM_KEY_ORDER
            .iter()
            .position(|o| *o == k)
            .unwrap_or(IAM_KEY_ORDER.len())
    };
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    entries
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_str(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn is_nested(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => false,
    }
}

/// A JSON value as block-style YAML lines at `indent` spaces: a mapping's entries, or a
/// sequence's items, or one scalar.
pub fn yaml_lines(v: &Value, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, item) in ordered(map) {
                if is_nested(item) {
                    out.push(format!("{pad}{}:", yaml_key(k)));
                    yaml_lines(item, indent + 2, out);
                } else {
                    out.push(format!("{pad}{}: {}", yaml_key(k), yaml_scalar(item)));
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                if is_nested(item) {
                    // The item's first line takes the dash; the rest keep its indent.
                    let mut inner = Vec::new();
                    yaml_lines(item, indent + 2, &mut inner);
                    for (i, line) in inner.into_iter().enumerate() {
                        if i == 0 {
                            out.push(format!("{pad}- {}", &line[indent + 2..]));
                        } else {
                            out.push(line);
                        }
                    }
                } else {
                    out.push(format!("{pad}- {}", yaml_scalar(item)));
                }
            }
        }
        scalar => out.push(format!("{pad}{}", yaml_scalar(scalar))),
    }
}

/// A JSON value pretty-printed (two-space indent, as serde_json's pretty printer) with
/// object keys in [`ordered`] order.
pub fn json_pretty(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, 0, &mut out);
    out
}

fn write_json(v: &Value, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match v {
        Value::Object(map) if !map.is_empty() => {
            out.push_str("{\n");
            let entries = ordered(map);
            for (i, (k, item)) in entries.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push_str(": ");
                write_json(item, indent + 1, out);
                if i + 1 < entries.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_json(item, indent + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_escape_what_yaml_cannot_hold_plain() {
        assert_eq!(yaml_str("plain"), "\"plain\"");
        assert_eq!(yaml_str("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(yaml_str("l1\nl2\t\r"), r#""l1\nl2\t\r""#);
        assert_eq!(
            yaml_str("bell\u{7}del\u{7f}c1\u{85}"),
            r#""bell\u0007del\u007Fc1\u0085""#
        );
        assert_eq!(
            yaml_str("Tomáš ✓"),
            "\"Tomáš ✓\"",
            "printable Unicode stays"
        );
        assert_eq!(yaml_key("Statement"), "Statement");
        assert_eq!(yaml_key("aws:username"), "\"aws:username\"");
        assert_eq!(yaml_key("yes"), "\"yes\"");
        assert_eq!(yaml_key("On"), "\"On\"");
        assert_eq!(yaml_key("1a"), "\"1a\"");
    }

    #[test]
    fn hcl_strings_escape_template_sequences() {
        assert_eq!(
            hcl_str("arn:aws:s3:::${aws:username}/%{x}"),
            r#""arn:aws:s3:::$${aws:username}/%%{x}""#
        );
        assert_eq!(hcl_str("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(hcl_str("$x %y"), "\"$x %y\"", "a lone $ or % is literal");
        assert_eq!(hcl_escape("\"${a}\"\n", false), "\"$${a}\"\n");
    }

    #[test]
    fn comments_stay_on_their_line() {
        assert_eq!(comment("a\nb\rc\u{2028}d"), "a b c d");
    }

    #[test]
    fn words_and_cases() {
        assert_eq!(words("AdministratorAccess"), ["Administrator", "Access"]);
        assert_eq!(words("SSOAdmin v2-prod"), ["SSO", "Admin", "v2", "prod"]);
        assert_eq!(words("Tomáš Novák"), ["Tom", "Nov", "k"]);
        assert_eq!(pascal("payments-prod"), "PaymentsProd");
        assert_eq!(pascal("AdministratorAccess"), "AdministratorAccess");
        assert_eq!(pascal("CI-CD Tooling"), "CICDTooling");
        assert_eq!(snake("AdministratorAccess"), "administrator_access");
        assert_eq!(snake("CI-CD Tooling"), "ci_cd_tooling");
        assert_eq!(snake("ana@x.com"), "ana_x_com");
        assert_eq!(snake("---"), "");
    }

    #[test]
    fn names_are_unique_deterministic_and_bounded() {
        let mut n = Namer::default();
        n.reserve("InstanceArn");
        assert_eq!(
            n.unique("PermissionSetX", "", 255, &["Arn"]),
            "PermissionSetX"
        );
        assert_eq!(
            n.unique("PermissionSetX", "", 255, &["Arn"]),
            "PermissionSetX2"
        );
        // "PermissionSetXArn" is taken as the first set's companion.
        assert_eq!(
            n.unique("PermissionSetXArn", "", 255, &["Arn"]),
            "PermissionSetXArn2"
        );
        assert_eq!(n.unique("Instance", "", 255, &["Arn"]), "Instance2");
        let long = "A".repeat(400);
        let a = n.unique(&long, "", 255, &["Arn"]);
        let b = n.unique(&long, "", 255, &["Arn"]);
        assert!(
            a.len() + 3 <= 255 && b.len() + 3 <= 255,
            "{} {}",
            a.len(),
            b.len()
        );
        assert_ne!(a, b);
        let mut m = Namer::default();
        assert_eq!(m.unique("x", "_", 64, &[]), "x");
        assert_eq!(m.unique("x", "_", 64, &[]), "x_2");
    }

    #[test]
    fn policies_print_in_iam_order() {
        let v: Value = serde_json::from_str(
            r#"{"Statement":[{"Resource":"*","Condition":{"StringEquals":{"aws:x":["a","b"]}},
                "Action":["s3:Get*"],"Effect":"Allow","Sid":"S"}],"Version":"2012-10-17"}"#,
        )
        .unwrap();
        let mut lines = Vec::new();
        yaml_lines(&v, 4, &mut lines);
        assert_eq!(
            lines,
            [
                "    Version: \"2012-10-17\"",
                "    Statement:",
                "      - Sid: \"S\"",
                "        Effect: \"Allow\"",
                "        Action:",
                "          - \"s3:Get*\"",
                "        Resource: \"*\"",
                "        Condition:",
                "          StringEquals:",
                "            \"aws:x\":",
                "              - \"a\"",
                "              - \"b\"",
            ]
        );
        let pretty = json_pretty(&v);
        assert!(pretty.starts_with("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n"));
        let back: Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(back, v, "the same document");
        let mut empty = Vec::new();
        yaml_lines(
            &serde_json::json!({"a": [], "b": {}, "c": [[1, 2]]}),
            0,
            &mut empty,
        );
        assert_eq!(empty, ["a: []", "b: {}", "c:", "  - - 1", "    - 2"]);
    }
}
