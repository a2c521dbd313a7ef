//! Automatic provisioning (SCIM) from Entra ID to IAM Identity Center: Setup steps 3 and 4.
//!
//! Turning provisioning on and creating tokens is console-only in AWS, and Entra's side is
//! configured in Entra; what Gatehouse adds is what admins get wrong or forget: a checked
//! endpoint, the token kept in the OS keychain (and only there), a connection test that
//! behaves like Entra's, the token's yearly expiry with rotation steps, the attribute
//! mappings to set, and a look into the Identity Store to see what actually arrived.
//!
//! What is stored (SQLite, `setup.scim`) is never a secret: the endpoint, the token's last
//! four characters, when it was stored and the creation date the admin confirmed, their
//! confirmations and group list, and the last test and verification results (messages are
//! redacted before they are kept). Everything shown — expiry, warnings, step status — is
//! recomputed on read from that and a `today` parameter.
//!
//! Submodules: [`endpoint`] (URL shape), [`probe`] (the connection test), [`expiry`],
//! [`mapping`] (the checklist), [`verify`] (the Identity Store check).

pub mod endpoint;
pub mod expiry;
pub mod mapping;
pub mod probe;
pub mod verify;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::aws::AwsSession;
use crate::error::{Error, ErrorKind, Result};
use crate::federation::{ConnectedInstance, SetupStep, StepStatus};
use crate::gatehouse::blocking;
use crate::keychain::{Keychain, KeychainKey};
use crate::secret::Secret;
use crate::store::Store;

pub use endpoint::EndpointInfo;
pub use expiry::{ExpiryLevel, TokenExpiry};
pub use mapping::{MappingAction, MappingRow};
pub use probe::{NetworkFailure, ProbeOptions, ScimTestResult, ScimVerdict};
pub use verify::{VerificationReport, VerificationSummary};

/// The store key of the settings.
pub const KEY: &str = "setup.scim";

/// At most this many expected groups, each at most [`MAX_GROUP_NAME_CHARS`] long.
pub const MAX_EXPECTED_GROUPS: usize = 500;
pub const MAX_GROUP_NAME_CHARS: usize = 1024;

pub mod codes {
    //! `detail` codes of the errors the UI reacts to specifically.

    /// Saving an endpoint that does not look like IAM Identity Center's: show the message
    /// and offer to save again with `accept_nonstandard`.
    pub const NONSTANDARD_ENDPOINT: &str = "nonstandard-endpoint";
    /// No endpoint saved yet.
    pub const NO_ENDPOINT: &str = "no-scim-endpoint";
    /// No token saved yet.
    pub const NO_TOKEN: &str = "no-scim-token";
    /// The settings mention a token the keychain no longer has.
    pub const TOKEN_NOT_IN_KEYCHAIN: &str = "scim-token-not-in-keychain";
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredToken {
    last4: String,
    stored_at: String,
    /// YYYY-MM-DD, as confirmed by the admin.
    created_on: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ScimState {
    endpoint: Option<String>,
    token: Option<StoredToken>,
    mapping_confirmed_at: Option<String>,
    #[serde(default)]
    expected_groups: Vec<String>,
    last_test: Option<ScimTestResult>,
    last_verification: Option<VerificationSummary>,
}

/// The stored token as the UI shows it: never more than its last four characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TokenInfo {
    pub last4: String,
    /// When it was saved in Gatehouse (RFC 3339).
    pub stored_at: String,
    /// The creation date the admin confirmed (YYYY-MM-DD).
    pub created_on: String,
    /// One year after `created_on` (YYYY-MM-DD).
    pub expires_on: String,
    pub days_left: i32,
    pub level: ExpiryLevel,
    /// 90, 30 or 7 when `level` is `attention`.
    pub threshold_days: Option<u32>,
    pub message: String,
    pub rotation_steps: Vec<String>,
}

/// Everything Setup steps 3 (provisioning) and 4 (verify) show.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ProvisioningView {
    /// The saved endpoint with its warnings (shape, region of the connected instance).
    pub endpoint: Option<EndpointInfo>,
    pub token: Option<TokenInfo>,
    /// The last connection test of this endpoint and token (cleared when either changes).
    pub last_test: Option<ScimTestResult>,
    pub mapping: Vec<MappingRow>,
    /// RFC 3339, when the admin ticked the mapping checklist off.
    pub mapping_confirmed_at: Option<String>,
    /// "Confirmed by you on <date>." when ticked off.
    pub mapping_note: Option<String>,
    /// The Entra groups the admin assigned to the enterprise application.
    pub expected_groups: Vec<String>,
    pub last_verification: Option<VerificationSummary>,
    /// `provisioning` (step 3) and `verify` (step 4).
    pub steps: Vec<SetupStep>,
    /// IAM Identity Center → Settings in the instance's region (Automatic provisioning is
    /// turned on and tokens are created there).
    pub console_url: Option<String>,
}

