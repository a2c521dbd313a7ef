//! "Test connection" exactly as Entra does it, with a verdict an admin can act on.
//!
//! Entra's own Test connection sends `GET {endpoint}/Users?filter=userName eq "<random>"`
//! with the bearer token, and so do we: an authenticated request (some servers answer
//! /ServiceProviderConfig without checking the token) that changes nothing. The answer is
//! turned into one [`ScimVerdict`] — token rejected, wrong path, unreachable (DNS, refused,
//! TLS), timeout, not a SCIM server, server error — with a message that says what to do.
//!
//! The token goes only into the `Authorization` header (marked sensitive). Every message and
//! detail passes through [`redact`], so a server that echoes the token (an HTML error page,
//! a proxy) cannot put it in front of the admin, into SQLite or into a log.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::secret::Secret;

/// The `schemas` value of a SCIM list response (RFC 7644 §3.4.2).
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// At most this much of an answer is read: a SCIM list filtered to one user is tiny.
const MAX_BODY_BYTES: usize = 256 * 1024;
/// How much of a non-SCIM answer is quoted in the detail.
const SNIPPET_CHARS: usize = 200;
/// Tokens shorter than this are refused (and could not be redacted without mangling text).
pub const MIN_TOKEN_CHARS: usize = 8;

/// What the connection test concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ScimVerdict {
    /// The endpoint accepted the token and answered with a SCIM list.
    Ok,
    /// HTTP 401/403: the token is wrong, deleted, expired or another instance's.
    TokenRejected,
    /// HTTP 404: the path or tenant id in the endpoint is wrong.
    NotFound,
    /// No connection: DNS, refused, TLS (see `network_failure`).
    Unreachable,
    /// No answer in time.
    Timeout,
    /// An answer that is not SCIM (HTML, other JSON, a redirect).
    NotScim,
    /// HTTP 5xx.
    ServerError,
    /// Another HTTP status (400, 405, 429, …) that a working endpoint does not send here.
    UnexpectedStatus,
}

/// Why a connection could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NetworkFailure {
    /// The host name could not be resolved.
    Dns,
    /// Nothing listens on that address and port.
    Refused,
    /// The TLS (https) handshake failed: certificate, protocol, an inspecting proxy.
    Tls,
    /// The connection broke (reset, closed) before an answer.
    Other,
}

/// One connection test, as shown in Setup step 3 and printed by `gatehouse scim test`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ScimTestResult {
    pub verdict: ScimVerdict,
    /// `verdict == ok`.
    pub ok: bool,
    /// What happened and what to do, for the admin.
    pub message: String,
    /// The raw cause (status, content type, the start of the answer, the network error).
    /// Never contains the token.
    pub detail: Option<String>,
    pub http_status: Option<u16>,
    pub content_type: Option<String>,
    /// Set when `verdict` is `unreachable` (and for a connect timeout).
    pub network_failure: Option<NetworkFailure>,
    /// The endpoint tested (normalised).
    pub endpoint: String,
    /// RFC 3339.
    pub tested_at: String,
    pub elapsed_ms: u32,
}

/// Timeouts of the test (10 s each by default; tests use about 1 s).
#[derive(Debug, Clone, Copy)]
pub struct ProbeOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(10),
        }
    }
}

impl ProbeOptions {
    /// The same timeout for connecting and for the whole request.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            connect_timeout: timeout,
            timeout,
        }
    }
}

/// Checks a token before it is stored or sent: one line of visible characters.
pub fn validate_token(token: &Secret) -> Result<()> {
    let t = token.expose().trim();
    if t.is_empty() {
        return Err(Error::validation(
            "The access token is empty. Paste the token IAM Identity Center showed when you \
             generated it.",
        ));
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::validation(
            "The access token contains spaces or line breaks. Copy it again in one piece from \
             IAM Identity Center (it is shown only once, when generated; generate a new one if \
             you no longer have it).",
        ));
    }
    if !t.is_ascii() {
        return Err(Error::validation(
            "The access token contains characters a SCIM token never has (it is plain ASCII). \
             Copy it again from IAM Identity Center.",
        ));
    }
    if t.chars().count() < MIN_TOKEN_CHARS {
        return Err(Error::validation(
            "That is too short to be a SCIM access token. Copy the whole token from IAM Identity \
             Center.",
        ));
    }
    Ok(())
}

