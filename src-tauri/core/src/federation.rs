//! The SAML federation part of the Setup wizard: the two imported metadata documents, the
//! access portal URL, and everything derived from them.
//!
//! What is stored (SQLite, `setup.federation`) is only what the admin gave us: the documents'
//! bytes, where they came from, and the admin's own confirmations. Everything shown — facts,
//! cross-checks against the connected Identity Center, the three values Entra needs, each
//! step's status — is recomputed from that on every read, so it can never go stale. A failed
//! import never replaces a document imported earlier.

use std::path::Path;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{Error, ErrorKind, Result};
use crate::metadata::{self, codes, DocumentKind, Finding, MetadataFacts, Severity, Slot};
use crate::store::Store;

const KEY: &str = "setup.federation";

/// Where an import comes from.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportSource {
    /// A file chosen in the native picker or dropped on the window.
    Path { path: String },
    /// Text pasted into the paste box.
    Text { text: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredDocument {
    bytes_b64: String,
    file_name: Option<String>,
    source_path: Option<String>,
    imported_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct FederationState {
    idp: Option<StoredDocument>,
    sp: Option<StoredDocument>,
    custom_portal_url: Option<String>,
    entra_app_confirmed_at: Option<String>,
}

/// An imported document as the UI shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportedDocument {
    pub file_name: Option<String>,
    /// The file on disk, for "Show in folder" (absent for pasted text).
    pub source_path: Option<String>,
    pub imported_at: String,
    pub facts: MetadataFacts,
}

/// The three values the Entra enterprise application needs (Basic SAML Configuration).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct EntraValues {
    /// Identifier (Entity ID) = the IAM Identity Center issuer URL.
    pub identifier: String,
    /// Reply URL (Assertion Consumer Service URL); the default first.
    pub reply_urls: Vec<String>,
    /// Sign on URL = the AWS access portal URL.
    pub sign_on_url: Option<String>,
    /// Whether the sign on URL was derived from the directory id or entered by the admin.
    pub sign_on_url_custom: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Done,
    Attention,
    NotStarted,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SetupStep {
    /// `entra-app` or `saml`.
    pub id: String,
    pub status: StepStatus,
    /// One line for the sidebar tooltip and the step header.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct FederationView {
    pub idp: Option<ImportedDocument>,
    pub sp: Option<ImportedDocument>,
    /// Findings that compare the documents with each other and with the connection.
    pub cross_checks: Vec<Finding>,
    pub entra_values: Option<EntraValues>,
    pub custom_portal_url: Option<String>,
    pub entra_app_confirmed_at: Option<String>,
    pub steps: Vec<SetupStep>,
    /// IAM Identity Center → Settings in the connected region (identity source lives there).
    pub identity_source_console_url: Option<String>,
}

/// The connected Identity Center, for cross-checks and console links.
#[derive(Debug, Clone, Default)]
pub struct ConnectedInstance {
    pub region: Option<String>,
    pub identity_store_id: Option<String>,
}

pub const ENTRA_ENTERPRISE_APPS_URL: &str =
    "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/StartboardApplicationsMenuBlade/~/AppAppsPreview";

pub fn identity_center_settings_url(region: &str) -> String {
    format!("https://{region}.console.aws.amazon.com/singlesignon/home?region={region}#/instances/settings")
}

fn load(store: &Store) -> Result<FederationState> {
    Ok(store.get_json(KEY)?.unwrap_or_default())
}

/// Reads a file for import: refuses by size before reading it all.
fn read_source(source: &ImportSource) -> Result<(Vec<u8>, Option<String>, Option<String>)> {
    match source {
        ImportSource::Text { text } => Ok((text.as_bytes().to_vec(), None, None)),
        ImportSource::Path { path } => {
            let p = Path::new(path);
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            let meta = std::fs::metadata(p).map_err(|e| {
                Error::validation(format!(
                    "Gatehouse could not open {path}. Check that the file exists and is readable."
                ))
                .with_detail(e.to_string())
            })?;
            if meta.is_dir() {
                return Err(Error::validation(format!(
                    "{path} is a folder; choose the metadata XML file."
                )));
            }
            if meta.len() > metadata::MAX_METADATA_BYTES as u64 {
                // Refused by size, without reading the file.
                return Err(Error::validation(format!(
                    "{path} is {:.1} MB; SAML metadata files are a few KB (Gatehouse accepts up to 1 MB). \
                     Check that you chose the Federation Metadata XML.",
                    meta.len() as f64 / 1_048_576.0
                ))
                .with_detail(codes::TOO_LARGE));
            }
            let bytes = std::fs::read(p).map_err(|e| {
                Error::validation(format!("Gatehouse could not read {path}."))
                    .with_detail(e.to_string())
            })?;
            Ok((bytes, name, Some(path.clone())))
        }
    }
}

fn metadata_error(e: metadata::MetadataError) -> Error {
    Error::new(ErrorKind::Validation, e.message).with_detail(e.code)
}

/// Imports a document into a slot. A document Gatehouse cannot read, or the wrong document
/// for the slot, is refused and the slot keeps what it had. A readable document with
/// problems (an expiring certificate, …) is kept and its findings shown.
pub fn import(store: &Store, slot: Slot, source: &ImportSource, now: OffsetDateTime) -> Result<()> {
    let (bytes, file_name, source_path) = read_source(source)?;
    let facts = metadata::inspect(&bytes, Some(slot), now).map_err(metadata_error)?;
    if let Some(f) = facts
        .findings
        .iter()
        .find(|f| f.code == codes::WRONG_DOCUMENT_KIND)
    {
        return Err(Error::validation(f.message.clone()).with_detail(f.code.clone()));
    }
    let mut state = load(store)?;
    let doc = StoredDocument {
        bytes_b64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        file_name,
        source_path,
        imported_at: crate::time_fmt::rfc3339(now),
    };
    match slot {
        Slot::Idp => state.idp = Some(doc),
        Slot::Sp => state.sp = Some(doc),
    }
    store.put_json(KEY, &state)
}

pub fn clear(store: &Store, slot: Slot) -> Result<()> {
    let mut state = load(store)?;
    match slot {
        Slot::Idp => state.idp = None,
        Slot::Sp => state.sp = None,
    }
    store.put_json(KEY, &state)
}

/// The imported document's bytes, e.g. to save a pasted document as a file for upload.
pub fn document_bytes(store: &Store, slot: Slot) -> Result<Vec<u8>> {
    let state = load(store)?;
    let doc = match slot {
        Slot::Idp => state.idp,
        Slot::Sp => state.sp,
    }
    .ok_or_else(|| Error::not_found("Nothing has been imported in this step yet."))?;
    base64::engine::general_purpose::STANDARD
        .decode(doc.bytes_b64)
        .map_err(|e| {
            Error::internal("The stored document is damaged; import it again.")
                .with_detail(e.to_string())
        })
}

/// Sets (or with `None`, clears) a custom access portal URL after checking its shape.
pub fn set_portal_url(store: &Store, url: Option<&str>) -> Result<()> {
    let mut state = load(store)?;
    state.custom_portal_url = match url.map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(u) => Some(metadata::validate_portal_url(u).map_err(Error::validation)?),
    };
    store.put_json(KEY, &state)
}