pub(crate) fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// The creation date the admin confirmed. Tomorrow is allowed: the AWS console shows
/// local dates, Gatehouse counts in UTC.
pub fn parse_created_on(s: &str, today: Date) -> Result<Date> {
    let d = parse_date(s).ok_or_else(|| {
        Error::validation(format!(
            "\"{s}\" is not a date. Enter the token's creation date as YYYY-MM-DD, as IAM \
             Identity Center lists it under Automatic provisioning → Access tokens."
        ))
    })?;
    if today.next_day().is_some_and(|tomorrow| d > tomorrow) {
        return Err(Error::validation(format!(
            "The creation date {s} is in the future. Enter the date IAM Identity Center shows \
             for this token (today's date for a token you just generated)."
        )));
    }
    if d.year() < 2020 {
        return Err(Error::validation(format!(
            "The creation date {s} is before IAM Identity Center offered SCIM tokens. Enter the \
             date IAM Identity Center shows for this token."
        )));
    }
    Ok(d)
}

fn load(store: &Store) -> Result<ScimState> {
    Ok(store.get_json(KEY)?.unwrap_or_default())
}

fn token_key(endpoint: &str) -> KeychainKey {
    KeychainKey::ScimToken {
        endpoint: endpoint.to_owned(),
    }
}

/// What `save` received.
pub struct SaveSettings<'a> {
    pub endpoint: &'a str,
    /// A new token (empty = keep the stored one).
    pub token: Option<Secret>,
    /// YYYY-MM-DD; defaults to today for a new token, or corrects the stored token's date.
    pub token_created_on: Option<&'a str>,
    pub accept_nonstandard: bool,
}

/// Saves the endpoint and (optionally) a new token. The token goes to the keychain first;
/// if that fails nothing is changed. Changing the endpoint moves a stored token to the new
/// endpoint's keychain entry. Any change of endpoint or token clears the last test.
pub async fn save(
    store: &Store,
    keychain: &Keychain,
    input: SaveSettings<'_>,
    now: OffsetDateTime,
) -> Result<()> {
    let info = endpoint::check_for_saving(input.endpoint, input.accept_nonstandard)?;
    let today = now.date();
    let token = input
        .token
        .filter(|t| !t.is_empty())
        .map(|t| Secret::new(t.expose().trim()));
    if let Some(t) = &token {
        probe::validate_token(t)?;
    }
    let created_on = input
        .token_created_on
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_created_on(s, today))
        .transpose()?;

    let mut state = load(store)?;
    let old = state.endpoint.clone().filter(|e| *e != info.url);
    let new_key = token_key(&info.url);
    match token {
        Some(token) => {
            let last4 = token.last4();
            let kc = keychain.clone();
            blocking(move || {
                kc.store(&new_key, &token)?;
                if let Some(old) = old {
                    kc.delete(&token_key(&old))?;
                }
                Ok(())
            })
            .await?;
            state.token = Some(StoredToken {
                last4,
                stored_at: crate::time_fmt::rfc3339(now),
                created_on: format_date(created_on.unwrap_or(today)),
            });
            state.last_test = None;
        }
        None => {
            if let (Some(old), Some(_)) = (old.clone(), &state.token) {
                let kc = keychain.clone();
                let moved = blocking(move || {
                    let old_key = token_key(&old);
                    match kc.read(&old_key)? {
                        Some(t) => {
                            kc.store(&new_key, &t)?;
                            kc.delete(&old_key)?;
                            Ok(true)
                        }
                        None => Ok(false),
                    }
                })
                .await?;
                if !moved {
                    state.token = None;
                }
            }
            if let Some(d) = created_on {
                match &mut state.token {
                    Some(t) => t.created_on = format_date(d),
                    None => {
                        return Err(Error::validation(
                            "There is no stored token to date. Paste the access token together \
                             with its creation date.",
                        )
                        .with_detail(codes::NO_TOKEN))
                    }
                }
            }
            if old.is_some() {
                state.last_test = None;
            }
        }
    }
    state.endpoint = Some(info.url);
    store.put_json(KEY, &state)
}

