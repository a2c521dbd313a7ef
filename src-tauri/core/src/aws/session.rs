//! A connection to AWS: which credentials, region and endpoint, and the SDK config built
//! from them by aws-config's own credential chain.
//!
//! [`ConnectionSpec`] is what the admin chose (and what is remembered, never with secrets);
//! [`AwsSession`] is the live result. Access keys typed into Gatehouse are kept in the OS
//! keychain and handed to the SDK as a static provider; everything else (profiles, SSO,
//! `AWS_*` variables, `AWS_ENDPOINT_URL`) is aws-config's business.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use serde::{Deserialize, Serialize};

use super::errors::{map_sdk_error, ErrorContext};
use super::profiles;
use super::regions::validate_region;
use crate::error::{Error, ErrorKind, Result};
use crate::keychain::{Keychain, KeychainKey};
use crate::secret::Secret;

/// Where the credentials come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CredentialSource {
    /// aws-config's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, the default profile, …).
    DefaultChain,
    /// A named profile from the AWS config (SSO profiles included).
    Profile { name: String },
    /// Access keys the admin entered in Gatehouse, kept in the OS keychain.
    StoredKeys,
}

/// What the admin chose to connect with. Remembered in SQLite (it holds no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ConnectionSpec {
    pub credentials: CredentialSource,
    pub region: String,
    /// A custom endpoint for every AWS service (a local AWS such as moto).
    pub endpoint_url: Option<String>,
}

impl ConnectionSpec {
    pub fn profile(&self) -> Option<&str> {
        match &self.credentials {
            CredentialSource::Profile { name } => Some(name),
            _ => None,
        }
    }

    /// Checks the region and endpoint shapes before anything is sent.
    pub fn validate(&self) -> Result<()> {
        validate_region(&self.region)?;
        if let CredentialSource::Profile { name } = &self.credentials {
            if name.trim().is_empty() {
                return Err(Error::validation("Choose a profile."));
            }
        }
        if let Some(url) = &self.endpoint_url {
            validate_endpoint_url(url)?;
        }
        Ok(())
    }
}

/// An endpoint override must be an absolute http(s) URL; plain http only on loopback.
pub fn validate_endpoint_url(raw: &str) -> Result<()> {
    let url = url::Url::parse(raw).map_err(|e| {
        Error::validation(format!(
            "\"{raw}\" is not a URL ({e}). Use a full URL such as http://127.0.0.1:5000, or leave the field empty for AWS."
        ))
    })?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(Error::validation(format!(
            "\"{raw}\" uses plain http to another machine. Use https, or http only for a local endpoint (127.0.0.1 / localhost)."
        ))),
        other => Err(Error::validation(format!(
            "\"{raw}\" uses the scheme \"{other}\"; an endpoint URL must start with https:// (or http:// for a local endpoint)."
        ))),
    }
}

/// Access keys as stored in the keychain (one entry, JSON). Never Debug-printed.
#[derive(Serialize, Deserialize)]
struct StoredKeys {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

/// Saves access keys to the OS keychain (and only there).
pub fn store_access_keys(
    keychain: &Keychain,
    access_key_id: &str,
    secret_access_key: &Secret,
    session_token: Option<&Secret>,
) -> Result<()> {
    let id = access_key_id.trim();
    if id.len() < 16 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::validation(
            "The access key ID should look like AKIA… or ASIA… (16 or more letters and digits).",
        ));
    }
    if secret_access_key.is_empty() {
        return Err(Error::validation("Enter the secret access key."));
    }
    let doc = StoredKeys {
        access_key_id: id.to_owned(),
        secret_access_key: secret_access_key.expose().trim().to_owned(),
        session_token: session_token
            .filter(|t| !t.is_empty())
            .map(|t| t.expose().trim().to_owned()),
    };
    let json = Secret::new(serde_json::to_string(&doc)?);
    keychain.store(&KeychainKey::AwsAccessKeys, &json)
}

/// The access key id of the stored keys (not secret on its own), if any.
pub fn stored_access_key_id(keychain: &Keychain) -> Result<Option<String>> {
    Ok(read_stored_keys(keychain)?.map(|k| k.access_key_id))
}

fn read_stored_keys(keychain: &Keychain) -> Result<Option<StoredKeys>> {
    match keychain.read(&KeychainKey::AwsAccessKeys)? {
        None => Ok(None),
        Some(s) => serde_json::from_str(s.expose()).map(Some).map_err(|_| {
            Error::new(
                ErrorKind::Keychain,
                "The access keys in the keychain are unreadable. Enter them again.",
            )
        }),
    }
}

/// A live connection: the SDK config plus what error messages may mention.
#[derive(Clone, Debug)]
pub struct AwsSession {
    pub spec: ConnectionSpec,
    pub config: SdkConfig,
    pub ctx: ErrorContext,
}

