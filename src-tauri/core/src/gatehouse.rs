//! The services object the app and the CLI share: store, keychain, the live AWS
//! connection and running tasks.
//!
//! The Tauri app puts one [`Gatehouse`] into managed state and its commands are one-line
//! calls into it; the CLI builds one per invocation. Nothing here knows about Tauri.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::RwLock;

use crate::aws::{self, AwsSession, ConnectionSpec, Identity, ProfileInfo, RegionInstance};
use crate::error::{Error, ErrorKind, Result};
use crate::keychain::{Keychain, KeychainKey};
use crate::progress::{CancellationToken, ProgressSink, Tasks};
use crate::secret::Secret;
use crate::store::{keys, Store};

/// The live connection as the UI shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ConnectionStatus {
    pub spec: ConnectionSpec,
    pub identity: Identity,
    /// When the identity was last read from AWS (RFC 3339).
    pub refreshed_at: String,
}

struct Live {
    session: AwsSession,
    status: ConnectionStatus,
}

pub struct Gatehouse {
    store: Store,
    keychain: Keychain,
    live: RwLock<Option<Arc<Live>>>,
    tasks: Tasks,
}

impl Gatehouse {
    pub fn new(store: Store, keychain: Keychain) -> Self {
        Self {
            store,
            keychain,
            live: RwLock::new(None),
            tasks: Tasks::default(),
        }
    }

    /// The store in the data directory and the OS keychain.
    pub fn open_default() -> Result<Self> {
        Ok(Self::new(
            Store::open(&crate::paths::database_path()?)?,
            Keychain::os(),
        ))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }

    pub async fn list_profiles(&self) -> Result<Vec<ProfileInfo>> {
        aws::list_profiles().await
    }

    /// Connects, reads who we are, and remembers the spec (never a secret) on success.
    /// A failed attempt leaves the previous connection in place.
    pub async fn connect(&self, spec: ConnectionSpec) -> Result<ConnectionStatus> {
        self.connect_until(spec, CancellationToken::new()).await
    }

    /// [`Self::connect`], given up when `cancel` fires (an unreachable endpoint can take the
    /// SDK's timeouts): then nothing changes, the previous connection stays.
    pub async fn connect_until(
        &self,
        spec: ConnectionSpec,
        cancel: CancellationToken,
    ) -> Result<ConnectionStatus> {
        let (session, status) = tokio::select! {
            opened = self.open(spec) => opened?,
            () = cancel.cancelled() => return Err(Error::cancelled()),
        };
        // Past this point nothing waits on AWS: the new connection is taken as a whole.
        self.store.put_json(keys::LAST_CONNECTION, &status.spec)?;
        *self.live.write().await = Some(Arc::new(Live {
            session,
            status: status.clone(),
        }));
        Ok(status)
    }

    /// The AWS side of connecting: a session and who it is, nothing kept yet.
    async fn open(&self, spec: ConnectionSpec) -> Result<(AwsSession, ConnectionStatus)> {
        let keychain = self.keychain.clone();
        let session = match spec.credentials {
            // Reading the keychain may block on D-Bus: keep it off the async workers.
            aws::CredentialSource::StoredKeys => {
                let spec = spec.clone();
                tokio::task::spawn_blocking(move || {
                    tokio::runtime::Handle::current().block_on(AwsSession::new(spec, &keychain))
                })
                .await
                .map_err(|e| {
                    Error::internal("The connection task failed.").with_detail(e.to_string())
                })??
            }
            _ => AwsSession::new(spec.clone(), &keychain).await?,
        };
        let identity = session.whoami().await?;
        let status = ConnectionStatus {
            spec,
            identity,
            refreshed_at: crate::time_fmt::now_rfc3339(),
        };
        Ok((session, status))
    }

    /// Reads the identity again over the current connection.
    pub async fn refresh(&self) -> Result<ConnectionStatus> {
        let spec = self.session().await?.spec;
        self.connect(spec).await
    }

    pub async fn disconnect(&self) {
        *self.live.write().await = None;
    }

    pub async fn status(&self) -> Option<ConnectionStatus> {
        self.live.read().await.as_ref().map(|l| l.status.clone())
    }

    /// The live session, or `NotConnected`.
    pub async fn session(&self) -> Result<AwsSession> {
        self.live
            .read()
            .await
            .as_ref()
            .map(|l| l.session.clone())
            .ok_or_else(Error::not_connected)
    }

    pub fn last_connection(&self) -> Result<Option<ConnectionSpec>> {
        self.store.get_json(keys::LAST_CONNECTION)
    }

    /// Asks every Identity Center region, concurrently, with the current credentials.
    pub async fn find_instance_regions(
        &self,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<Vec<RegionInstance>> {
        let session = self.session().await?;
        aws::find_instance_regions(&session, aws::IDENTITY_CENTER_REGIONS, progress, cancel).await
    }

    pub async fn store_access_keys(
        &self,
        access_key_id: String,
        secret_access_key: Secret,
        session_token: Option<Secret>,
    ) -> Result<()> {
        let kc = self.keychain.clone();
        blocking(move || {
            aws::session::store_access_keys(
                &kc,
                &access_key_id,
                &secret_access_key,
                session_token.as_ref(),
            )
        })
        .await
    }

    /// The access key id of the keys in the keychain, if any (the secret never leaves).
    pub async fn stored_access_key_id(&self) -> Result<Option<String>> {
        let kc = self.keychain.clone();
        blocking(move || aws::session::stored_access_key_id(&kc)).await
    }

    pub async fn forget_access_keys(&self) -> Result<bool> {
        let kc = self.keychain.clone();
        blocking(move || kc.delete(&KeychainKey::AwsAccessKeys)).await
    }
}

/// Runs blocking work (keychain D-Bus calls) off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        Error::new(ErrorKind::Internal, "A background task failed.").with_detail(e.to_string())
    })?
}