/// Records (or withdraws) the admin's word that the Entra enterprise application exists.
pub fn confirm_entra_app(store: &Store, confirmed: bool, now: OffsetDateTime) -> Result<()> {
    let mut state = load(store)?;
    state.entra_app_confirmed_at = confirmed.then(|| crate::time_fmt::rfc3339(now));
    store.put_json(KEY, &state)
}

fn view_doc(doc: &StoredDocument, slot: Slot, now: OffsetDateTime) -> Option<ImportedDocument> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&doc.bytes_b64)
        .ok()?;
    let facts = metadata::inspect(&bytes, Some(slot), now).ok()?;
    Some(ImportedDocument {
        file_name: doc.file_name.clone(),
        source_path: doc.source_path.clone(),
        imported_at: doc.imported_at.clone(),
        facts,
    })
}

/// Everything the Setup steps 1–2 show, recomputed for `now` and the connection.
pub fn view(
    store: &Store,
    connected: &ConnectedInstance,
    now: OffsetDateTime,
) -> Result<FederationView> {
    let state = load(store)?;
    let idp = state.idp.as_ref().and_then(|d| view_doc(d, Slot::Idp, now));
    let sp = state.sp.as_ref().and_then(|d| view_doc(d, Slot::Sp, now));

    let cross_checks = sp
        .as_ref()
        .map(|d| {
            metadata::cross_check(
                &d.facts,
                connected.region.as_deref(),
                connected.identity_store_id.as_deref(),
            )
        })
        .unwrap_or_default();

    let entra_values = sp.as_ref().and_then(|d| {
        let f = &d.facts;
        if f.kind != DocumentKind::AwsSp || f.acs_urls.is_empty() {
            return None;
        }
        let derived = f.directory_id.as_deref().map(metadata::default_portal_url);
        Some(EntraValues {
            identifier: f.entity_id.clone(),
            reply_urls: f.acs_urls.clone(),
            sign_on_url: state.custom_portal_url.clone().or(derived),
            sign_on_url_custom: state.custom_portal_url.is_some(),
        })
    });

    let steps = vec![
        entra_step(&state, idp.as_ref()),
        saml_step(idp.as_ref(), sp.as_ref(), &cross_checks),
    ];
    Ok(FederationView {
        idp,
        sp,
        cross_checks,
        entra_values,
        custom_portal_url: state.custom_portal_url,
        entra_app_confirmed_at: state.entra_app_confirmed_at,
        steps,
        identity_source_console_url: connected
            .region
            .as_deref()
            .map(identity_center_settings_url),
    })
}