/// Removes the token from the keychain and the settings (the endpoint stays). Returns
/// whether the keychain had it.
pub async fn forget_token(store: &Store, keychain: &Keychain) -> Result<bool> {
    let mut state = load(store)?;
    let existed = match state.endpoint.clone() {
        Some(endpoint) => {
            let kc = keychain.clone();
            blocking(move || kc.delete(&token_key(&endpoint))).await?
        }
        None => false,
    };
    state.token = None;
    state.last_test = None;
    store.put_json(KEY, &state)?;
    Ok(existed)
}

/// The token stored for `endpoint` (normalised as [`endpoint::check`] does), if any.
pub async fn stored_token(keychain: &Keychain, endpoint: &str) -> Result<Option<Secret>> {
    let kc = keychain.clone();
    let key = token_key(endpoint);
    blocking(move || kc.read(&key)).await
}

/// Tests the saved endpoint with the saved token and records the result.
pub async fn test_stored(
    store: &Store,
    keychain: &Keychain,
    options: ProbeOptions,
) -> Result<ScimTestResult> {
    let state = load(store)?;
    let endpoint = state.endpoint.ok_or_else(|| {
        Error::validation("Save the SCIM endpoint first, then test the connection.")
            .with_detail(codes::NO_ENDPOINT)
    })?;
    if state.token.is_none() {
        return Err(Error::validation(
            "Save the SCIM access token first, then test the connection.",
        )
        .with_detail(codes::NO_TOKEN));
    }
    let token = stored_token(keychain, &endpoint).await?.ok_or_else(|| {
        Error::new(
            ErrorKind::Keychain,
            "The access token for this endpoint is no longer in the OS keychain (it was removed \
             outside Gatehouse). Save it again with Replace token.",
        )
        .with_detail(codes::TOKEN_NOT_IN_KEYCHAIN)
    })?;
    let result = probe::test_connection(&endpoint, &token, options).await;
    // The settings may have changed while the request ran: record only if still current.
    let mut state = load(store)?;
    if state.endpoint.as_deref() == Some(endpoint.as_str()) && state.token.is_some() {
        state.last_test = Some(result.clone());
        store.put_json(KEY, &state)?;
    }
    Ok(result)
}

/// Records (or withdraws) the admin's word that the Entra mappings match the checklist.
pub fn confirm_mapping(store: &Store, confirmed: bool, now: OffsetDateTime) -> Result<()> {
    let mut state = load(store)?;
    state.mapping_confirmed_at = confirmed.then(|| crate::time_fmt::rfc3339(now));
    store.put_json(KEY, &state)
}

/// Trims, drops empty entries and case-insensitive duplicates (keeping the first spelling).
pub fn normalise_groups(groups: &[String]) -> Result<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for g in groups {
        let g = g.trim();
        if g.is_empty() || !seen.insert(g.to_lowercase()) {
            continue;
        }
        if g.chars().count() > MAX_GROUP_NAME_CHARS {
            return Err(Error::validation(format!(
                "A group name is longer than {MAX_GROUP_NAME_CHARS} characters; enter the \
                 group's display name as Entra shows it."
            )));
        }
        out.push(g.to_owned());
    }
    if out.len() > MAX_EXPECTED_GROUPS {
        return Err(Error::validation(format!(
            "{} groups is more than Gatehouse checks ({MAX_EXPECTED_GROUPS}). List the groups \
             assigned to the enterprise application, not every group in Entra.",
            out.len()
        )));
    }
    Ok(out)
}