/// Setup wizard, SAML federation (steps 1–2).
impl Gatehouse {
    async fn connected_instance(&self) -> crate::federation::ConnectedInstance {
        match self.status().await {
            Some(s) => crate::federation::ConnectedInstance {
                region: s
                    .identity
                    .instance
                    .as_ref()
                    .map(|i| i.region.clone())
                    .or(Some(s.identity.region)),
                identity_store_id: s.identity.instance.map(|i| i.identity_store_id),
            },
            None => Default::default(),
        }
    }

    pub async fn federation_view(&self) -> Result<crate::federation::FederationView> {
        let connected = self.connected_instance().await;
        crate::federation::view(&self.store, &connected, time::OffsetDateTime::now_utc())
    }

    pub async fn import_metadata(
        &self,
        slot: crate::metadata::Slot,
        source: crate::federation::ImportSource,
    ) -> Result<crate::federation::FederationView> {
        crate::federation::import(&self.store, slot, &source, time::OffsetDateTime::now_utc())?;
        self.federation_view().await
    }

    pub async fn clear_metadata(
        &self,
        slot: crate::metadata::Slot,
    ) -> Result<crate::federation::FederationView> {
        crate::federation::clear(&self.store, slot)?;
        self.federation_view().await
    }

    pub async fn set_portal_url(
        &self,
        url: Option<String>,
    ) -> Result<crate::federation::FederationView> {
        crate::federation::set_portal_url(&self.store, url.as_deref())?;
        self.federation_view().await
    }

    pub async fn confirm_entra_app(
        &self,
        confirmed: bool,
    ) -> Result<crate::federation::FederationView> {
        crate::federation::confirm_entra_app(
            &self.store,
            confirmed,
            time::OffsetDateTime::now_utc(),
        )?;
        self.federation_view().await
    }

    /// Writes an imported document to `path` (a pasted document must be a file to upload).
    pub fn save_metadata_copy(
        &self,
        slot: crate::metadata::Slot,
        path: &std::path::Path,
    ) -> Result<()> {
        let bytes = crate::federation::document_bytes(&self.store, slot)?;
        std::fs::write(path, bytes).map_err(|e| {
            Error::new(
                ErrorKind::Storage,
                format!("Gatehouse could not write {}.", path.display()),
            )
            .with_detail(e.to_string())
        })
    }
}

/// Setup wizard, automatic provisioning (steps 3–4). Keychain calls run through [`blocking`]
/// inside `crate::scim`.
impl Gatehouse {
    pub async fn provisioning_view(&self) -> Result<crate::scim::ProvisioningView> {
        let connected = self.connected_instance().await;
        crate::scim::view(
            &self.store,
            &connected,
            time::OffsetDateTime::now_utc().date(),
        )
    }

    /// Saves the endpoint and, when given, a new token (to the keychain only).
    pub async fn save_scim_settings(
        &self,
        endpoint: String,
        token: Option<Secret>,
        token_created_on: Option<String>,
        accept_nonstandard: bool,
    ) -> Result<crate::scim::ProvisioningView> {
        crate::scim::save(
            &self.store,
            &self.keychain,
            crate::scim::SaveSettings {
                endpoint: &endpoint,
                token,
                token_created_on: token_created_on.as_deref(),
                accept_nonstandard,
            },
            time::OffsetDateTime::now_utc(),
        )
        .await?;
        self.provisioning_view().await
    }

    pub async fn forget_scim_token(&self) -> Result<crate::scim::ProvisioningView> {
        crate::scim::forget_token(&self.store, &self.keychain).await?;
        self.provisioning_view().await
    }

    /// Tests the saved endpoint with the saved token (as Entra does) and records the result.
    pub async fn test_scim_connection(
        &self,
        options: crate::scim::ProbeOptions,
    ) -> Result<crate::scim::ScimTestResult> {
        crate::scim::test_stored(&self.store, &self.keychain, options).await
    }

    pub async fn confirm_attribute_mapping(
        &self,
        confirmed: bool,
    ) -> Result<crate::scim::ProvisioningView> {
        crate::scim::confirm_mapping(&self.store, confirmed, time::OffsetDateTime::now_utc())?;
        self.provisioning_view().await
    }

    pub async fn set_expected_groups(
        &self,
        groups: Vec<String>,
    ) -> Result<crate::scim::ProvisioningView> {
        crate::scim::set_expected_groups(&self.store, &groups)?;
        self.provisioning_view().await
    }

    /// Reads the connected instance's Identity Store and reports what arrived.
    pub async fn verify_identity_store(
        &self,
        progress: std::sync::Arc<dyn crate::progress::ProgressSink>,
        cancel: crate::progress::CancellationToken,
    ) -> Result<crate::scim::VerificationReport> {
        let session = self.session().await?;
        let status = self.status().await.ok_or_else(Error::not_connected)?;
        let instance = status.identity.instance.ok_or_else(|| {
            Error::not_found(format!(
                "There is no IAM Identity Center instance in {} for this connection, so there is \
                 no Identity Store to check. Connect to the region of your instance (the \
                 connection dialog can search every region), then verify again.",
                status.identity.region
            ))
        })?;
        let session = if session.region() == instance.region {
            session
        } else {
            session.in_region(&instance.region)
        };
        crate::scim::verify(
            &self.store,
            &session,
            &instance.identity_store_id,
            time::OffsetDateTime::now_utc(),
            progress.as_ref(),
            &cancel,
        )
        .await
    }
}