impl AwsSession {
    /// Builds the SDK config for `spec`. Nothing is sent to AWS yet.
    pub async fn new(spec: ConnectionSpec, keychain: &Keychain) -> Result<Self> {
        spec.validate()?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(spec.region.clone()))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(20))
                    .operation_timeout(Duration::from_secs(60))
                    .build(),
            )
            // Standard mode: jittered exponential backoff on throttling and 5xx. Not adaptive:
            // its client-side limiter is shared per service and region across the process
            // and, after one throttled burst, slows every later call for minutes (measured
            // against the test layer). Callers that need a pace (the snapshot loader, plan
            // apply) keep their own.
            .retry_config(RetryConfig::standard().with_max_attempts(5));
        let mut profile_uses_sso = false;
        match &spec.credentials {
            CredentialSource::DefaultChain => {}
            CredentialSource::Profile { name } => {
                profile_uses_sso = profiles::is_sso_profile(name).await;
                loader = loader.profile_name(name);
            }
            CredentialSource::StoredKeys => {
                let keys = read_stored_keys(keychain)?.ok_or_else(|| {
                    Error::new(
                        ErrorKind::Credentials,
                        "No access keys are stored in the keychain. Enter them in the connection dialog.",
                    )
                })?;
                loader = loader.credentials_provider(Credentials::new(
                    keys.access_key_id,
                    keys.secret_access_key,
                    keys.session_token,
                    None,
                    "gatehouse-keychain",
                ));
            }
        }
        if let Some(url) = &spec.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let config = loader.load().await;
        let ctx = ErrorContext {
            profile: spec
                .profile()
                .map(str::to_owned)
                .or_else(|| std::env::var("AWS_PROFILE").ok()),
            profile_uses_sso,
            endpoint_url: config.endpoint_url().map(str::to_owned),
            region: spec.region.clone(),
        };
        Ok(Self { spec, config, ctx })
    }

    /// The same credentials (and credential cache) in another region.
    pub fn in_region(&self, region: &str) -> Self {
        let mut spec = self.spec.clone();
        spec.region = region.to_owned();
        let mut ctx = self.ctx.clone();
        ctx.region = region.to_owned();
        Self {
            spec,
            config: self
                .config
                .to_builder()
                .region(Region::new(region.to_owned()))
                .build(),
            ctx,
        }
    }

    pub fn region(&self) -> &str {
        &self.spec.region
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.config)
    }

    pub fn sso_admin(&self) -> aws_sdk_ssoadmin::Client {
        aws_sdk_ssoadmin::Client::new(&self.config)
    }

    pub fn identity_store(&self) -> aws_sdk_identitystore::Client {
        aws_sdk_identitystore::Client::new(&self.config)
    }

    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::new(&self.config)
    }

    /// Maps an SDK error with this session's context.
    pub fn err<E>(
        &self,
        action: &str,
        e: aws_smithy_runtime_api::client::result::SdkError<
            E,
            aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >,
    ) -> Error
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
    {
        map_sdk_error(action, e, &self.ctx)
    }
}

/// The region aws-config would pick for `profile` (AWS_REGION, AWS_DEFAULT_REGION, the
/// profile's `region`), if any.
pub async fn default_region(profile: Option<&str>) -> Option<String> {
    let mut b = aws_config::default_provider::region::Builder::default();
    if let Some(p) = profile {
        b = b.profile_name(p);
    }
    b.build().region().await.map(|r| r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls() {
        validate_endpoint_url("http://127.0.0.1:5000").unwrap();
        validate_endpoint_url("http://localhost:4566/").unwrap();
        validate_endpoint_url("https://vpce-1.sso.eu-west-1.vpce.amazonaws.com").unwrap();
        for bad in [
            "127.0.0.1:5000",
            "http://10.0.0.5:5000",
            "ftp://x",
            "not a url",
        ] {
            assert_eq!(
                validate_endpoint_url(bad).unwrap_err().kind,
                ErrorKind::Validation,
                "{bad}"
            );
        }
    }

    #[test]
    fn access_keys_go_to_the_keychain_only_and_come_back() {
        let kc = Keychain::in_memory();
        let err = store_access_keys(&kc, "short", &Secret::new("x"), None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Validation);
        store_access_keys(
            &kc,
            "AKIAEXAMPLEEXAMPLE12",
            &Secret::new("s3cr3t/value"),
            None,
        )
        .unwrap();
        assert_eq!(
            stored_access_key_id(&kc).unwrap().as_deref(),
            Some("AKIAEXAMPLEEXAMPLE12")
        );
    }

    #[tokio::test]
    async fn stored_keys_without_keys_is_a_credentials_error() {
        let spec = ConnectionSpec {
            credentials: CredentialSource::StoredKeys,
            region: "eu-west-1".into(),
            endpoint_url: None,
        };
        let err = AwsSession::new(spec, &Keychain::in_memory())
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Credentials);
    }
}