/// Replaces the admin's list of Entra groups assigned to the enterprise application.
pub fn set_expected_groups(store: &Store, groups: &[String]) -> Result<()> {
    let groups = normalise_groups(groups)?;
    let mut state = load(store)?;
    state.expected_groups = groups;
    store.put_json(KEY, &state)
}

/// Reads the Identity Store, analyses it against the expected groups and remembers the
/// summary for the step status.
pub async fn verify(
    store: &Store,
    session: &AwsSession,
    identity_store_id: &str,
    now: OffsetDateTime,
    progress: &dyn crate::progress::ProgressSink,
    cancel: &crate::progress::CancellationToken,
) -> Result<VerificationReport> {
    let dir = verify::fetch(session, identity_store_id, progress, cancel).await?;
    let mut state = load(store)?;
    let report = verify::analyze(
        &dir,
        &state.expected_groups,
        identity_store_id,
        session.region(),
        &crate::time_fmt::rfc3339(now),
    );
    state.last_verification = Some(report.summarise(&state.expected_groups));
    store.put_json(KEY, &state)?;
    Ok(report)
}

/// Everything steps 3–4 show, judged as of `today`.
pub fn view(store: &Store, connected: &ConnectedInstance, today: Date) -> Result<ProvisioningView> {
    let state = load(store)?;
    let endpoint_info = state.endpoint.as_deref().map(|url| {
        let mut info = endpoint::check(url).unwrap_or_else(|e| EndpointInfo {
            url: url.to_owned(),
            region: None,
            tenant_id: None,
            standard: false,
            warnings: vec![e.message],
        });
        if let (Some(ep), Some(inst), Some(_)) = (
            info.region.as_deref(),
            connected.region.as_deref(),
            connected.identity_store_id.as_deref(),
        ) {
            if ep != inst {
                info.warnings.push(format!(
                    "This endpoint is in {ep}, but the connected IAM Identity Center instance is \
                     in {inst}. Use the SCIM endpoint of the instance you manage."
                ));
            }
        }
        info
    });

    let token = state.token.as_ref().map(|t| {
        let created = parse_date(&t.created_on).unwrap_or(today);
        let e = expiry::judge(created, today);
        TokenInfo {
            last4: t.last4.clone(),
            stored_at: t.stored_at.clone(),
            created_on: t.created_on.clone(),
            expires_on: e.expires_on,
            days_left: e.days_left,
            level: e.level,
            threshold_days: e.threshold_days,
            message: e.message,
            rotation_steps: e.rotation_steps,
        }
    });

    let steps = vec![
        provisioning_step(&state, endpoint_info.as_ref(), token.as_ref()),
        verify_step(&state, connected),
    ];
    let region = connected
        .region
        .clone()
        .filter(|_| connected.identity_store_id.is_some())
        .or_else(|| endpoint_info.as_ref().and_then(|e| e.region.clone()))
        .or_else(|| connected.region.clone());
    Ok(ProvisioningView {
        endpoint: endpoint_info,
        token,
        last_test: state.last_test.clone(),
        mapping: mapping::checklist(),
        mapping_note: state.mapping_confirmed_at.as_deref().map(confirmed_note),
        mapping_confirmed_at: state.mapping_confirmed_at.clone(),
        expected_groups: state.expected_groups.clone(),
        last_verification: state.last_verification.clone(),
        steps,
        console_url: region
            .as_deref()
            .map(crate::federation::identity_center_settings_url),
    })
}

fn day_of(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

fn confirmed_note(at: &str) -> String {
    format!("Confirmed by you on {}.", day_of(at))
}

fn verdict_words(v: ScimVerdict) -> &'static str {
    match v {
        ScimVerdict::Ok => "the connection works",
        ScimVerdict::TokenRejected => "the token was rejected",
        ScimVerdict::NotFound => "the endpoint path or tenant is wrong",
        ScimVerdict::Unreachable => "the endpoint could not be reached",
        ScimVerdict::Timeout => "the endpoint did not answer in time",
        ScimVerdict::NotScim => "the address does not answer SCIM",
        ScimVerdict::ServerError => "the endpoint had a server error",
        ScimVerdict::UnexpectedStatus => "the endpoint gave an unexpected answer",
    }
}

