//! Inline policy validation: JSON syntax, the IAM policy grammar, and the two size limits.
//!
//! A permission set carries at most one inline policy. AWS only says "Invalid policy" after
//! the fact (and only when the set is provisioned), so the editor validates as the admin
//! types: every problem carries a JSON pointer and a line/column so the editor can point at
//! it, and [`PolicySize`] gives the two measures AWS limits (32,768 bytes; 10,240 characters
//! that are not whitespace) for a meter. Everything here is a pure function of the text.
//!
//! Syntax errors come from serde_json (its messages are precise). A syntactically valid
//! document is then parsed again by a small span-keeping parser of our own, because the
//! grammar check needs the position of every value and must see duplicate keys, which
//! serde_json silently merges.

use serde::Serialize;

/// AWS limit on the inline policy of a permission set, in bytes (UTF-8).
pub const MAX_POLICY_BYTES: u32 = 32_768;
/// AWS limit on the inline policy of a permission set, in characters that are not whitespace.
pub const MAX_POLICY_NON_WHITESPACE_CHARS: u32 = 10_240;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PolicySeverity {
    /// AWS would refuse the policy (or Gatehouse will not send it).
    Error,
    /// Accepted, but probably not what was meant.
    Warning,
}

/// One problem in the policy text, located for the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PolicyProblem {
    pub severity: PolicySeverity,
    /// What is wrong and how to fix it, for the admin.
    pub message: String,
    /// RFC 6901 JSON pointer of the value concerned ("" is the whole document), e.g.
    /// `/Statement/0/Effect`. For a missing element, the object that should hold it.
    pub pointer: String,
    /// 1-based line of the value (or of the syntax error).
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// The two sizes AWS limits, for a meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct PolicySize {
    pub bytes: u32,
    pub max_bytes: u32,
    pub non_whitespace_chars: u32,
    pub max_non_whitespace_chars: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PolicyValidation {
    /// No problem of severity `error`.
    pub valid: bool,
    /// In document order; size problems first.
    pub problems: Vec<PolicyProblem>,
    pub size: PolicySize,
}

impl PolicyValidation {
    pub fn errors(&self) -> impl Iterator<Item = &PolicyProblem> {
        self.problems
            .iter()
            .filter(|p| p.severity == PolicySeverity::Error)
    }
}

/// Measures `text` as AWS does.
pub fn measure(text: &str) -> PolicySize {
    PolicySize {
        bytes: u32::try_from(text.len()).unwrap_or(u32::MAX),
        max_bytes: MAX_POLICY_BYTES,
        non_whitespace_chars: u32::try_from(text.chars().filter(|c| !c.is_whitespace()).count())
            .unwrap_or(u32::MAX),
        max_non_whitespace_chars: MAX_POLICY_NON_WHITESPACE_CHARS,
    }
}

/// Validates an inline policy document. Pure; cheap enough to run on every keystroke.
pub fn validate(text: &str) -> PolicyValidation {
    let size = measure(text);
    let mut problems = Vec::new();
    if size.bytes > MAX_POLICY_BYTES {
        problems.push(PolicyProblem {
            severity: PolicySeverity::Error,
            message: format!(
                "The policy is {} bytes; a permission set's inline policy may have at most {} \
                 bytes. Remove statements, or move some permissions to a managed or customer \
                 managed policy.",
                size.bytes, MAX_POLICY_BYTES
            ),
            pointer: String::new(),
            line: 1,
            column: 1,
        });
    }
    if size.non_whitespace_chars > MAX_POLICY_NON_WHITESPACE_CHARS {
        problems.push(PolicyProblem {
            severity: PolicySeverity::Error,
            message: format!(
                "The policy has {} characters that are not whitespace; AWS allows at most {}. \
                 Use wildcards (s3:Get*) or split permissions into a customer managed policy.",
                size.non_whitespace_chars, MAX_POLICY_NON_WHITESPACE_CHARS
            ),
            pointer: String::new(),
            line: 1,
            column: 1,
        });
    }
    if text.trim().is_empty() {
        problems.push(PolicyProblem {
            severity: PolicySeverity::Error,
            message: "The policy is empty. Write a policy document, or remove the inline policy."
                .into(),
            pointer: String::new(),
            line: 1,
            column: 1,
        });
        return finish(problems, size);
    }
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        let (line, column) = serde_position(text, e.line(), e.column());
        problems.push(PolicyProblem {
            severity: PolicySeverity::Error,
            message: format!("This is not valid JSON: {}.", syntax_message(&e)),
            pointer: String::new(),
            line,
            column,
        });
        return finish(problems, size);
    }
    match Parser::new(text).document() {
        Some(root) => {
            let mut checker = Checker {
                text,
                problems: &mut problems,
                line_starts: line_starts(text),
            };
            checker.policy(&root);
        }
        None => problems.push(PolicyProblem {
            severity: PolicySeverity::Error,
            message: "Gatehouse could not read this JSON document.".into(),
            pointer: String::new(),
            line: 1,
            column: 1,
        }),
    }
    finish(problems, size)
}