fn entra_step(state: &FederationState, idp: Option<&ImportedDocument>) -> SetupStep {
    let (status, summary) = match (idp.map(|d| d.facts.kind), &state.entra_app_confirmed_at) {
        (Some(DocumentKind::EntraIdp), _) => (
            StepStatus::Done,
            "The Entra enterprise application exists: its federation metadata was imported."
                .to_owned(),
        ),
        (_, Some(at)) => (
            StepStatus::Done,
            format!("Confirmed by you on {}.", at.get(..10).unwrap_or(at)),
        ),
        _ => (
            StepStatus::NotStarted,
            "Create the enterprise application in Microsoft Entra ID.".to_owned(),
        ),
    };
    SetupStep {
        id: "entra-app".into(),
        status,
        summary,
    }
}

fn saml_step(
    idp: Option<&ImportedDocument>,
    sp: Option<&ImportedDocument>,
    cross: &[Finding],
) -> SetupStep {
    let all: Vec<&Finding> = idp
        .iter()
        .chain(sp.iter())
        .flat_map(|d| d.facts.findings.iter())
        .chain(cross.iter())
        .collect();
    let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = all.len() - errors;
    let (status, summary) = match (idp, sp) {
        (None, None) => (
            StepStatus::NotStarted,
            "Import the Entra ID federation metadata.".to_owned(),
        ),
        _ if errors > 0 => (
            StepStatus::Attention,
            format!(
                "{errors} problem{} to fix.",
                if errors == 1 { "" } else { "s" }
            ),
        ),
        (Some(_), None) => (
            StepStatus::Attention,
            "Now import the AWS SP metadata.".to_owned(),
        ),
        (None, Some(_)) => (
            StepStatus::Attention,
            "Import the Entra ID federation metadata too.".to_owned(),
        ),
        (Some(_), Some(_)) if warnings > 0 => (
            StepStatus::Attention,
            format!(
                "Both documents imported; {warnings} warning{}.",
                if warnings == 1 { "" } else { "s" }
            ),
        ),
        (Some(_), Some(_)) => (
            StepStatus::Done,
            "Both documents imported and checked; copy the values into Entra.".to_owned(),
        ),
    };
    SetupStep {
        id: "saml".into(),
        status,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 00:00 UTC);

    fn fixture(rel: &str) -> ImportSource {
        ImportSource::Path {
            path: format!(
                "{}/../../tests/fixtures/metadata/{rel}",
                env!("CARGO_MANIFEST_DIR")
            ),
        }
    }

    #[test]
    fn import_both_and_derive_the_entra_values() {
        let store = Store::open_in_memory().unwrap();
        let v = view(&store, &ConnectedInstance::default(), NOW).unwrap();
        assert!(v.steps.iter().all(|s| s.status == StepStatus::NotStarted));

        import(&store, Slot::Idp, &fixture("entra/valid.xml"), NOW).unwrap();
        import(
            &store,
            Slot::Sp,
            &fixture("aws/sp-metadata-multi-acs.xml"),
            NOW,
        )
        .unwrap();
        let connected = ConnectedInstance::default();
        let v = view(&store, &connected, NOW).unwrap();
        let idp = v.idp.as_ref().unwrap();
        assert_eq!(idp.file_name.as_deref(), Some("valid.xml"));
        assert!(idp
            .source_path
            .as_deref()
            .unwrap()
            .ends_with("entra/valid.xml"));
        let e = v.entra_values.as_ref().unwrap();
        let sp = &v.sp.as_ref().unwrap().facts;
        assert_eq!(e.identifier, sp.entity_id);
        assert_eq!(e.reply_urls, sp.acs_urls);
        assert_eq!(Some(&e.reply_urls[0]), sp.default_acs_url.as_ref());
        assert_eq!(
            e.sign_on_url.as_deref(),
            Some(metadata::default_portal_url(sp.directory_id.as_deref().unwrap()).as_str())
        );
        assert_eq!(v.steps[0].status, StepStatus::Done);
        assert_eq!(v.steps[1].status, StepStatus::Done, "{:?}", v.steps[1]);

        set_portal_url(&store, Some("https://my-corp.awsapps.com/start")).unwrap();
        let v = view(&store, &connected, NOW).unwrap();
        assert!(v.entra_values.as_ref().unwrap().sign_on_url_custom);
        let err = set_portal_url(&store, Some("https://example.com/")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Validation);
    }

    #[test]
    fn a_failed_import_keeps_the_previous_document() {
        let store = Store::open_in_memory().unwrap();
        import(&store, Slot::Idp, &fixture("entra/valid.xml"), NOW).unwrap();
        let before = view(&store, &ConnectedInstance::default(), NOW)
            .unwrap()
            .idp
            .unwrap()
            .facts;
        for bad in [
            "bad/truncated.xml",
            "bad/xxe.xml",
            "aws/sp-metadata.xml",
            "bad/empty.xml",
        ] {
            let err = import(&store, Slot::Idp, &fixture(bad), NOW).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Validation, "{bad}");
            assert!(err.detail.is_some(), "{bad}: the code is in the detail");
        }
        let err = import(
            &store,
            Slot::Idp,
            &ImportSource::Text { text: "   ".into() },
            NOW,
        )
        .unwrap_err();
        assert_eq!(err.detail.as_deref(), Some(codes::EMPTY));
        let after = view(&store, &ConnectedInstance::default(), NOW)
            .unwrap()
            .idp
            .unwrap()
            .facts;
        assert_eq!(before, after);
    }

    #[test]
    fn cross_checks_against_the_connection_turn_the_step_to_attention() {
        let store = Store::open_in_memory().unwrap();
        import(&store, Slot::Idp, &fixture("entra/valid.xml"), NOW).unwrap();
        import(&store, Slot::Sp, &fixture("aws/sp-metadata.xml"), NOW).unwrap();
        let connected = ConnectedInstance {
            region: Some("eu-central-1".into()),
            identity_store_id: Some("d-0000000000".into()),
        };
        let v = view(&store, &connected, NOW).unwrap();
        let codes_: Vec<&str> = v.cross_checks.iter().map(|f| f.code.as_str()).collect();
        assert!(codes_.contains(&codes::REGION_MISMATCH), "{codes_:?}");
        assert!(codes_.contains(&codes::DIRECTORY_MISMATCH), "{codes_:?}");
        assert_eq!(v.steps[1].status, StepStatus::Attention);
        assert!(v
            .identity_source_console_url
            .unwrap()
            .contains("eu-central-1"));
    }

    #[test]
    fn pasted_text_is_accepted_and_can_be_saved_back() {
        let store = Store::open_in_memory().unwrap();
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/fixtures/metadata/entra/valid.xml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        import(
            &store,
            Slot::Idp,
            &ImportSource::Text { text: text.clone() },
            NOW,
        )
        .unwrap();
        assert_eq!(document_bytes(&store, Slot::Idp).unwrap(), text.as_bytes());
        let v = view(&store, &ConnectedInstance::default(), NOW).unwrap();
        assert!(v.idp.unwrap().source_path.is_none());
        clear(&store, Slot::Idp).unwrap();
        assert!(document_bytes(&store, Slot::Idp).is_err());
    }

    #[test]
    fn confirmation_without_a_document() {
        let store = Store::open_in_memory().unwrap();
        confirm_entra_app(&store, true, NOW).unwrap();
        let v = view(&store, &ConnectedInstance::default(), NOW).unwrap();
        assert_eq!(v.steps[0].status, StepStatus::Done);
        assert_eq!(v.steps[0].summary, "Confirmed by you on 2026-11-23.");
    }
}