/// Replaces every occurrence of the token (also percent- or JSON-escaped) with `<redacted>`.
pub fn redact(text: &str, token: &Secret) -> String {
    let t = token.expose().trim();
    if t.is_empty() {
        return text.to_owned();
    }
    let mut out = text.replace(t, "<redacted>");
    for variant in [percent_encode(t), t.replace('/', "\\/")] {
        if variant != t {
            out = out.replace(&variant, "<redacted>");
        }
    }
    out
}

/// RFC 3986 percent-encoding of everything but the unreserved characters (so a space is
/// `%20`, never `+`, which some servers would keep as a plus sign).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A user name no directory has: `gatehouse-connection-test-<16 hex digits>`.
pub fn random_user_name() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.write_u32(std::process::id());
    format!("gatehouse-connection-test-{:016x}", h.finish())
}

/// The URL of the test request for `endpoint` (normalised, without trailing slash).
pub fn test_url(endpoint: &str, user_name: &str) -> String {
    format!(
        "{endpoint}/Users?filter={}",
        percent_encode(&format!("userName eq \"{user_name}\""))
    )
}

/// Sends the test request and judges the answer. Never fails: every outcome is a verdict.
pub async fn test_connection(
    endpoint: &str,
    token: &Secret,
    options: ProbeOptions,
) -> ScimTestResult {
    let started = Instant::now();
    let url = test_url(endpoint, &random_user_name());
    let host = host_of(endpoint);
    let (verdict, message, detail, status, content_type, failure) =
        match send(&url, token, options).await {
            Ok(answer) => judge_answer(endpoint, &answer),
            Err(SendError::Client(e)) => (
                ScimVerdict::Unreachable,
                "Gatehouse could not set up an https client (the system's certificate store may \
                 be unreadable)."
                    .to_owned(),
                Some(e),
                None,
                None,
                Some(NetworkFailure::Other),
            ),
            Err(SendError::Request(e)) => judge_error(&host, &e, options),
            Err(SendError::Deadline) => timeout_verdict(&host, options, None, false),
        };
    let elapsed_ms = started.elapsed().as_millis().min(u32::MAX as u128) as u32;
    tracing::info!(endpoint, verdict = ?verdict, status, elapsed_ms, "SCIM connection test");
    ScimTestResult {
        ok: verdict == ScimVerdict::Ok,
        verdict,
        message: redact(&message, token),
        detail: detail.map(|d| redact(&d, token)),
        http_status: status,
        content_type: content_type.map(|c| redact(&c, token)),
        network_failure: failure,
        endpoint: endpoint.to_owned(),
        tested_at: crate::time_fmt::now_rfc3339(),
        elapsed_ms,
    }
}

/// What came back, read up to [`MAX_BODY_BYTES`].
struct Answer {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
}

enum SendError {
    Client(String),
    Request(reqwest::Error),
    Deadline,
}

async fn send(url: &str, token: &Secret, options: ProbeOptions) -> Result<Answer, SendError> {
    let client = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        // A redirect is an answer to report, not to follow with the token.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(format!("Gatehouse/{}", crate::VERSION))
        .build()
        .map_err(|e| SendError::Client(error_chain(&e)))?;
    let work = async {
        let mut resp = client
            .get(url)
            .bearer_auth(token.expose().trim())
            .header(
                reqwest::header::ACCEPT,
                "application/scim+json, application/json",
            )
            .send()
            .await
            .map_err(SendError::Request)?;
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let location = header(reqwest::header::LOCATION);
        let status = resp.status().as_u16();
        let mut body = Vec::new();
        while body.len() < MAX_BODY_BYTES {
            match resp.chunk().await.map_err(SendError::Request)? {
                Some(chunk) => body.extend_from_slice(&chunk),
                None => break,
            }
        }
        Ok(Answer {
            status,
            content_type,
            location,
            body,
        })
    };
    // reqwest's own timeout covers the request; this also bounds a body that trickles.
    tokio::time::timeout(options.timeout + Duration::from_millis(500), work)
        .await
        .unwrap_or(Err(SendError::Deadline))
}

type Judgement = (
    ScimVerdict,
    String,
    Option<String>,
    Option<u16>,
    Option<String>,
    Option<NetworkFailure>,
);