fn finish(problems: Vec<PolicyProblem>, size: PolicySize) -> PolicyValidation {
    PolicyValidation {
        valid: !problems.iter().any(|p| p.severity == PolicySeverity::Error),
        problems,
        size,
    }
}

/// serde_json's message without its own " at line L column C" suffix.
fn syntax_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// serde_json reports columns in bytes; editors count characters.
fn serde_position(text: &str, line: usize, byte_column: usize) -> (u32, u32) {
    let line = line.max(1);
    let start = line_starts(text)
        .get(line - 1)
        .copied()
        .unwrap_or(text.len());
    let mut end = (start + byte_column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let column = text[start..end].chars().count() + 1;
    (line as u32, column as u32)
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

// ---------------------------------------------------------------- span-keeping JSON parser

#[derive(Debug)]
struct Node {
    /// Byte offset where the value starts.
    start: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Null,
    Bool,
    Number,
    Str(String),
    Array(Vec<Node>),
    /// Members in document order, duplicates kept: (key, key offset, value).
    Object(Vec<(String, usize, Node)>),
}

impl Kind {
    fn type_name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::Str(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// A recursive-descent JSON parser that keeps offsets. Only run on text serde_json accepted.
struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            s: text.as_bytes(),
            text,
            pos: 0,
            depth: 0,
        }
    }

    fn document(mut self) -> Option<Node> {
        let v = self.value()?;
        self.ws();
        (self.pos == self.s.len()).then_some(v)
    }

    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.ws();
        let start = self.pos;
        self.depth += 1;
        if self.depth > 256 {
            return None;
        }
        let kind = match *self.s.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                self.ws();
                if self.s.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        let key_start = self.pos;
                        let key = self.string()?;
                        self.ws();
                        (self.s.get(self.pos) == Some(&b':')).then_some(())?;
                        self.pos += 1;
                        let v = self.value()?;
                        members.push((key, key_start, v));
                        self.ws();
                        match self.s.get(self.pos)? {
                            b',' => self.pos += 1,
                            b'}' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Kind::Object(members)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.s.get(self.pos)? {
                            b',' => self.pos += 1,
                            b']' => {
                                self.pos += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Kind::Array(items)
            }
            b'"' => Kind::Str(self.string()?),
            b't' => self.literal("true", Kind::Bool)?,
            b'f' => self.literal("false", Kind::Bool)?,
            b'n' => self.literal("null", Kind::Null)?,
            b'-' | b'0'..=b'9' => {
                while self.pos < self.s.len()
                    && matches!(
                        self.s[self.pos],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.pos += 1;
                }
                Kind::Number
            }
            _ => return None,
        };
        self.depth -= 1;
        Some(Node { start, kind })
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Option<Kind> {
        self.s[self.pos..]
            .starts_with(word.as_bytes())
            .then_some(())?;
        self.pos += word.len();
        Some(kind)
    }

    fn string(&mut self) -> Option<String> {
        (self.s.get(self.pos) == Some(&b'"')).then_some(())?;
        let start = self.pos;
        self.pos += 1;
        while *self.s.get(self.pos)? != b'"' {
            if self.s[self.pos] == b'\\' {
                self.pos += 1;
            }
            self.pos += 1;
        }
        self.pos += 1;
        // serde_json already accepted the document, so it decodes the escapes for us.
        serde_json::from_str(&self.text[start..self.pos]).ok()
    }
}

// ---------------------------------------------------------------- the IAM grammar

const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Principal",
    "NotPrincipal",
];

struct Checker<'a, 'p> {
    text: &'a str,
    problems: &'p mut Vec<PolicyProblem>,
    line_starts: Vec<usize>,
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl Checker<'_, '_> {
    fn at(&mut self, severity: PolicySeverity, offset: usize, pointer: &str, message: String) {
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let column = self.text[self.line_starts[line_index]..offset]
            .chars()
            .count()
            + 1;
        self.problems.push(PolicyProblem {
            severity,
            message,
            pointer: pointer.to_owned(),
            line: line_index as u32 + 1,
            column: column as u32,
        });
    }

    fn error(&mut self, node: &Node, pointer: &str, message: String) {
        self.at(PolicySeverity::Error, node.start, pointer, message);
    }

    /// Reports duplicate keys and returns the members by key (first occurrence).
    fn members<'n>(
        &mut self,
        members: &'n [(String, usize, Node)],
        pointer: &str,
    ) -> Vec<(&'n str, &'n Node)> {
        let mut seen: Vec<(&str, &Node)> = Vec::new();
        for (key, key_start, value) in members {
            if seen.iter().any(|(k, _)| k == key) {
                self.at(
                    PolicySeverity::Error,
                    *key_start,
                    &format!("{pointer}/{}", escape_pointer(key)),
                    format!("\"{key}\" appears twice here. Keep one of them."),
                );
            } else {
                seen.push((key, value));
            }
        }
        seen
    }

    fn policy(&mut self, root: &Node) {
        let Kind::Object(members) = &root.kind else {
            self.error(
                root,
                "",
                format!(
                    "A policy is a JSON object ({{ \"Version\": …, \"Statement\": … }}), not {}.",
                    root.kind.type_name()
                ),
            );
            return;
        };
        let members = self.members(members, "");
        for (key, value) in &members {
            let pointer = format!("/{}", escape_pointer(key));
            match *key {
                "Version" => match &value.kind {
                    Kind::Str(v) if v == "2012-10-17" || v == "2008-10-17" => {
                        if v == "2008-10-17" {
                            self.at(
                                PolicySeverity::Warning,
                                value.start,
                                &pointer,
                                "Version 2008-10-17 does not support policy variables such as \
                                 ${aws:username}. Use \"2012-10-17\" unless you need the old \
                                 language."
                                    .into(),
                            );
                        }
                    }
                    _ => self.error(
                        value,
                        &pointer,
                        "Version must be \"2012-10-17\" (or the older \"2008-10-17\"). It is the \
                         policy language version, not a date of your choosing."
                            .into(),
                    ),
                },
                "Id" => {
                    if !matches!(value.kind, Kind::Str(_)) {
                        self.error(value, &pointer, "Id must be a string.".into());
                    }
                }
                "Statement" => self.statements(value),
                other => self.error(
                    value,
                    &pointer,
                    format!(
                        "\"{other}\" is not a policy element. A policy has only Version, Id and \
                         Statement (element names are case-sensitive)."
                    ),
                ),
            }
        }
        if !members.iter().any(|(k, _)| *k == "Version") {
            self.at(
                PolicySeverity::Warning,
                root.start,
                "",
                "Add \"Version\": \"2012-10-17\". Without it IAM uses the 2008 language, where \
                 policy variables such as ${aws:username} do not work."
                    .into(),
            );
        }
        if !members.iter().any(|(k, _)| *k == "Statement") {
            self.error(
                root,
                "",
                "The policy has no \"Statement\". Add one statement object, or an array of them."
                    .into(),
            );
        }
    }

    fn statements(&mut self, value: &Node) {
        let mut sids: Vec<String> = Vec::new();
        match &value.kind {
            Kind::Object(_) => self.statement(value, "/Statement", &mut sids),
            Kind::Array(items) if items.is_empty() => self.error(
                value,
                "/Statement",
                "Statement is an empty array. Add at least one statement.".into(),
            ),
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.statement(item, &format!("/Statement/{i}"), &mut sids);
                }
            }
            other => self.error(
                value,
                "/Statement",
                format!(
                    "Statement must be a statement object or an array of them, not {}.",
                    other.type_name()
                ),
            ),
        }
    }

    fn statement(&mut self, node: &Node, pointer: &str, sids: &mut Vec<String>) {
        let Kind::Object(members) = &node.kind else {
            self.error(
                node,
                pointer,
                format!(
                    "Each statement must be an object with Effect, Action and Resource, not {}.",
                    node.kind.type_name()
                ),
            );
            return;
        };
        let members = self.members(members, pointer);
        let get = |k: &str| members.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        for (key, value) in &members {
            let p = format!("{pointer}/{}", escape_pointer(key));
            match *key {
                "Principal" | "NotPrincipal" => self.error(
                    value,
                    &p,
                    format!(
                        "{key} is not allowed in a permission set's inline policy: it is an \
                         identity-based policy and applies to whoever uses the role. Remove \
                         {key}."
                    ),
                ),
                k if STATEMENT_KEYS.contains(&k) => {}
                other => {
                    let hint = STATEMENT_KEYS
                        .iter()
                        .find(|s| s.eq_ignore_ascii_case(other))
                        .map(|s| {
                            format!(" Did you mean \"{s}\"? Element names are case-sensitive.")
                        })
                        .unwrap_or_default();
                    self.error(
                        value,
                        &p,
                        format!(
                            "\"{other}\" is not a statement element. A statement has Sid, Effect, \
                             Action or NotAction, Resource or NotResource, and Condition.{hint}"
                        ),
                    )
                }
            }
        }

        if let Some(sid) = get("Sid") {
            let p = format!("{pointer}/Sid");
            match &sid.kind {
                Kind::Str(s) if !s.chars().all(|c| c.is_ascii_alphanumeric()) => self.error(
                    sid,
                    &p,
                    "Sid may only contain letters A–Z, a–z and digits 0–9 (no spaces or \
                     punctuation)."
                        .into(),
                ),
                Kind::Str(s) if !s.is_empty() && sids.contains(s) => self.error(
                    sid,
                    &p,
                    format!("Another statement already has the Sid \"{s}\". Sids must be unique."),
                ),
                Kind::Str(s) => sids.push(s.clone()),
                _ => self.error(sid, &p, "Sid must be a string.".into()),
            }
        }

        match get("Effect") {
            None => self.error(
                node,
                pointer,
                "This statement has no Effect. Add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"."
                    .into(),
            ),
            Some(e) => match &e.kind {
                Kind::Str(s) if s == "Allow" || s == "Deny" => {}
                _ => self.error(
                    e,
                    &format!("{pointer}/Effect"),
                    "Effect must be exactly \"Allow\" or \"Deny\" (case-sensitive).".into(),
                ),
            },
        }

        self.exactly_one(node, pointer, &get, "Action", "NotAction", |s| {
            if s == "*" {
                return None;
            }
            let ok = s.split_once(':').is_some_and(|(svc, action)| {
                !svc.is_empty()
                    && svc.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !action.is_empty()
                    && action
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
            });
            (!ok).then(|| {
                format!(
                    "\"{s}\" is not an action. Write service:Action, e.g. \"s3:GetObject\" or \
                     \"ec2:Describe*\", or \"*\"."
                )
            })
        });
        self.exactly_one(node, pointer, &get, "Resource", "NotResource", |s| {
            if s == "*" || (s.starts_with("arn:") && s.matches(':').count() >= 5) {
                None
            } else {
                Some(format!(
                    "\"{s}\" is not a resource. Write \"*\" or an ARN \
                     (arn:partition:service:region:account:resource, e.g. \
                     \"arn:aws:s3:::my-bucket/*\")."
                ))
            }
        });

        if let Some(c) = get("Condition") {
            self.condition(c, &format!("{pointer}/Condition"));
        }
    }

    /// Exactly one of `a` / `b`, each a string or a non-empty array of strings.
    fn exactly_one<'n>(
        &mut self,
        node: &Node,
        pointer: &str,
        get: &dyn Fn(&str) -> Option<&'n Node>,
        a: &str,
        b: &str,
        check: impl Fn(&str) -> Option<String>,
    ) {
        match (get(a), get(b)) {
            (None, None) => self.error(
                node,
                pointer,
                format!("This statement has neither {a} nor {b}. Add {a} (or {b})."),
            ),
            (Some(_), Some(v)) => self.error(
                v,
                &format!("{pointer}/{b}"),
                format!("A statement has either {a} or {b}, not both. Remove one."),
            ),
            (Some(v), None) => self.string_or_list(v, &format!("{pointer}/{a}"), a, &check),
            (None, Some(v)) => self.string_or_list(v, &format!("{pointer}/{b}"), b, &check),
        }
    }

    fn string_or_list(
        &mut self,
        v: &Node,
        pointer: &str,
        what: &str,
        check: &dyn Fn(&str) -> Option<String>,
    ) {
        match &v.kind {
            Kind::Str(s) => {
                if let Some(m) = check(s) {
                    self.error(v, pointer, m);
                }
            }
            Kind::Array(items) if items.is_empty() => self.error(
                v,
                pointer,
                format!("{what} is an empty array. List at least one value."),
            ),
            Kind::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{pointer}/{i}");
                    match &item.kind {
                        Kind::Str(s) => {
                            if let Some(m) = check(s) {
                                self.error(item, &p, m);
                            }
                        }
                        other => self.error(
                            item,
                            &p,
                            format!(
                                "Each {what} entry must be a string, not {}.",
                                other.type_name()
                            ),
                        ),
                    }
                }
            }
            other => self.error(
                v,
                pointer,
                format!(
                    "{what} must be a string or an array of strings, not {}.",
                    other.type_name()
                ),
            ),
        }
    }

    fn condition(&mut self, c: &Node, pointer: &str) {
        let Kind::Object(operators) = &c.kind else {
            self.error(
                c,
                pointer,
                "Condition must be an object: { \"StringEquals\": { \"aws:RequestedRegion\": \
                 \"eu-west-1\" } }."
                    .into(),
            );
            return;
        };
        for (op, value) in self.members(operators, pointer) {
            let p = format!("{pointer}/{}", escape_pointer(op));
            let Kind::Object(keys) = &value.kind else {
                self.error(
                    value,
                    &p,
                    format!(
                        "The condition operator {op} must map condition keys to values, e.g. \
                         {{ \"aws:PrincipalTag/team\": \"data\" }}."
                    ),
                );
                continue;
            };
            if keys.is_empty() {
                self.error(
                    value,
                    &p,
                    format!("The condition operator {op} has no condition key."),
                );
            }
            for (key, v) in self.members(keys, &p) {
                let kp = format!("{p}/{}", escape_pointer(key));
                let scalar = |n: &Node| matches!(n.kind, Kind::Str(_) | Kind::Number | Kind::Bool);
                let ok = match &v.kind {
                    Kind::Array(items) => !items.is_empty() && items.iter().all(scalar),
                    _ => scalar(v),
                };
                if !ok {
                    self.error(
                        v,
                        &kp,
                        format!(
                            "The value of condition key {key} must be a string, number, boolean or \
                             a non-empty array of them."
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadBuckets",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:List*"],
      "Resource": "arn:aws:s3:::reports/*",
      "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}}
    },
    {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "*"}
  ]
}"#;

    fn only_error(text: &str) -> PolicyProblem {
        let v = validate(text);
        let errors: Vec<_> = v.errors().cloned().collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(!v.valid);
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn permission_policy_accepts_a_good_policy() {
        let v = validate(GOOD);
        assert!(v.valid, "{:#?}", v.problems);
        assert!(v.problems.is_empty(), "{:#?}", v.problems);
        // A single statement object is fine too.
        let v = validate(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        );
        assert!(v.valid, "{:#?}", v.problems);
    }

    #[test]
    fn permission_policy_syntax_error_has_line_and_column() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}";
        let p = only_error(text);
        assert!(
            p.message.starts_with("This is not valid JSON"),
            "{}",
            p.message
        );
        assert_eq!(p.line, 4);
        assert_eq!(p.pointer, "");
        // Columns count characters, not bytes.
        let p = only_error("{\"Sid\": \"é\" x}");
        assert_eq!((p.line, p.column), (1, 13), "{p:?}");
        let p = only_error("not json");
        assert_eq!(p.line, 1);
    }

    #[test]
    fn permission_policy_grammar_errors_point_at_the_value() {
        let cases: &[(&str, &str, &str, (u32, u32))] = &[
            // text, expected pointer, message fragment, (line, column)
            (
                "[1]",
                "",
                "is a JSON object",
                (1, 1),
            ),
            (
                r#"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
                "/Version",
                "Version must be",
                (1, 12),
            ),
            (
                r#"{"Version":"2012-10-17"}"#,
                "",
                "no \"Statement\"",
                (1, 1),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":"x"}"#,
                "/Statement",
                "statement object or an array",
                (1, 37),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[]}"#,
                "/Statement",
                "empty array",
                (1, 37),
            ),
            (
                "{\"Version\":\"2012-10-17\",\"Statement\":[\n {\"Effect\":\"Permit\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
                "/Statement/0/Effect",
                "\"Allow\" or \"Deny\"",
                (2, 12),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Action":"*","Resource":"*"}]}"#,
                "/Statement/0",
                "no Effect",
                (1, 38),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
                "/Statement/0",
                "neither Action nor NotAction",
                (1, 38),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}"#,
                "/Statement/0/NotAction",
                "not both",
                (1, 81),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}"#,
                "/Statement/0",
                "neither Resource nor NotResource",
                (1, 38),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}]}"#,
                "/Statement/0/NotResource",
                "not both",
                (1, 98),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}"#,
                "/Statement/0/Principal",
                "not allowed",
                (1, 96),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3 get"],"Resource":"*"}]}"#,
                "/Statement/0/Action/0",
                "not an action",
                (1, 66),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket"}]}"#,
                "/Statement/0/Resource",
                "not a resource",
                (1, 80),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}]}"#,
                "/Statement/0/Condition",
                "Condition must be an object",
                (1, 96),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"a b","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "/Statement/0/Sid",
                "Sid may only contain",
                (1, 45),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","action":"*","Action":"*","Resource":"*"}]}"#,
                "/Statement/0/action",
                "Did you mean \"Action\"",
                (1, 65),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}]}"#,
                "/Statement/0/Effect",
                "appears twice",
                (1, 56),
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}"#,
                "/Statement/1/Sid",
                "unique",
                (1, 102),
            ),
            (
                r#"{"Version":"2012-10-17","Extra":1,"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "/Extra",
                "not a policy element",
                (1, 33),
            ),
        ];
        for (text, pointer, fragment, (line, column)) in cases {
            let p = only_error(text);
            assert_eq!(&p.pointer, pointer, "{text}: {p:?}");
            assert!(p.message.contains(fragment), "{text}: {}", p.message);
            assert_eq!((p.line, p.column), (*line, *column), "{text}: {p:?}");
        }
    }

    #[test]
    fn permission_policy_missing_version_is_a_warning() {
        let v = validate(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        assert!(v.valid);
        assert_eq!(v.problems.len(), 1);
        assert_eq!(v.problems[0].severity, PolicySeverity::Warning);
    }

    #[test]
    fn permission_policy_size_limits_at_the_boundary() {
        // A policy whose non-whitespace count is exactly at the limit passes; one more fails.
        let frame = |n: usize| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Sid":"{}","Effect":"Allow","Action":"*","Resource":"*"}}}}"#,
                "A".repeat(n)
            )
        };
        let base = frame(0).len();
        let at = frame(MAX_POLICY_NON_WHITESPACE_CHARS as usize - base);
        assert_eq!(
            measure(&at).non_whitespace_chars,
            MAX_POLICY_NON_WHITESPACE_CHARS
        );
        assert!(validate(&at).valid, "{:?}", validate(&at).problems);
        let over = frame(MAX_POLICY_NON_WHITESPACE_CHARS as usize - base + 1);
        let p = only_error(&over);
        assert!(p.message.contains("not whitespace"), "{}", p.message);

        // Whitespace counts toward bytes only: exactly 32,768 bytes passes, 32,769 fails.
        let small = frame(10);
        let pad = |n: usize| format!("{small}{}", " ".repeat(n));
        let at = pad(MAX_POLICY_BYTES as usize - small.len());
        assert_eq!(measure(&at).bytes, MAX_POLICY_BYTES);
        assert!(validate(&at).valid);
        let over = pad(MAX_POLICY_BYTES as usize - small.len() + 1);
        let p = only_error(&over);
        assert!(p.message.contains("bytes"), "{}", p.message);
        assert_eq!(validate(&over).size.bytes, MAX_POLICY_BYTES + 1);

        // Multi-byte characters: bytes and characters differ.
        let s = measure("é é");
        assert_eq!((s.bytes, s.non_whitespace_chars), (5, 2));
    }

    #[test]
    fn permission_policy_empty_is_an_error() {
        assert!(only_error("  \n").message.contains("empty"));
    }
}
