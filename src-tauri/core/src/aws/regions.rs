//! Regions where IAM Identity Center can live, and finding the one that holds the instance.
//!
//! An organisation has one Identity Center instance, in one region. When the admin's chosen
//! region has none, [`find_instance_regions`] asks every region concurrently (a bounded
//! number at a time), streaming progress and honouring cancellation.

use std::sync::Arc;

use futures::StreamExt;
use serde::Serialize;

use super::session::AwsSession;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::{CancellationToken, Progress, ProgressSink};

/// Commercial regions where IAM Identity Center is available.
pub const IDENTITY_CENTER_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// At most this many regions are asked at once.
const CONCURRENCY: usize = 8;

/// Checks the shape of a region name (`eu-west-1`, `us-gov-west-1`, …).
pub fn validate_region(region: &str) -> Result<()> {
    let parts: Vec<&str> = region.split('-').collect();
    let ok = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(Error::validation(format!(
            "\"{region}\" is not an AWS region name. Use a name like eu-west-1 or us-east-1."
        )))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct RegionInstance {
    pub region: String,
    pub instance_arn: String,
    pub identity_store_id: String,
}

/// Asks `regions` for an Identity Center instance, concurrently. Regions that refuse the
/// credentials (opt-in regions not enabled) count as "no instance". Any other error from
/// every region is returned (e.g. no network at all).
pub async fn find_instance_regions(
    session: &AwsSession,
    regions: &[&str],
    progress: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
) -> Result<Vec<RegionInstance>> {
    let total = regions.len() as u32;
    progress.report(Progress {
        done: 0,
        total,
        message: format!("Looking for IAM Identity Center in {total} regions…"),
    });
    // Owned sessions and names: the futures must not borrow (they run on any worker).
    let asks: Vec<(String, AwsSession)> = regions
        .iter()
        .map(|r| (r.to_string(), session.in_region(r)))
        .collect();
    let mut stream = futures::stream::iter(asks.into_iter().map(|(region, s)| async move {
        let result = s.list_instances().await;
        (region, result)
    }))
    .buffer_unordered(CONCURRENCY);

    let mut found = Vec::new();
    let mut last_error: Option<Error> = None;
    let mut done = 0;
    let mut answered = 0;
    loop {
        let next = tokio::select! {
            _ = cancel.cancelled() => return Err(Error::cancelled()),
            n = stream.next() => n,
        };
        let Some((region, result)) = next else { break };
        done += 1;
        match result {
            Ok(instances) => {
                answered += 1;
                found.extend(instances.into_iter().map(|i| RegionInstance {
                    region: region.clone(),
                    instance_arn: i.instance_arn,
                    identity_store_id: i.identity_store_id,
                }));
            }
            Err(e) if e.kind == ErrorKind::Credentials => answered += 1, // region not enabled
            Err(e) => last_error = Some(e),
        }
        progress.report(Progress {
            done,
            total,
            message: format!("Asked {done} of {total} regions, found {}", found.len()),
        });
    }
    if answered == 0 {
        if let Some(e) = last_error {
            return Err(e);
        }
    }
    found.sort_by(|a, b| a.region.cmp(&b.region));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_shapes() {
        for ok in ["eu-west-1", "us-gov-west-1", "ap-southeast-4"] {
            validate_region(ok).unwrap();
        }
        for bad in ["", "eu-west", "EU-WEST-1", "eu west 1", "eu-west-x"] {
            assert_eq!(
                validate_region(bad).unwrap_err().kind,
                ErrorKind::Validation,
                "{bad}"
            );
        }
        for r in IDENTITY_CENTER_REGIONS {
            validate_region(r).unwrap();
        }
    }
}