fn judge_answer(endpoint: &str, a: &Answer) -> Judgement {
    let ct = a.content_type.clone();
    let ct_text = ct.as_deref().unwrap_or("no content type");
    let status = a.status;
    let head = format!("HTTP {status}, {ct_text}");
    let verdict_with = |v: ScimVerdict, message: String, detail: String| {
        (v, message, Some(detail), Some(status), ct.clone(), None)
    };
    match status {
        200..=299 => {
            let json: Option<serde_json::Value> = serde_json::from_slice(&a.body).ok();
            let is_list = json
                .as_ref()
                .and_then(|v| v.get("schemas"))
                .and_then(|s| s.as_array())
                .is_some_and(|s| s.iter().any(|x| x.as_str() == Some(LIST_RESPONSE_SCHEMA)));
            if is_list {
                return verdict_with(
                    ScimVerdict::Ok,
                    "The SCIM endpoint accepted the access token and answered with a SCIM list \
                     of users, as IAM Identity Center does. Entra's Test connection will pass \
                     with the same endpoint and token."
                        .to_owned(),
                    head,
                );
            }
            let what = match &json {
                Some(_) => "JSON, but not a SCIM list response",
                None if looks_like_html(ct.as_deref(), &a.body) => "an HTML page",
                None if a.body.is_empty() => "an empty answer",
                None => "content that is not SCIM",
            };
            verdict_with(
                ScimVerdict::NotScim,
                format!(
                    "Something answered at this address ({head}), but with {what} instead of \
                     SCIM. It is not IAM Identity Center's SCIM endpoint: often a proxy or \
                     sign-in page, or a console link pasted instead of the endpoint. Copy the \
                     SCIM endpoint from {}.",
                    super::endpoint::WHERE_TO_COPY_IT
                ),
                format!("{head}; the answer starts: {}", snippet(&a.body)),
            )
        }
        300..=399 => verdict_with(
            ScimVerdict::NotScim,
            format!(
                "The address redirects (HTTP {status}){} instead of answering SCIM, so it is not \
                 the SCIM endpoint itself (Gatehouse does not send the token on to another \
                 address). Use the SCIM endpoint exactly as {} shows it.",
                a.location
                    .as_deref()
                    .map(|l| format!(" to {l}"))
                    .unwrap_or_default(),
                super::endpoint::WHERE_TO_COPY_IT
            ),
            head,
        ),
        401 | 403 => verdict_with(
            ScimVerdict::TokenRejected,
            format!(
                "The SCIM endpoint refused the access token (HTTP {status}). The token is \
                 incomplete, was deleted in IAM Identity Center, has expired, or belongs to \
                 another instance. Generate a new token in {} and save it here (Replace token) \
                 and in Entra (Provisioning → Admin credentials → Secret Token).",
                super::endpoint::WHERE_TO_COPY_IT
            ),
            format!("{head}; the answer starts: {}", snippet(&a.body)),
        ),
        404 => verdict_with(
            ScimVerdict::NotFound,
            format!(
                "Nothing answers at {endpoint}/Users (HTTP 404): the tenant id or the path in \
                 the endpoint is wrong. Copy the SCIM endpoint again from {}; it looks like {}.",
                super::endpoint::WHERE_TO_COPY_IT,
                super::endpoint::EXPECTED_SHAPE
            ),
            format!("{head}; the answer starts: {}", snippet(&a.body)),
        ),
        500..=599 => verdict_with(
            ScimVerdict::ServerError,
            format!(
                "The SCIM endpoint had a server error (HTTP {status}). This is on the server's \
                 side (AWS, or a proxy in between), not in your settings. Wait a few minutes and \
                 test again; if it persists, check the AWS Health Dashboard."
            ),
            format!("{head}; the answer starts: {}", snippet(&a.body)),
        ),
        429 => verdict_with(
            ScimVerdict::UnexpectedStatus,
            "The SCIM endpoint is throttling requests (HTTP 429), for example while Entra is \
             provisioning. The endpoint and token may well be right: test again in a minute."
                .to_owned(),
            head,
        ),
        _ => verdict_with(
            ScimVerdict::UnexpectedStatus,
            format!(
                "The SCIM endpoint answered HTTP {status}, which IAM Identity Center does not \
                 send for this request. Check that the URL is the SCIM endpoint from {} and not \
                 another service.",
                super::endpoint::WHERE_TO_COPY_IT
            ),
            format!("{head}; the answer starts: {}", snippet(&a.body)),
        ),
    }
}

