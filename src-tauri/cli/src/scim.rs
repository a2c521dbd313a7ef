//! `gatehouse scim test --endpoint URL [--token-stdin] [--json] [--timeout SECONDS]`: the
//! Setup wizard's connection test, headless — for a scheduled check that the token still
//! works, or to test a new token before pasting it into Entra.
//!
//! The token comes from standard input, or else from the OS keychain entry the app saved for
//! that endpoint. It is never printed: the verdict's message and detail are redacted in the
//! core. Exit 0 when the connection works, 1 when it does not (or no token is stored), 2 for
//! an invalid endpoint or token.

use std::io::{Read, Write};
use std::time::Duration;

use gatehouse_core::keychain::Keychain;
use gatehouse_core::scim::{endpoint, probe, ProbeOptions};
use gatehouse_core::{Error, ErrorKind, Secret};

use crate::report;

pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| "expected a number of seconds".to_owned())?;
    if !(0.1..=300.0).contains(&secs) {
        return Err("use between 0.1 and 300 seconds".into());
    }
    Ok(Duration::from_secs_f64(secs))
}

pub async fn test(raw_endpoint: &str, token_stdin: bool, json: bool, timeout: Duration) -> i32 {
    let info = match endpoint::check(raw_endpoint) {
        Ok(i) => i,
        Err(e) => return report(&e, json),
    };
    if !info.standard {
        let _ = writeln!(
            std::io::stderr(),
            "warning: {} is not an IAM Identity Center SCIM endpoint ({}); testing it anyway. {}",
            info.url,
            endpoint::EXPECTED_SHAPE,
            info.warnings.join(" ")
        );
    }
    let token = if token_stdin {
        let mut buf = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut buf) {
            return report(
                &Error::validation("Could not read the access token from standard input.")
                    .with_detail(e.to_string()),
                json,
            );
        }
        let token = Secret::new(buf);
        if let Err(e) = probe::validate_token(&token) {
            return report(&e, json);
        }
        token
    } else {
        match gatehouse_core::scim::stored_token(&Keychain::os(), &info.url).await {
            Ok(Some(t)) => t,
            Ok(None) => {
                return report(
                    &Error::new(
                        ErrorKind::NotFound,
                        format!(
                            "No access token is stored in the OS keychain for {}. Save it in the \
                             Gatehouse app (Setup → Automatic provisioning), or pass it with \
                             --token-stdin.",
                            info.url
                        ),
                    ),
                    json,
                )
            }
            Err(e) => return report(&e, json),
        }
    };

    let result =
        probe::test_connection(&info.url, &token, ProbeOptions::with_timeout(timeout)).await;
    let mut out = std::io::stdout();
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&result).unwrap_or_default()
        );
    } else {
        let verdict = serde_json::to_value(result.verdict).unwrap_or_default();
        let _ = writeln!(out, "Verdict   {}", verdict.as_str().unwrap_or("?"));
        let _ = writeln!(out, "Endpoint  {}", result.endpoint);
        if let Some(status) = result.http_status {
            let _ = writeln!(
                out,
                "HTTP      {status}{}",
                result
                    .content_type
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(out, "Time      {} ms", result.elapsed_ms);
        let _ = writeln!(out, "\n{}", result.message);
        if let Some(d) = result.detail.as_ref().filter(|_| !result.ok) {
            let _ = writeln!(out, "\ndetail: {d}");
        }
    }
    if result.ok {
        0
    } else {
        1
    }
}