fn provisioning_step(
    state: &ScimState,
    endpoint: Option<&EndpointInfo>,
    token: Option<&TokenInfo>,
) -> SetupStep {
    let attention = |s: String| (StepStatus::Attention, s);
    let (status, summary) = match (endpoint, token) {
        (None, None) => (
            StepStatus::NotStarted,
            "Turn on automatic provisioning in IAM Identity Center, then save the SCIM endpoint \
             and access token here."
                .to_owned(),
        ),
        (Some(_), None) => attention("Save the SCIM access token.".to_owned()),
        (None, Some(_)) => attention("Save the SCIM endpoint.".to_owned()),
        (Some(_), Some(t)) if t.level == ExpiryLevel::Expired => attention(format!(
            "The access token expired on {}: rotate it.",
            t.expires_on
        )),
        (Some(_), Some(_)) => match &state.last_test {
            None => attention("Test the connection.".to_owned()),
            Some(r) if !r.ok => attention(format!(
                "The last connection test failed: {}.",
                verdict_words(r.verdict)
            )),
            Some(_) => match (token, &state.mapping_confirmed_at) {
                (Some(t), _) if t.level == ExpiryLevel::Attention => attention(format!(
                    "The access token expires on {} ({} days left): rotate it.",
                    t.expires_on, t.days_left
                )),
                (_, None) => attention(
                    "Check the attribute mappings in Entra against the checklist and tick it off."
                        .to_owned(),
                ),
                (t, Some(at)) => (
                    StepStatus::Done,
                    format!(
                        "Connection tested; token valid until {}; mappings confirmed by you on {}.",
                        t.map(|t| t.expires_on.as_str()).unwrap_or("?"),
                        day_of(at)
                    ),
                ),
            },
        },
    };
    SetupStep {
        id: "provisioning".into(),
        status,
        summary,
    }
}