fn judge_error(host: &str, e: &reqwest::Error, options: ProbeOptions) -> Judgement {
    let chain = error_chain(e);
    if e.is_timeout() {
        return timeout_verdict(host, options, Some(chain), e.is_connect());
    }
    let failure = classify_failure(
        &chain,
        has_io_kind(e, std::io::ErrorKind::ConnectionRefused),
    );
    let message = match failure {
        NetworkFailure::Dns => format!(
            "Could not find {host}: the name does not resolve (DNS). Check the endpoint's \
             spelling and region, and your network, VPN or DNS settings."
        ),
        NetworkFailure::Refused => format!(
            "{host} refused the connection: nothing listens at that address and port. Check the \
             endpoint URL (and the port, if it names one)."
        ),
        NetworkFailure::Tls => format!(
            "The secure (TLS) connection to {host} failed. A proxy or firewall that inspects \
             https traffic may be in the way (its certificate must be trusted by this computer), \
             or the address is not an https SCIM server. See the details for the exact cause."
        ),
        NetworkFailure::Other => format!(
            "The connection to {host} broke before an answer arrived. Check your network, VPN \
             or proxy, then test again."
        ),
    };
    (
        ScimVerdict::Unreachable,
        message,
        Some(chain),
        None,
        None,
        Some(failure),
    )
}

/// Which kind of network failure an error chain describes (hyper/reqwest/rustls wording).
fn classify_failure(chain: &str, refused: bool) -> NetworkFailure {
    let lower = chain.to_ascii_lowercase();
    if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no such host")
    {
        NetworkFailure::Dns
    } else if refused || lower.contains("connection refused") {
        NetworkFailure::Refused
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("corrupt message")
        || lower.contains("peer is incompatible")
        || lower.contains("alert")
    {
        NetworkFailure::Tls
    } else {
        NetworkFailure::Other
    }
}

fn timeout_verdict(
    host: &str,
    options: ProbeOptions,
    detail: Option<String>,
    connecting: bool,
) -> Judgement {
    let message = if connecting {
        format!(
            "Connecting to {host} timed out after {} s: a firewall, VPN or proxy may be dropping \
             the connection. Check your network, then test again.",
            secs(options.connect_timeout)
        )
    } else {
        format!(
            "{host} accepted the connection but did not answer within {} s. A proxy or firewall \
             may be holding the request, or the server is overloaded. Test again; if it \
             persists, check your network path to AWS.",
            secs(options.timeout)
        )
    };
    (
        ScimVerdict::Timeout,
        message,
        detail,
        None,
        None,
        connecting.then_some(NetworkFailure::Other),
    )
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

fn host_of(endpoint: &str) -> String {
    url::Url::parse(endpoint)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_owned(),
            })
        })
        .unwrap_or_else(|| endpoint.to_owned())
}

