//! `gatehouse metadata inspect FILE [--slot idp|sp] [--json]`: what a SAML metadata file
//! holds and what is wrong with it, exactly as the Setup wizard judges it.

use std::io::Write;
use std::path::Path;

use gatehouse_core::metadata::{self, MetadataError, Severity, Slot};
use time::OffsetDateTime;

pub fn inspect(file: &Path, slot: Option<Slot>, json: bool, now: Option<OffsetDateTime>) -> i32 {
    let now = now.unwrap_or_else(OffsetDateTime::now_utc);
    let result = read(file).and_then(|bytes| metadata::inspect(&bytes, slot, now));
    let mut out = std::io::stdout();
    match result {
        Err(e) => {
            if json {
                let v = serde_json::json!({ "error": { "code": e.code, "message": e.message } });
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                );
            } else {
                let _ = writeln!(std::io::stderr(), "error [{}]: {}", e.code, e.message);
            }
            1
        }
        Ok(facts) => {
            if json {
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&facts).unwrap_or_default()
                );
            } else {
                let kind = serde_json::to_value(facts.kind).unwrap_or_default();
                let _ = writeln!(out, "Kind            {}", kind.as_str().unwrap_or("?"));
                let _ = writeln!(out, "Entity ID       {}", facts.entity_id);
                let line = |label: &str, v: &Option<String>| {
                    if let Some(v) = v {
                        let _ = writeln!(std::io::stdout(), "{label:<16}{v}");
                    }
                };
                line("Tenant ID", &facts.tenant_id);
                line("Sign-in URL", &facts.sso_url);
                line("Region", &facts.region);
                line("Directory ID", &facts.directory_id);
                for (i, acs) in facts.acs_urls.iter().enumerate() {
                    let label = if i == 0 { "ACS URL(s)" } else { "" };
                    let _ = writeln!(out, "{label:<16}{acs}");
                }
                for c in &facts.certificates {
                    let _ = writeln!(
                        out,
                        "Certificate     {}{}\n                SHA-1 {}  valid {} .. {} ({} days left)",
                        c.subject,
                        if c.active { " (active)" } else { "" },
                        c.sha1,
                        c.not_before,
                        c.not_after,
                        c.days_left
                    );
                }
                for f in &facts.findings {
                    let sev = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    };
                    let _ = writeln!(out, "{sev} [{}]: {}", f.code, f.message);
                }
            }
            i32::from(facts.has_errors())
        }
    }
}

fn read(file: &Path) -> Result<Vec<u8>, MetadataError> {
    let too_big = |len: u64| MetadataError {
        code: metadata::codes::TOO_LARGE.into(),
        message: format!(
            "The file is {:.1} MB; SAML metadata is a few KB (the limit is 1 MB).",
            len as f64 / 1_048_576.0
        ),
    };
    let meta = std::fs::metadata(file).map_err(|e| MetadataError {
        code: "unreadable".into(),
        message: format!("Cannot open {}: {e}", file.display()),
    })?;
    if meta.len() > metadata::MAX_METADATA_BYTES as u64 {
        return Err(too_big(meta.len()));
    }
    std::fs::read(file).map_err(|e| MetadataError {
        code: "unreadable".into(),
        message: format!("Cannot read {}: {e}", file.display()),
    })
}