fn verify_step(state: &ScimState, connected: &ConnectedInstance) -> SetupStep {
    let attention = |s: String| (StepStatus::Attention, s);
    let (status, summary) = match &state.last_verification {
        None => (
            StepStatus::NotStarted,
            "After Entra's first provisioning cycle, check what arrived in IAM Identity Center."
                .to_owned(),
        ),
        Some(v) => {
            let on = day_of(&v.verified_at);
            if connected
                .identity_store_id
                .as_deref()
                .is_some_and(|id| id != v.identity_store_id)
            {
                attention(format!(
                    "The last check ({on}) was of another Identity Store: verify again."
                ))
            } else if v.user_count == 0 && v.group_count == 0 {
                attention(format!("Nothing had arrived at the last check ({on})."))
            } else if v.expected_groups != state.expected_groups {
                attention(
                    "Your list of Entra groups changed since the last check: verify again."
                        .to_owned(),
                )
            } else if !v.missing_groups.is_empty() {
                attention(format!(
                    "{} of your Entra groups had not arrived at the last check ({on}).",
                    v.missing_groups.len()
                ))
            } else if v.warning_count > 0 {
                attention(format!(
                    "{} finding{} to check (last checked {on}).",
                    v.warning_count,
                    if v.warning_count == 1 { "" } else { "s" }
                ))
            } else {
                (
                    StepStatus::Done,
                    format!(
                        "Checked on {on}: {} and {} arrived, nothing to fix.",
                        verify::plural(v.user_count as usize, "user"),
                        verify::plural(v.group_count as usize, "group")
                    ),
                )
            }
        }
    };
    SetupStep {
        id: "verify".into(),
        status,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    use time::macros::{date, datetime};

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
    const EP: &str = "https://scim.eu-west-1.amazonaws.com/tenant-1/scim/v2";
    const TOKEN: &str = "tok-0123456789-secret-WXYZ";

    fn save_input<'a>(
        endpoint: &'a str,
        token: Option<&str>,
        created: Option<&'a str>,
    ) -> SaveSettings<'a> {
        SaveSettings {
            endpoint,
            token: token.map(Secret::new),
            token_created_on: created,
            accept_nonstandard: false,
        }
    }

    fn connected() -> ConnectedInstance {
        ConnectedInstance {
            region: Some("eu-west-1".into()),
            identity_store_id: Some("d-1234567890".into()),
        }
    }

    #[tokio::test]
    async fn save_replace_and_forget() {
        let store = Store::open_in_memory().unwrap();
        let kc = Keychain::in_memory();
        let v = view(&store, &connected(), NOW.date()).unwrap();
        assert!(v.endpoint.is_none() && v.token.is_none());
        assert_eq!(v.steps[0].status, StepStatus::NotStarted);
        assert_eq!(v.steps[1].status, StepStatus::NotStarted);
        assert!(v.console_url.unwrap().contains("eu-west-1"));
        assert_eq!(v.mapping.len(), mapping::checklist().len());

        save(
            &store,
            &kc,
            save_input(&format!("{EP}/"), Some(TOKEN), None),
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(kc.read(&token_key(EP)).unwrap().unwrap().expose(), TOKEN);
        let v = view(&store, &connected(), NOW.date()).unwrap();
        let t = v.token.unwrap();
        assert_eq!(
            (t.last4.as_str(), t.created_on.as_str()),
            ("WXYZ", "2026-03-01")
        );
        assert_eq!(
            (t.expires_on.as_str(), t.days_left, t.level),
            ("2027-03-01", 365, ExpiryLevel::Ok)
        );
        assert_eq!(t.stored_at, "2026-03-01T12:00:00Z");
        assert_eq!(v.endpoint.unwrap().url, EP);
        assert_eq!(v.steps[0].status, StepStatus::Attention);
        assert_eq!(v.steps[0].summary, "Test the connection.");

        // Correct the date only; the token stays.
        save(&store, &kc, save_input(EP, None, Some("2025-04-01")), NOW)
            .await
            .unwrap();
        let t = view(&store, &connected(), NOW.date())
            .unwrap()
            .token
            .unwrap();
        assert_eq!(
            (t.last4.as_str(), t.days_left, t.threshold_days),
            ("WXYZ", 31, Some(90))
        );

        // Replace: a new token, a new date (empty string = today).
        save(
            &store,
            &kc,
            save_input(EP, Some("  new-token-value-ABCD \n"), Some("")),
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(
            kc.read(&token_key(EP)).unwrap().unwrap().expose(),
            "new-token-value-ABCD"
        );
        let t = view(&store, &connected(), NOW.date())
            .unwrap()
            .token
            .unwrap();
        assert_eq!(
            (t.last4.as_str(), t.created_on.as_str()),
            ("ABCD", "2026-03-01")
        );

        // Forget: gone from the keychain and the settings; the endpoint stays.
        assert!(forget_token(&store, &kc).await.unwrap());
        assert!(kc.read(&token_key(EP)).unwrap().is_none());
        let v = view(&store, &connected(), NOW.date()).unwrap();
        assert!(v.token.is_none());
        assert_eq!(v.endpoint.unwrap().url, EP);
        assert_eq!(v.steps[0].summary, "Save the SCIM access token.");
        let err = save(&store, &kc, save_input(EP, None, Some("2026-01-01")), NOW)
            .await
            .unwrap_err();
        assert_eq!(err.detail.as_deref(), Some(codes::NO_TOKEN));
    }

    #[tokio::test]
    async fn changing_the_endpoint_moves_the_token() {
        let store = Store::open_in_memory().unwrap();
        let kc = Keychain::in_memory();
        save(&store, &kc, save_input(EP, Some(TOKEN), None), NOW)
            .await
            .unwrap();
        let dual = "https://scim.eu-west-1.api.aws/tenant-1/scim/v2";
        save(&store, &kc, save_input(dual, None, None), NOW)
            .await
            .unwrap();
        assert!(kc.read(&token_key(EP)).unwrap().is_none());
        assert_eq!(kc.read(&token_key(dual)).unwrap().unwrap().expose(), TOKEN);
        let v = view(&store, &connected(), NOW.date()).unwrap();
        assert_eq!(v.token.unwrap().last4, "WXYZ");

        // A new endpoint with a new token: the old entry is removed.
        save(
            &store,
            &kc,
            save_input(EP, Some("other-token-1234"), None),
            NOW,
        )
        .await
        .unwrap();
        assert!(kc.read(&token_key(dual)).unwrap().is_none());
        assert_eq!(
            kc.read(&token_key(EP)).unwrap().unwrap().expose(),
            "other-token-1234"
        );
    }

    #[tokio::test]
    async fn refused_input_changes_nothing() {
        let store = Store::open_in_memory().unwrap();
        let backend = Arc::new(crate::keychain::MemoryBackend::default());
        let kc = Keychain::with_backend(backend.clone(), "svc");
        save(&store, &kc, save_input(EP, Some(TOKEN), None), NOW)
            .await
            .unwrap();
        let before =
            serde_json::to_string(&view(&store, &connected(), NOW.date()).unwrap()).unwrap();

        let nonstandard = "https://scim.example.com/t/scim/v2";
        let err = save(&store, &kc, save_input(nonstandard, None, None), NOW)
            .await
            .unwrap_err();
        assert_eq!(
            (err.kind, err.detail.as_deref()),
            (ErrorKind::Validation, Some(codes::NONSTANDARD_ENDPOINT))
        );
        for (token, created) in [
            (Some("short"), None),
            (Some("has space inside"), None),
            (Some("good-token-9999"), Some("2026-03-05")),
            (Some("good-token-9999"), Some("01/03/2026")),
        ] {
            let err = save(&store, &kc, save_input(EP, token, created), NOW)
                .await
                .unwrap_err();
            assert_eq!(err.kind, ErrorKind::Validation, "{token:?} {created:?}");
        }
        // A locked keychain: the error says so, and the settings keep the old token.
        backend.locked.store(true, Ordering::SeqCst);
        let err = save(
            &store,
            &kc,
            save_input(EP, Some("good-token-9999"), None),
            NOW,
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Keychain);
        backend.locked.store(false, Ordering::SeqCst);
        let after =
            serde_json::to_string(&view(&store, &connected(), NOW.date()).unwrap()).unwrap();
        assert_eq!(before, after);
        assert_eq!(kc.read(&token_key(EP)).unwrap().unwrap().expose(), TOKEN);

        // With the admin's word, a non-standard endpoint is saved, with its warnings shown.
        let mut input = save_input(nonstandard, None, None);
        input.accept_nonstandard = true;
        save(&store, &kc, input, NOW).await.unwrap();
        let ep = view(&store, &connected(), NOW.date())
            .unwrap()
            .endpoint
            .unwrap();
        assert!(!ep.standard && !ep.warnings.is_empty());
    }

    #[test]
    fn created_on_dates() {
        let today = date!(2026 - 03 - 01);
        assert_eq!(
            parse_created_on("2026-03-02", today).unwrap(),
            date!(2026 - 03 - 02)
        );
        assert_eq!(
            parse_created_on(" 2025-03-01 ", today).unwrap(),
            date!(2025 - 03 - 01)
        );
        for bad in ["2026-03-03", "2019-12-31", "yesterday", "2026-3-1x"] {
            assert_eq!(
                parse_created_on(bad, today).unwrap_err().kind,
                ErrorKind::Validation,
                "{bad}"
            );
        }
    }

    fn test_result(ok: bool) -> ScimTestResult {
        ScimTestResult {
            verdict: if ok {
                ScimVerdict::Ok
            } else {
                ScimVerdict::TokenRejected
            },
            ok,
            message: "m".into(),
            detail: None,
            http_status: Some(if ok { 200 } else { 401 }),
            content_type: None,
            network_failure: None,
            endpoint: EP.into(),
            tested_at: "2026-03-01T12:00:00Z".into(),
            elapsed_ms: 5,
        }
    }

    #[tokio::test]
    async fn step_three_walks_through_its_states() {
        let store = Store::open_in_memory().unwrap();
        let kc = Keychain::in_memory();
        let step = |today: Date| view(&store, &connected(), today).unwrap().steps[0].clone();
        save(
            &store,
            &kc,
            save_input(EP, Some(TOKEN), Some("2025-06-01")),
            NOW,
        )
        .await
        .unwrap();
        let mut state = load(&store).unwrap();
        state.last_test = Some(test_result(false));
        store.put_json(KEY, &state).unwrap();
        assert_eq!(
            step(NOW.date()).summary,
            "The last connection test failed: the token was rejected."
        );

        state.last_test = Some(test_result(true));
        store.put_json(KEY, &state).unwrap();
        assert!(
            step(NOW.date()).summary.contains("tick it off"),
            "{:?}",
            step(NOW.date())
        );
        confirm_mapping(&store, true, NOW).unwrap();
        let s = step(NOW.date());
        assert_eq!(s.status, StepStatus::Done, "{s:?}");
        assert_eq!(s.summary, "Connection tested; token valid until 2026-06-01; mappings confirmed by you on 2026-03-01.");
        let v = view(&store, &connected(), NOW.date()).unwrap();
        assert_eq!(
            v.mapping_note.as_deref(),
            Some("Confirmed by you on 2026-03-01.")
        );

        let s = step(date!(2026 - 05 - 20));
        assert_eq!(
            (s.status, s.summary.as_str()),
            (
                StepStatus::Attention,
                "The access token expires on 2026-06-01 (12 days left): rotate it."
            )
        );
        let s = step(date!(2026 - 06 - 02));
        assert_eq!(
            s.summary,
            "The access token expired on 2026-06-01: rotate it."
        );

        confirm_mapping(&store, false, NOW).unwrap();
        assert!(view(&store, &connected(), NOW.date())
            .unwrap()
            .mapping_confirmed_at
            .is_none());

        // Another region than the connected instance's is pointed out.
        let other = ConnectedInstance {
            region: Some("us-east-1".into()),
            identity_store_id: Some("d-1".into()),
        };
        let ep = view(&store, &other, NOW.date()).unwrap().endpoint.unwrap();
        assert!(
            ep.warnings
                .iter()
                .any(|w| w.contains("connected IAM Identity Center instance is in us-east-1")),
            "{ep:?}"
        );
    }

    #[test]
    fn expected_groups_and_step_four() {
        let store = Store::open_in_memory().unwrap();
        set_expected_groups(
            &store,
            &[
                " Developers ".into(),
                "developers".into(),
                "".into(),
                "Finance".into(),
            ],
        )
        .unwrap();
        let v = view(&store, &connected(), NOW.date()).unwrap();
        assert_eq!(v.expected_groups, ["Developers", "Finance"]);
        let too_many: Vec<String> = (0..=MAX_EXPECTED_GROUPS).map(|i| format!("g{i}")).collect();
        assert_eq!(
            set_expected_groups(&store, &too_many).unwrap_err().kind,
            ErrorKind::Validation
        );

        let dir = verify::Directory {
            users: vec![verify::DirectoryUser {
                id: "u1".into(),
                user_name: Some("ana@x.com".into()),
                display_name: Some("Ana".into()),
                given_name: Some("Ana".into()),
                family_name: Some("Lima".into()),
                emails: vec!["ana@x.com".into()],
            }],
            groups: vec![verify::DirectoryGroup {
                id: "g1".into(),
                display_name: Some("Developers".into()),
                member_user_ids: vec!["u1".into()],
            }],
        };
        let record = |expected: &[String]| {
            let r = verify::analyze(
                &dir,
                expected,
                "d-1234567890",
                "eu-west-1",
                "2026-03-01T12:00:00Z",
            );
            let mut state = load(&store).unwrap();
            state.last_verification = Some(r.summarise(expected));
            store.put_json(KEY, &state).unwrap();
        };
        let step = || view(&store, &connected(), NOW.date()).unwrap().steps[1].clone();
        record(&["Developers".into(), "Finance".into()]);
        assert_eq!(
            step().summary,
            "1 of your Entra groups had not arrived at the last check (2026-03-01)."
        );
        set_expected_groups(&store, &["Developers".into()]).unwrap();
        assert!(step().summary.contains("changed since the last check"));
        record(&["Developers".into()]);
        let s = step();
        assert_eq!(
            (s.status, s.summary.as_str()),
            (
                StepStatus::Done,
                "Checked on 2026-03-01: 1 user and 1 group arrived, nothing to fix."
            )
        );
        let other = ConnectedInstance {
            region: Some("eu-west-1".into()),
            identity_store_id: Some("d-other".into()),
        };
        assert!(view(&store, &other, NOW.date()).unwrap().steps[1]
            .summary
            .contains("another Identity Store"));
    }
}
