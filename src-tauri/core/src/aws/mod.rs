//! Everything that talks to AWS: sessions, identity, regions, error mapping.
//!
//! The SDK is used through aws-config's own credential chain; every error goes through
//! [`errors::map_sdk_error`] exactly once.

pub mod errors;
pub mod identity;
pub mod profiles;
pub mod regions;
pub mod session;

pub use identity::{AccountRole, Identity, InstanceInfo, OrganizationInfo};
pub use profiles::{list_profiles, ProfileInfo, ProfileKind};
pub use regions::{find_instance_regions, RegionInstance, IDENTITY_CENTER_REGIONS};
pub use session::{AwsSession, ConnectionSpec, CredentialSource};