fn has_io_kind(e: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == kind {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// The error and its causes, one after another.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    if content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html")) {
        return true;
    }
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    let start = start.trim_start();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// The start of an answer, on one line.
fn snippet(body: &[u8]) -> String {
    if body.is_empty() {
        return "(nothing)".to_owned();
    }
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = one_line.chars().take(SNIPPET_CHARS).collect();
    if one_line.chars().count() > SNIPPET_CHARS {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, ct: Option<&str>, body: &str) -> Answer {
        Answer {
            status,
            content_type: ct.map(str::to_owned),
            location: None,
            body: body.as_bytes().to_vec(),
        }
    }

    const EP: &str = "https://scim.eu-west-1.amazonaws.com/t/scim/v2";

    #[test]
    fn the_request_is_entras_and_properly_encoded() {
        let name = random_user_name();
        assert!(name.starts_with("gatehouse-connection-test-"));
        assert_ne!(name, random_user_name());
        assert_eq!(
            test_url(EP, "a b"),
            format!("{EP}/Users?filter=userName%20eq%20%22a%20b%22")
        );
        assert_eq!(percent_encode("a+b/c=é"), "a%2Bb%2Fc%3D%C3%A9");
    }

    #[test]
    fn answers_become_verdicts() {
        let list = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}"#;
        let cases = [
            (
                answer(200, Some("application/scim+json"), list),
                ScimVerdict::Ok,
            ),
            (answer(200, None, list), ScimVerdict::Ok),
            (
                answer(200, Some("application/json"), r#"{"users":[]}"#),
                ScimVerdict::NotScim,
            ),
            (
                answer(200, Some("text/html"), "<html>Sign in</html>"),
                ScimVerdict::NotScim,
            ),
            (answer(204, None, ""), ScimVerdict::NotScim),
            (answer(302, None, ""), ScimVerdict::NotScim),
            (
                answer(401, Some("application/scim+json"), "{}"),
                ScimVerdict::TokenRejected,
            ),
            (answer(403, None, ""), ScimVerdict::TokenRejected),
            (answer(404, None, ""), ScimVerdict::NotFound),
            (answer(500, None, ""), ScimVerdict::ServerError),
            (answer(503, None, ""), ScimVerdict::ServerError),
            (answer(400, None, ""), ScimVerdict::UnexpectedStatus),
            (answer(429, None, ""), ScimVerdict::UnexpectedStatus),
        ];
        for (a, want) in cases {
            let (v, message, detail, status, _, failure) = judge_answer(EP, &a);
            assert_eq!(
                v,
                want,
                "HTTP {} {:?}",
                a.status,
                String::from_utf8_lossy(&a.body)
            );
            assert_eq!(status, Some(a.status));
            assert!(failure.is_none());
            assert!(!message.is_empty());
            assert!(detail.unwrap().contains(&format!("HTTP {}", a.status)));
        }
        let (_, m, ..) = judge_answer(EP, &answer(200, Some("text/html"), "<html/>"));
        assert!(m.contains("an HTML page"), "{m}");
        let (_, m, ..) = judge_answer(EP, &answer(404, None, ""));
        assert!(m.contains(&format!("{EP}/Users")), "{m}");
    }

    #[test]
    fn redaction_covers_echoes() {
        let token = Secret::new("abc/DEF+123=xyz");
        let echoed = "Bearer abc/DEF+123=xyz | abc%2FDEF%2B123%3Dxyz | \"abc\\/DEF+123=xyz\"";
        let r = redact(echoed, &token);
        assert!(!r.contains("DEF"), "{r}");
        assert_eq!(r.matches("<redacted>").count(), 3, "{r}");
        assert_eq!(redact("nothing here", &token), "nothing here");

        // The quoted start of an answer goes through redaction too.
        let a = answer(
            200,
            Some("text/html"),
            "<html>Your header: Bearer abc/DEF+123=xyz</html>",
        );
        let (_, _, detail, ..) = judge_answer(EP, &a);
        let detail = redact(&detail.unwrap(), &token);
        assert!(detail.contains("Bearer <redacted>"), "{detail}");
    }

    #[test]
    fn tokens_are_checked_before_use() {
        validate_token(&Secret::new("  AbCdEfGh12345678  ")).unwrap();
        for bad in [
            "",
            "   ",
            "abc",
            "abc def ghi jkl",
            "abc\ndefghijkl",
            "tökenvalue123",
        ] {
            let err = validate_token(&Secret::new(bad)).unwrap_err();
            assert_eq!(err.kind, crate::ErrorKind::Validation, "{bad:?}");
            assert!(
                !err.message.contains(bad.trim()) || bad.trim().is_empty(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn network_failures_are_told_apart() {
        for (chain, refused, want) in [
            (
                "error sending request for url (https://scim.eu-west-9.amazonaws.com/t/scim/v2/Users?filter=x): client error (Connect): dns error: failed to lookup address information: Name or service not known",
                false,
                NetworkFailure::Dns,
            ),
            (
                "error sending request for url (http://127.0.0.1:1/t/v2/Users?filter=x): client error (Connect): tcp connect error: Connection refused (os error 111)",
                true,
                NetworkFailure::Refused,
            ),
            (
                "error sending request for url (https://proxy.corp/t/scim/v2/Users?filter=x): client error (Connect): invalid peer certificate: UnknownIssuer",
                false,
                NetworkFailure::Tls,
            ),
            (
                "error sending request for url (http://127.0.0.1:5/x): connection closed before message completed",
                false,
                NetworkFailure::Other,
            ),
        ] {
            assert_eq!(classify_failure(chain, refused), want, "{chain}");
        }
    }

    #[test]
    fn snippets_are_short_and_on_one_line() {
        let long = format!("<html>\n{}\n</html>", "x".repeat(1000));
        let s = snippet(long.as_bytes());
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
        assert!(!s.contains('\n'));
        assert_eq!(secs(Duration::from_millis(1500)), "1.5");
        assert_eq!(secs(Duration::from_secs(10)), "10");
    }
}
