//! Reading a [`Snapshot`] from AWS with as few requests as the organisation allows.
//!
//! Three independent parts run concurrently, each on its own service: the OU tree with its
//! accounts (ListRoots, then ListOrganizationalUnitsForParent and ListAccountsForParent per
//! parent, so every account's OU comes with it — no ListAccounts + ListParents per account),
//! the directory (ListUsers, ListGroups, ListGroupMemberships per group) and the permission
//! sets (ListPermissionSets, then six calls per set at once: DescribePermissionSet and its
//! definition — managed policies, customer managed references, inline policy, permissions
//! boundary, tags — which export and the administrator-access report need).
//!
//! Account assignments can only be listed per account × permission set
//! (ListAccountAssignments) or per principal (ListAccountAssignmentsForPrincipal, which AWS
//! allows only from the management account for an organisation instance).
//! [`choose_strategy`] picks the cheaper by counts: per principal costs one call per group
//! and user; per account × set costs one call per permission set to find where it is
//! provisioned (ListAccountsForProvisionedPermissionSet) plus one per provisioned pair. When
//! the principals are no more than the permission sets, per principal wins outright;
//! otherwise the provisioned pairs are counted first and compared.
//!
//! Every call goes through one gate per service: a bounded number in flight and a pace
//! within AWS's documented rates (about 20 requests per second for sso-admin and the
//! Identity Store). The pace adapts: an SDK interceptor sees every attempt's answer, halves
//! the service's rate on a throttling answer (at most once a second, never below one request
//! per second) and raises it again by half a request per second with each success. The SDK
//! retries a throttled call itself (standard mode: jittered exponential backoff); a call
//! still throttled after that is retried here with a growing, jittered wait.
//!
//! The SDK's adaptive mode is not used (the session uses standard mode too): its
//! client-side limiter is shared per service and region, drops to 0.5 requests per second
//! after a throttled burst, and its waits count against the operation timeout. Against the
//! test layer that turned one throttled call into a 65-second load and, under 30 % random
//! throttling, into operation timeouts; the gate knows the whole load and recovers in
//! seconds.
//!
//! The same interceptor counts requests as they are transmitted (SDK retries included), so
//! the count is what AWS saw. Cancellation stops at the next await point, dropping requests
//! in flight.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

use super::{
    Account, Assignment, AssignmentStrategy, CustomerPolicyRef, Group, LoadStats, Ou,
    PermissionSetSummary, PermissionsBoundary, PrincipalType, Snapshot, TagPair, User,
};
use crate::aws::{AccountRole, AwsSession, Identity};
use crate::error::{Error, ErrorKind, Result};
use crate::progress::{CancellationToken, Progress, ProgressSink};

/// Largest page each list call allows (Organizations: 20; the others: 100).
const ORG_PAGE: i32 = 20;
const PAGE: i32 = 100;

/// What to read: the instance, in its region, and who is asking.
#[derive(Debug, Clone)]
pub struct Target {
    /// A session in the instance's region.
    pub session: AwsSession,
    pub instance_arn: String,
    pub identity_store_id: String,
    pub caller_account_id: String,
    pub management_account_id: Option<String>,
}

impl Target {
    /// The connected identity's instance, in the instance's region.
    pub fn from_identity(session: &AwsSession, identity: &Identity) -> Result<Self> {
        let instance = identity.instance.as_ref().ok_or_else(|| {
            Error::not_found(format!(
                "There is no IAM Identity Center instance in {} for this connection, so there \
                 are no account assignments to read. Connect to the region of your instance \
                 (the connection dialog can search every region).",
                identity.region
            ))
        })?;
        if identity.role == AccountRole::AccountInstance {
            return Err(Error::not_found(
                "This is an account instance of IAM Identity Center: it has no AWS account \
                 assignments. Connect with the organization's management account or its \
                 delegated administrator.",
            ));
        }
        let session = if session.region() == instance.region {
            session.clone()
        } else {
            session.in_region(&instance.region)
        };
        Ok(Self {
            session,
            instance_arn: instance.instance_arn.clone(),
            identity_store_id: instance.identity_store_id.clone(),
            caller_account_id: identity.account_id.clone(),
            management_account_id: identity
                .organization
                .as_ref()
                .map(|o| o.management_account_id.clone()),
        })
    }

    /// AWS answers ListAccountAssignmentsForPrincipal for an organisation instance only when
    /// called from the management account.
    pub fn per_principal_allowed(&self) -> bool {
        self.management_account_id.as_deref() == Some(self.caller_account_id.as_str())
    }
}

/// How many calls may be in flight for one service, and how many may start per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLimit {
    pub concurrency: usize,
    /// `None`: no pacing (only the concurrency bound).
    pub per_second: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLimits {
    pub sso_admin: ServiceLimit,
    pub identity_store: ServiceLimit,
    pub organizations: ServiceLimit,
}

impl Default for ServiceLimits {
    /// sso-admin and the Identity Store allow about 20 requests per second each;
    /// Organizations is paced more gently (it throttles bursts of list calls).
    fn default() -> Self {
        Self {
            sso_admin: ServiceLimit {
                concurrency: 8,
                per_second: Some(20.0),
            },
            identity_store: ServiceLimit {
                concurrency: 4,
                per_second: Some(20.0),
            },
            organizations: ServiceLimit {
                concurrency: 4,
                per_second: Some(10.0),
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Force a strategy (tests, benchmarks); `None` chooses by counts.
    pub strategy: Option<AssignmentStrategy>,
    pub limits: ServiceLimits,
    /// How often a call still throttled after the SDK's retries is tried again.
    pub throttle_retries: u32,
    /// The first wait before such a retry; it doubles each time (jittered, at most 30 s).
    pub throttle_backoff: Duration,
    /// Distinct account × permission set pairs holding an assignment in the instance's
    /// previous snapshot: a lower bound of the provisioned pairs, so when it is at least the
    /// number of users and groups, reading per principal is cheaper without counting first.
    pub pairs_hint: Option<u32>,
    /// Read each group's members (one `ListGroupMemberships` per group): what shows users'
    /// access through groups. The app always does; `gatehouse snapshot` only when asked.
    pub members: bool,
    /// Read each permission set's definition (policies, boundary, tags: five more calls a
    /// set). Without it a set has its name, description, session and relay state only
    /// (`definition_loaded: false`).
    pub definitions: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            strategy: None,
            limits: ServiceLimits::default(),
            throttle_retries: 4,
            throttle_backoff: Duration::from_secs(2),
            pairs_hint: None,
            members: true,
            definitions: true,
        }
    }
}

/// The outcome of [`choose_strategy`].
#[derive(Debug, Clone, PartialEq)]
pub enum StrategyChoice {
    Use {
        strategy: AssignmentStrategy,
        reason: String,
    },
    /// Per account × set may be cheaper: count the provisioned pairs first (one call per
    /// permission set), then ask again with `provisioned_pairs`.
    CountProvisioned,
}

/// Picks the strategy with the fewest requests. `principals` is groups + users;
/// `provisioned_pairs` is Σ accounts per permission set, once counted.
pub fn choose_strategy(
    forced: Option<AssignmentStrategy>,
    per_principal_allowed: bool,
    permission_sets: u32,
    principals: u32,
    provisioned_pairs: Option<u32>,
) -> StrategyChoice {
    use AssignmentStrategy::*;
    let per_pair = |pairs: u32, reason: String| StrategyChoice::Use {
        strategy: PerAccountPermissionSet,
        reason: format!(
            "{reason} ({permission_sets} calls to find where the permission sets are \
             provisioned, then about {pairs} for the account × permission set pairs)."
        ),
    };
    match (forced, provisioned_pairs) {
        (Some(PerPrincipal), _) => StrategyChoice::Use {
            strategy: PerPrincipal,
            reason: format!("Per user and group, as asked (about {principals} calls)."),
        },
        (Some(PerAccountPermissionSet), None) => StrategyChoice::CountProvisioned,
        (Some(PerAccountPermissionSet), Some(pairs)) => {
            per_pair(pairs, "Per account and permission set, as asked".into())
        }
        (None, _) if permission_sets == 0 => StrategyChoice::Use {
            strategy: PerAccountPermissionSet,
            reason: "There are no permission sets, so there are no account assignments to read."
                .into(),
        },
        (None, None) if !per_principal_allowed => StrategyChoice::CountProvisioned,
        (None, Some(pairs)) if !per_principal_allowed => per_pair(
            pairs,
            "Only the organization's management account may list assignments per user or \
             group, so Gatehouse reads them per account and permission set"
                .into(),
        ),
        (None, None) if principals <= permission_sets => StrategyChoice::Use {
            strategy: PerPrincipal,
            reason: format!(
                "Per user and group: about {principals} calls, no more than the \
                 {permission_sets} needed just to find where the permission sets are \
                 provisioned."
            ),
        },
        (None, None) => StrategyChoice::CountProvisioned,
        (None, Some(pairs)) if pairs <= principals => per_pair(
            pairs,
            format!(
                "Per account and permission set: {pairs} provisioned pairs against \
                 {principals} users and groups"
            ),
        ),
        (None, Some(pairs)) => StrategyChoice::Use {
            strategy: PerPrincipal,
            reason: format!(
                "Per user and group: about {principals} calls against {pairs} provisioned \
                 account × permission set pairs (after {permission_sets} calls to count them)."
            ),
        },
    }
}

/// With a previous snapshot's pair count: per principal, without counting the provisioned
/// pairs, when that is already no more expensive than the pairs known to exist.
pub fn per_principal_by_hint(principals: u32, pairs_hint: Option<u32>) -> Option<String> {
    let pairs = pairs_hint?;
    (principals <= pairs).then(|| {
        format!(
            "Per user and group: about {principals} calls, no more than the {pairs} account × \
             permission set pairs that held assignments at the last snapshot (so the provisioned \
             pairs were not counted again)."
        )
    })
}

/// Counts requests as the SDK transmits them (each retry attempt too), by operation.
#[derive(Debug, Clone, Default)]
struct RequestCounter(Arc<Mutex<BTreeMap<String, u32>>>);

impl RequestCounter {
    fn snapshot(&self) -> BTreeMap<String, u32> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Sits in one service's SDK client: counts each transmitted attempt and tells the
/// service's gate how AWS answered.
#[derive(Debug, Clone)]
struct Observer {
    counter: RequestCounter,
    gate: Arc<Gate>,
}

impl Intercept for Observer {
    fn name(&self) -> &'static str {
        "GatehouseObserver"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let op = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        *self
            .counter
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(op)
            .or_default() += 1;
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response() {
            let status = response.status().as_u16();
            if is_throttling(status, response.headers().get("x-amzn-errortype")) {
                self.gate.throttled();
            } else if status < 300 {
                self.gate.succeeded();
            }
        }
        Ok(())
    }
}

/// A throttling answer of the JSON protocols (sso-admin, identitystore, organizations).
fn is_throttling(status: u16, error_type: Option<&str>) -> bool {
    status == 429
        || error_type.is_some_and(|t| {
            ["Throttling", "TooManyRequests", "RequestLimitExceeded"]
                .iter()
                .any(|code| t.contains(code))
        })
}

/// The slowest pace a throttled service is brought down to (requests per second).
const MIN_RATE: f64 = 1.0;
/// How much each success raises a lowered pace (requests per second).
const RATE_STEP: f64 = 0.5;
/// Throttling answers within this long of a slow-down count as the same burst.
const SLOWDOWN_WINDOW: Duration = Duration::from_secs(1);
/// Calls may start this far ahead of the even pace (a burst of half a second's worth, as
/// AWS's token buckets allow), then the pace holds.
const BURST: Duration = Duration::from_millis(500);

/// Bounds one service: a number of calls in flight and an even, adaptive pace.
#[derive(Debug)]
struct Gate {
    permits: Semaphore,
    /// The configured pace; `None`: not paced.
    max_rate: Option<f64>,
    pace: Mutex<Pace>,
}

#[derive(Debug)]
struct Pace {
    /// The current pace (requests per second).
    rate: f64,
    /// When the next call may start.
    next: Instant,
    /// The last slow-down.
    slowed_at: Option<Instant>,
}

impl Gate {
    fn new(limit: ServiceLimit) -> Self {
        let max_rate = limit.per_second.filter(|r| *r > 0.0);
        Self {
            permits: Semaphore::new(limit.concurrency.max(1)),
            max_rate,
            pace: Mutex::new(Pace {
                rate: max_rate.unwrap_or(0.0),
                next: Instant::now(),
                slowed_at: None,
            }),
        }
    }

    fn pace(&self) -> std::sync::MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn enter(&self) -> SemaphorePermit<'_> {
        let permit = self
            .permits
            .acquire()
            .await
            .expect("the gate is never closed");
        if self.max_rate.is_some() {
            let slot = {
                // GCRA: `next` is when the call would start at an even pace; it may start
                // up to BURST earlier.
                let mut pace = self.pace();
                let now = Instant::now();
                let due = pace.next.max(now);
                pace.next = due + Duration::from_secs_f64(1.0 / pace.rate);
                due.checked_sub(BURST).unwrap_or(now).max(now)
            };
            tokio::time::sleep_until(slot).await;
        }
        permit
    }

    /// AWS throttled a call: halve the pace, once per burst.
    fn throttled(&self) {
        let Some(max) = self.max_rate else {
            return;
        };
        let now = Instant::now();
        let mut pace = self.pace();
        if pace
            .slowed_at
            .is_some_and(|t| now.duration_since(t) < SLOWDOWN_WINDOW)
        {
            return;
        }
        pace.slowed_at = Some(now);
        pace.rate = (pace.rate / 2.0).max(MIN_RATE.min(max));
    }

    /// A call succeeded: recover the pace step by step.
    fn succeeded(&self) {
        if let Some(max) = self.max_rate {
            let mut pace = self.pace();
            pace.rate = (pace.rate + RATE_STEP).min(max);
        }
    }

    #[cfg(test)]
    fn rate(&self) -> f64 {
        self.pace().rate
    }
}

/// Everything one load shares.
struct Ctx {
    target: Target,
    sso: aws_sdk_ssoadmin::Client,
    ids: aws_sdk_identitystore::Client,
    org: aws_sdk_organizations::Client,
    sso_gate: Arc<Gate>,
    ids_gate: Arc<Gate>,
    org_gate: Arc<Gate>,
    counter: RequestCounter,
    throttled_retries: AtomicU32,
    options: LoadOptions,
    cancel: CancellationToken,
    progress: Arc<dyn ProgressSink>,
    last: Mutex<Progress>,
}

impl Ctx {
    fn report(&self, done: u32, total: u32, message: impl Into<String>) {
        let p = Progress {
            done,
            total,
            message: message.into(),
        };
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = p.clone();
        self.progress.report(p);
    }

    /// A message on top of the current done/total (a part finished, a throttling wait).
    fn note(&self, message: impl Into<String>) {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        self.progress.report(Progress {
            message: message.into(),
            ..last
        });
    }

    /// One AWS call through `gate`, cancellable, retried when still throttled.
    async fn call<T, E, Fut>(&self, gate: &Gate, action: &str, send: impl Fn() -> Fut) -> Result<T>
    where
        Fut: Future<Output = std::result::Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let mut retries = 0;
        loop {
            let result = tokio::select! {
                _ = self.cancel.cancelled() => return Err(Error::cancelled()),
                r = async {
                    let _permit = gate.enter().await;
                    send().await
                } => r,
            };
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) => self.target.session.err(action, e),
            };
            if err.kind != ErrorKind::Throttled || retries >= self.options.throttle_retries {
                return Err(err);
            }
            retries += 1;
            self.throttled_retries.fetch_add(1, Ordering::Relaxed);
            let wait = backoff(self.options.throttle_backoff, retries);
            self.note(format!(
                "AWS is throttling {action}; trying again in {} s.",
                wait.as_secs_f64().ceil() as u64
            ));
            tokio::select! {
                _ = self.cancel.cancelled() => return Err(Error::cancelled()),
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
}

/// `first` × 2^(n-1), at most 30 s, with ±25 % jitter so concurrent retries spread out.
pub(crate) fn backoff(first: Duration, n: u32) -> Duration {
    let base = first
        .saturating_mul(1u32 << (n.saturating_sub(1)).min(10))
        .min(Duration::from_secs(30));
    let r = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let factor = 0.75 + (r % 1000) as f64 / 2000.0;
    base.mul_f64(factor)
}

/// Reads the whole access state of `target`.
pub async fn load(
    target: &Target,
    options: &LoadOptions,
    progress: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
) -> Result<Snapshot> {
    let started = std::time::Instant::now();
    let taken_at = crate::time_fmt::now_rfc3339();
    let counter = RequestCounter::default();
    let config = &target.session.config;
    let retry = RetryConfig::standard().with_max_attempts(5);
    let sso_gate = Arc::new(Gate::new(options.limits.sso_admin));
    let ids_gate = Arc::new(Gate::new(options.limits.identity_store));
    let org_gate = Arc::new(Gate::new(options.limits.organizations));
    let observer = |gate: &Arc<Gate>| Observer {
        counter: counter.clone(),
        gate: gate.clone(),
    };
    let ctx = Arc::new(Ctx {
        sso: aws_sdk_ssoadmin::Client::from_conf(
            aws_sdk_ssoadmin::config::Builder::from(config)
                .retry_config(retry.clone())
                .interceptor(observer(&sso_gate))
                .build(),
        ),
        ids: aws_sdk_identitystore::Client::from_conf(
            aws_sdk_identitystore::config::Builder::from(config)
                .retry_config(retry.clone())
                .interceptor(observer(&ids_gate))
                .build(),
        ),
        org: aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(config)
                .retry_config(retry)
                .interceptor(observer(&org_gate))
                .build(),
        ),
        sso_gate,
        ids_gate,
        org_gate,
        counter,
        throttled_retries: AtomicU32::new(0),
        options: options.clone(),
        cancel,
        progress,
        last: Mutex::new(Progress {
            done: 0,
            total: 0,
            message: String::new(),
        }),
        target: target.clone(),
    });
    if ctx.cancel.is_cancelled() {
        return Err(Error::cancelled());
    }

    ctx.report(
        0,
        3,
        "Reading the organization, users and groups, and permission sets…",
    );
    // The OU tree (Organizations) runs alongside everything else; the assignments need
    // only the permission sets and the principals, so they start as soon as those are read.
    // Until then progress counts the three parts; afterwards the assignment calls, and the
    // organisation's completion is a message on top of their count.
    let parts_done = AtomicU32::new(0);
    let assignments_started = std::sync::atomic::AtomicBool::new(false);
    let part = |message: String| {
        let done = parts_done.fetch_add(1, Ordering::Relaxed) + 1;
        if assignments_started.load(Ordering::Relaxed) {
            ctx.note(message);
        } else {
            ctx.report(done, 3, message);
        }
    };
    let (org, (users, groups, permission_sets, assignments, strategy, strategy_reason)) = tokio::try_join!(
        async {
            let org = load_organization(ctx.clone()).await?;
            part(format!(
                "Read {} accounts in {} OUs.",
                org.accounts.len(),
                org.ous.len()
            ));
            Ok::<_, Error>(org)
        },
        async {
            let ((users, groups), permission_sets) = tokio::try_join!(
                async {
                    let dir = load_directory(ctx.clone()).await?;
                    part(format!(
                        "Read {} users and {} groups.",
                        dir.0.len(),
                        dir.1.len()
                    ));
                    Ok::<_, Error>(dir)
                },
                async {
                    let sets = load_permission_sets(ctx.clone()).await?;
                    part(format!("Read {} permission sets.", sets.len()));
                    Ok(sets)
                },
            )?;
            assignments_started.store(true, Ordering::Relaxed);
            let (assignments, strategy, reason) =
                load_assignments(ctx.clone(), &permission_sets, &groups, &users).await?;
            Ok((
                users,
                groups,
                permission_sets,
                assignments,
                strategy,
                reason,
            ))
        },
    )?;

    let by_operation = ctx.counter.snapshot();
    let mut snapshot = Snapshot {
        taken_at,
        instance_arn: target.instance_arn.clone(),
        identity_store_id: target.identity_store_id.clone(),
        region: target.session.region().to_owned(),
        management_account_id: target.management_account_id.clone(),
        root_id: org.root_id,
        ous: org.ous,
        accounts: org.accounts,
        groups,
        users,
        permission_sets,
        assignments,
        members_loaded: options.members,
        stats: LoadStats {
            requests: by_operation.values().sum(),
            requests_by_operation: by_operation,
            strategy,
            strategy_reason,
            throttled_retries: ctx.throttled_retries.load(Ordering::Relaxed),
            seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        },
    };
    snapshot.normalize();
    ctx.report(
        1,
        1,
        format!(
            "Read {} accounts, {} users, {} groups, {} permission sets and {} assignments \
             ({} requests, {:.1} s).",
            snapshot.accounts.len(),
            snapshot.users.len(),
            snapshot.groups.len(),
            snapshot.permission_sets.len(),
            snapshot.assignments.len(),
            snapshot.stats.requests,
            snapshot.stats.seconds
        ),
    );
    Ok(snapshot)
}

// ---------------------------------------------------------------------------- organization

struct Organization {
    root_id: String,
    ous: Vec<Ou>,
    accounts: Vec<Account>,
}

enum OrgPage {
    Ous(Vec<(String, String, String)>), // (id, name, parent)
    Accounts(Vec<(aws_sdk_organizations::types::Account, String)>), // (account, parent)
}

async fn load_organization(ctx: Arc<Ctx>) -> Result<Organization> {
    let c = &*ctx;
    let roots: Vec<String> = all_pages(|token| async move {
        let req = c
            .org
            .list_roots()
            .max_results(ORG_PAGE)
            .set_next_token(token);
        let page = c
            .call(&c.org_gate, "organizations:ListRoots", || {
                req.clone().send()
            })
            .await?;
        let ids = page
            .roots
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| r.id);
        Ok((ids.collect(), page.next_token))
    })
    .await?;
    let root_id = roots
        .first()
        .cloned()
        .ok_or_else(|| Error::internal("AWS Organizations answered ListRoots without a root."))?;

    let mut pending: FuturesUnordered<BoxFuture<'static, Result<OrgPage>>> =
        FuturesUnordered::new();
    let visit = |pending: &mut FuturesUnordered<_>, parent: &str| {
        pending.push(child_ous(ctx.clone(), parent.to_owned()).boxed());
        pending.push(child_accounts(ctx.clone(), parent.to_owned()).boxed());
    };
    for r in &roots {
        visit(&mut pending, r);
    }
    let mut ous: Vec<(String, String, String)> = Vec::new();
    let mut accounts = Vec::new();
    while let Some(page) = pending.next().await {
        match page? {
            OrgPage::Ous(found) => {
                for (id, _, _) in &found {
                    visit(&mut pending, id);
                }
                ous.extend(found);
            }
            OrgPage::Accounts(found) => accounts.extend(found),
        }
    }

    let by_id: HashMap<&str, (&str, &str)> = ous
        .iter()
        .map(|(id, name, parent)| (id.as_str(), (name.as_str(), parent.as_str())))
        .collect();
    let path_of = |id: &str| -> String {
        let mut names = Vec::new();
        let mut cur = id;
        // The tree has at most 5 levels of OUs; the bound guards against a cycle.
        while let Some((name, parent)) = by_id.get(cur) {
            names.push(*name);
            cur = parent;
            if names.len() > 64 {
                break;
            }
        }
        names.reverse();
        format!("/{}", names.join("/"))
    };
    let out_ous = ous
        .iter()
        .map(|(id, name, parent)| Ou {
            id: id.clone(),
            name: name.clone(),
            parent_id: parent.clone(),
            path: path_of(id),
        })
        .collect();
    let out_accounts = accounts
        .into_iter()
        .filter_map(|(a, parent)| {
            let id = a.id?;
            Some(Account {
                name: a.name.unwrap_or_else(|| id.clone()),
                email: a.email,
                status: a.status.map(|s| s.as_str().to_owned()),
                ou_path: path_of(&parent),
                ou_id: parent,
                id,
            })
        })
        .collect();
    Ok(Organization {
        root_id,
        ous: out_ous,
        accounts: out_accounts,
    })
}

async fn child_ous(ctx: Arc<Ctx>, parent: String) -> Result<OrgPage> {
    let (ctx, parent) = (&*ctx, parent.as_str());
    let ous = all_pages(|token| async move {
        let req = ctx
            .org
            .list_organizational_units_for_parent()
            .parent_id(parent)
            .max_results(ORG_PAGE)
            .set_next_token(token);
        let page = ctx
            .call(
                &ctx.org_gate,
                "organizations:ListOrganizationalUnitsForParent",
                || req.clone().send(),
            )
            .await?;
        let ous = page.organizational_units.unwrap_or_default().into_iter();
        let ous = ous.filter_map(|ou| {
            let id = ou.id?;
            let name = ou.name.unwrap_or_else(|| id.clone());
            Some((id, name, parent.to_owned()))
        });
        Ok((ous.collect(), page.next_token))
    })
    .await?;
    Ok(OrgPage::Ous(ous))
}

async fn child_accounts(ctx: Arc<Ctx>, parent: String) -> Result<OrgPage> {
    let (ctx, parent) = (&*ctx, parent.as_str());
    let accounts = all_pages(|token| async move {
        let req = ctx
            .org
            .list_accounts_for_parent()
            .parent_id(parent)
            .max_results(ORG_PAGE)
            .set_next_token(token);
        let page = ctx
            .call(&ctx.org_gate, "organizations:ListAccountsForParent", || {
                req.clone().send()
            })
            .await?;
        let accounts = page.accounts.unwrap_or_default().into_iter();
        Ok((
            accounts.map(|a| (a, parent.to_owned())).collect(),
            page.next_token,
        ))
    })
    .await?;
    Ok(OrgPage::Accounts(accounts))
}

// ---------------------------------------------------------------------------- directory

async fn load_directory(ctx: Arc<Ctx>) -> Result<(Vec<User>, Vec<Group>)> {
    let (users, mut groups) = tokio::try_join!(list_users(&ctx), list_groups(&ctx))?;
    if !ctx.options.members {
        return Ok((users, groups));
    }
    let mut pending: FuturesUnordered<_> = groups
        .iter()
        .map(|g| group_members(ctx.clone(), g.id.clone()).boxed())
        .collect();
    let mut members: HashMap<String, Vec<String>> = HashMap::new();
    while let Some(result) = pending.next().await {
        let (group_id, ids) = result?;
        members.insert(group_id, ids);
    }
    for g in &mut groups {
        g.member_user_ids = members.remove(&g.id).unwrap_or_default();
    }
    Ok((users, groups))
}

async fn list_users(ctx: &Ctx) -> Result<Vec<User>> {
    all_pages(|token| async move {
        let req = ctx
            .ids
            .list_users()
            .identity_store_id(&ctx.target.identity_store_id)
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(&ctx.ids_gate, "identitystore:ListUsers", || {
                req.clone().send()
            })
            .await?;
        let users = page.users.into_iter().map(|u| {
            let emails = u.emails.unwrap_or_default();
            let email = emails
                .iter()
                .find(|e| e.primary)
                .or(emails.first())
                .and_then(|e| e.value.clone())
                .filter(|e| !e.trim().is_empty());
            User {
                user_name: u.user_name.unwrap_or_else(|| u.user_id.clone()),
                id: u.user_id,
                display_name: u.display_name,
                email,
            }
        });
        Ok((users.collect(), page.next_token))
    })
    .await
}

async fn list_groups(ctx: &Ctx) -> Result<Vec<Group>> {
    all_pages(|token| async move {
        let req = ctx
            .ids
            .list_groups()
            .identity_store_id(&ctx.target.identity_store_id)
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(&ctx.ids_gate, "identitystore:ListGroups", || {
                req.clone().send()
            })
            .await?;
        let groups = page.groups.into_iter().map(|g| Group {
            display_name: g
                .display_name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| g.group_id.clone()),
            id: g.group_id,
            description: g.description,
            member_user_ids: Vec::new(),
        });
        Ok((groups.collect(), page.next_token))
    })
    .await
}

async fn group_members(ctx: Arc<Ctx>, group_id: String) -> Result<(String, Vec<String>)> {
    let (ctx, gid) = (&*ctx, group_id.as_str());
    let members = all_pages(|token| async move {
        let req = ctx
            .ids
            .list_group_memberships()
            .identity_store_id(&ctx.target.identity_store_id)
            .group_id(gid)
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(&ctx.ids_gate, "identitystore:ListGroupMemberships", || {
                req.clone().send()
            })
            .await?;
        let users = page
            .group_memberships
            .into_iter()
            .filter_map(|m| match m.member_id {
                Some(aws_sdk_identitystore::types::MemberId::UserId(id)) => Some(id),
                _ => None,
            });
        Ok((users.collect(), page.next_token))
    })
    .await?;
    Ok((group_id, members))
}

// ---------------------------------------------------------------------------- permission sets

async fn load_permission_sets(ctx: Arc<Ctx>) -> Result<Vec<PermissionSetSummary>> {
    let c = &*ctx;
    let mut arns: Vec<String> = all_pages(|token| async move {
        let req = c
            .sso
            .list_permission_sets()
            .instance_arn(&c.target.instance_arn)
            .max_results(PAGE)
            .set_next_token(token);
        let page = c
            .call(&c.sso_gate, "sso:ListPermissionSets", || req.clone().send())
            .await?;
        Ok((page.permission_sets.unwrap_or_default(), page.next_token))
    })
    .await?;
    arns.sort();
    arns.dedup();
    let mut pending: FuturesUnordered<_> = arns
        .into_iter()
        .map(|arn| permission_set(ctx.clone(), arn).boxed())
        .collect();
    let mut out = Vec::new();
    while let Some(ps) = pending.next().await {
        out.push(ps?);
    }
    Ok(out)
}

/// One set with its full definition: six calls, all at once through the sso-admin gate
/// (AWS has no call that returns a set with its policies); only the first without
/// [`LoadOptions::definitions`].
async fn permission_set(ctx: Arc<Ctx>, arn: String) -> Result<PermissionSetSummary> {
    if !ctx.options.definitions {
        let mut summary = described_summary(arn.clone(), describe_set(&ctx, &arn).await?);
        summary.definition_loaded = false;
        return Ok(summary);
    }
    let (described, managed, customer, inline, boundary, tags) = tokio::try_join!(
        describe_set(&ctx, &arn),
        managed_policies(&ctx, &arn),
        customer_policies(&ctx, &arn),
        inline_policy(&ctx, &arn),
        permissions_boundary(&ctx, &arn),
        set_tags(&ctx, &arn),
    )?;
    let mut summary = PermissionSetSummary {
        managed_policy_arns: managed,
        customer_managed_policies: customer,
        inline_policy: inline,
        permissions_boundary: boundary,
        tags,
        ..described_summary(arn, described)
    };
    summary.normalize();
    Ok(summary)
}

/// A set's summary from DescribePermissionSet (its name is the ARN when AWS gives none).
fn described_summary(
    arn: String,
    described: Option<aws_sdk_ssoadmin::types::PermissionSet>,
) -> PermissionSetSummary {
    let mut summary = PermissionSetSummary::named(arn.clone(), arn);
    if let Some(p) = described {
        if let Some(name) = p.name {
            summary.name = name;
        }
        summary.session_duration = p.session_duration;
        summary.relay_state = p.relay_state.filter(|r| !r.is_empty());
        summary.description = p.description;
    }
    summary
}

async fn describe_set(
    ctx: &Ctx,
    arn: &str,
) -> Result<Option<aws_sdk_ssoadmin::types::PermissionSet>> {
    let req = ctx
        .sso
        .describe_permission_set()
        .instance_arn(&ctx.target.instance_arn)
        .permission_set_arn(arn);
    let out = ctx
        .call(&ctx.sso_gate, "sso:DescribePermissionSet", || {
            req.clone().send()
        })
        .await?;
    Ok(out.permission_set)
}

/// Every page of a call paginated with `NextToken`: `page(token)` sends one request and
/// returns its items and the next token.
async fn all_pages<T, Fut>(mut page: impl FnMut(Option<String>) -> Fut) -> Result<Vec<T>>
where
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>)>>,
{
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let (items, next) = page(token.take()).await?;
        out.extend(items);
        match next {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

async fn managed_policies(ctx: &Ctx, arn: &str) -> Result<Vec<String>> {
    all_pages(|token| async move {
        let req = ctx
            .sso
            .list_managed_policies_in_permission_set()
            .instance_arn(&ctx.target.instance_arn)
            .permission_set_arn(arn)
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(
                &ctx.sso_gate,
                "sso:ListManagedPoliciesInPermissionSet",
                || req.clone().send(),
            )
            .await?;
        let arns = page.attached_managed_policies.unwrap_or_default();
        Ok((
            arns.into_iter().filter_map(|p| p.arn).collect(),
            page.next_token,
        ))
    })
    .await
}

async fn customer_policies(ctx: &Ctx, arn: &str) -> Result<Vec<CustomerPolicyRef>> {
    all_pages(|token| async move {
        let req = ctx
            .sso
            .list_customer_managed_policy_references_in_permission_set()
            .instance_arn(&ctx.target.instance_arn)
            .permission_set_arn(arn)
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(
                &ctx.sso_gate,
                "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
                || req.clone().send(),
            )
            .await?;
        let refs = page.customer_managed_policy_references.unwrap_or_default();
        let refs = refs
            .into_iter()
            .map(|c| CustomerPolicyRef {
                path: c.path().unwrap_or("/").to_owned(),
                name: c.name,
            })
            .collect();
        Ok((refs, page.next_token))
    })
    .await
}

async fn inline_policy(ctx: &Ctx, arn: &str) -> Result<Option<String>> {
    let req = ctx
        .sso
        .get_inline_policy_for_permission_set()
        .instance_arn(&ctx.target.instance_arn)
        .permission_set_arn(arn);
    let out = ctx
        .call(&ctx.sso_gate, "sso:GetInlinePolicyForPermissionSet", || {
            req.clone().send()
        })
        .await?;
    Ok(out.inline_policy.filter(|p| !p.trim().is_empty()))
}

/// The boundary, or None (AWS answers ResourceNotFoundException when a set has none; the
/// set itself was just listed, and DescribePermissionSet alongside fails if it is gone).
async fn permissions_boundary(ctx: &Ctx, arn: &str) -> Result<Option<PermissionsBoundary>> {
    let req = ctx
        .sso
        .get_permissions_boundary_for_permission_set()
        .instance_arn(&ctx.target.instance_arn)
        .permission_set_arn(arn);
    let out = match ctx
        .call(
            &ctx.sso_gate,
            "sso:GetPermissionsBoundaryForPermissionSet",
            || req.clone().send(),
        )
        .await
    {
        Ok(out) => out,
        Err(e) if e.kind == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(out.permissions_boundary.and_then(|b| {
        match (b.managed_policy_arn, b.customer_managed_policy_reference) {
            (Some(arn), _) => Some(PermissionsBoundary::Managed { arn }),
            (None, Some(c)) => Some(PermissionsBoundary::CustomerManaged {
                path: c.path().unwrap_or("/").to_owned(),
                name: c.name,
            }),
            (None, None) => None,
        }
    }))
}

async fn set_tags(ctx: &Ctx, arn: &str) -> Result<Vec<TagPair>> {
    all_pages(|token| async move {
        let req = ctx
            .sso
            .list_tags_for_resource()
            .instance_arn(&ctx.target.instance_arn)
            .resource_arn(arn)
            .set_next_token(token);
        let page = ctx
            .call(&ctx.sso_gate, "sso:ListTagsForResource", || {
                req.clone().send()
            })
            .await?;
        let tags = page.tags.unwrap_or_default().into_iter();
        let tags = tags.map(|t| TagPair {
            key: t.key,
            value: t.value,
        });
        Ok((tags.collect(), page.next_token))
    })
    .await
}

// ---------------------------------------------------------------------------- assignments

async fn load_assignments(
    ctx: Arc<Ctx>,
    permission_sets: &[PermissionSetSummary],
    groups: &[Group],
    users: &[User],
) -> Result<(Vec<Assignment>, AssignmentStrategy, String)> {
    let sets = permission_sets.len() as u32;
    let principals = (groups.len() + users.len()) as u32;
    let allowed = ctx.target.per_principal_allowed();
    let forced = ctx.options.strategy;

    let mut pairs: Option<Vec<(String, String)>> = None;
    let hinted = (forced.is_none() && allowed)
        .then(|| per_principal_by_hint(principals, ctx.options.pairs_hint))
        .flatten();
    let (strategy, reason) = loop {
        if let Some(reason) = &hinted {
            break (AssignmentStrategy::PerPrincipal, reason.clone());
        }
        let counted = pairs.as_ref().map(|p| p.len() as u32);
        match choose_strategy(forced, allowed, sets, principals, counted) {
            StrategyChoice::Use { strategy, reason } => break (strategy, reason),
            StrategyChoice::CountProvisioned => {
                // Reading per principal is allowed and costs `principals` calls: counting can
                // stop as soon as more pairs than that are found.
                let enough = (forced.is_none() && allowed).then_some(principals);
                match provisioned_pairs(ctx.clone(), permission_sets, enough).await? {
                    Counted::All(all) => pairs = Some(all),
                    Counted::MoreThan(n) => {
                        break (
                            AssignmentStrategy::PerPrincipal,
                            format!(
                                "Per user and group: about {principals} calls, fewer than the \
                                 account × permission set pairs (counting stopped after \
                                 finding {n})."
                            ),
                        )
                    }
                }
            }
        }
    };

    let jobs: Vec<Job<Vec<Assignment>>> = match strategy {
        AssignmentStrategy::PerAccountPermissionSet => pairs
            .unwrap_or_default()
            .into_iter()
            .map(|(account, ps)| assignments_for_pair(ctx.clone(), account, ps).boxed())
            .collect(),
        AssignmentStrategy::PerPrincipal => groups
            .iter()
            .map(|g| (PrincipalType::Group, g.id.clone()))
            .chain(users.iter().map(|u| (PrincipalType::User, u.id.clone())))
            .map(|(t, id)| assignments_for_principal(ctx.clone(), t, id).boxed())
            .collect(),
    };
    let label = match strategy {
        AssignmentStrategy::PerAccountPermissionSet => "per account and permission set",
        AssignmentStrategy::PerPrincipal => "per user and group",
    };
    let found = run_all(&ctx, jobs, |done, total| {
        format!("Reading account assignments {label}: {done} of {total}.")
    })
    .await?;
    let assignments: BTreeSet<Assignment> = found.into_iter().flatten().collect();
    Ok((assignments.into_iter().collect(), strategy, reason))
}

/// One unit of concurrent work (a paginated call), owning what it needs.
type Job<T> = BoxFuture<'static, Result<T>>;

/// Runs `jobs` (each bounded by its service gate), reporting done/total; the first error
/// stops the rest.
async fn run_all<T>(
    ctx: &Ctx,
    jobs: Vec<Job<T>>,
    message: impl Fn(u32, u32) -> String,
) -> Result<Vec<T>> {
    let total = jobs.len() as u32;
    ctx.report(0, total, message(0, total));
    let mut pending: FuturesUnordered<_> = jobs.into_iter().collect();
    let mut out = Vec::with_capacity(total as usize);
    while let Some(result) = pending.next().await {
        out.push(result?);
        let done = out.len() as u32;
        ctx.report(done, total, message(done, total));
    }
    Ok(out)
}

/// What [`provisioned_pairs`] found.
enum Counted {
    /// Every (account, permission set ARN) pair the sets are provisioned to.
    All(Vec<(String, String)>),
    /// Counting stopped once more than the limit had been found (at least this many).
    MoreThan(u32),
}

/// Every (account, permission set ARN) pair the sets are provisioned to, or — with
/// `enough` — only the news that there are more than `enough` of them: pages are read
/// concurrently and the calls not yet answered are dropped as soon as the running count
/// passes it.
async fn provisioned_pairs(
    ctx: Arc<Ctx>,
    permission_sets: &[PermissionSetSummary],
    enough: Option<u32>,
) -> Result<Counted> {
    let seen = Arc::new(AtomicU32::new(0));
    let jobs: Vec<Job<Vec<(String, String)>>> = permission_sets
        .iter()
        .map(|ps| provisioned_accounts(ctx.clone(), ps.arn.clone(), seen.clone(), enough).boxed())
        .collect();
    let total = jobs.len() as u32;
    let message = |done: u32| {
        format!("Finding where the permission sets are provisioned: {done} of {total}.")
    };
    ctx.report(0, total, message(0));
    let mut pending: FuturesUnordered<_> = jobs.into_iter().collect();
    let mut pairs = BTreeSet::new();
    let mut done = 0;
    while let Some(found) = pending.next().await {
        let found = found?;
        if let Some(limit) = enough {
            let n = seen.load(Ordering::Relaxed);
            if n > limit {
                return Ok(Counted::MoreThan(n));
            }
        }
        pairs.extend(found);
        done += 1;
        ctx.report(done, total, message(done));
    }
    Ok(Counted::All(pairs.into_iter().collect()))
}

/// The accounts one set is provisioned to. Each page adds its count to `seen`; once that
/// passes `enough` the remaining pages are not read (the caller no longer needs them).
async fn provisioned_accounts(
    ctx: Arc<Ctx>,
    ps_arn: String,
    seen: Arc<AtomicU32>,
    enough: Option<u32>,
) -> Result<Vec<(String, String)>> {
    let (ctx, ps_arn, seen) = (&*ctx, ps_arn.as_str(), &*seen);
    all_pages(|token| async move {
        if enough.is_some_and(|limit| seen.load(Ordering::Relaxed) > limit) {
            return Ok((Vec::new(), None));
        }
        let req = ctx
            .sso
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(&ctx.target.instance_arn)
            .permission_set_arn(ps_arn)
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(
                &ctx.sso_gate,
                "sso:ListAccountsForProvisionedPermissionSet",
                || req.clone().send(),
            )
            .await?;
        let accounts = page.account_ids.unwrap_or_default();
        seen.fetch_add(accounts.len() as u32, Ordering::Relaxed);
        let pairs = accounts
            .into_iter()
            .map(|a| (a, ps_arn.to_owned()))
            .collect();
        Ok((pairs, page.next_token))
    })
    .await
}

fn principal_type(t: Option<&aws_sdk_ssoadmin::types::PrincipalType>) -> Option<PrincipalType> {
    match t? {
        aws_sdk_ssoadmin::types::PrincipalType::Group => Some(PrincipalType::Group),
        aws_sdk_ssoadmin::types::PrincipalType::User => Some(PrincipalType::User),
        _ => None,
    }
}

async fn assignments_for_pair(
    ctx: Arc<Ctx>,
    account: String,
    ps_arn: String,
) -> Result<Vec<Assignment>> {
    let (ctx, account, ps_arn) = (&*ctx, account.as_str(), ps_arn.as_str());
    all_pages(|token| async move {
        let req = ctx
            .sso
            .list_account_assignments()
            .instance_arn(&ctx.target.instance_arn)
            .account_id(account)
            .permission_set_arn(ps_arn)
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(&ctx.sso_gate, "sso:ListAccountAssignments", || {
                req.clone().send()
            })
            .await?;
        let rows = page.account_assignments.unwrap_or_default().into_iter();
        let found = rows.filter_map(|a| {
            let t = principal_type(a.principal_type.as_ref())?;
            Some(Assignment {
                account_id: a.account_id.unwrap_or_else(|| account.to_owned()),
                permission_set_arn: a.permission_set_arn.unwrap_or_else(|| ps_arn.to_owned()),
                principal_type: t,
                principal_id: a.principal_id?,
            })
        });
        Ok((found.collect(), page.next_token))
    })
    .await
}

async fn assignments_for_principal(
    ctx: Arc<Ctx>,
    kind: PrincipalType,
    principal_id: String,
) -> Result<Vec<Assignment>> {
    let sdk_kind = match kind {
        PrincipalType::Group => aws_sdk_ssoadmin::types::PrincipalType::Group,
        PrincipalType::User => aws_sdk_ssoadmin::types::PrincipalType::User,
    };
    let (ctx, principal_id, sdk_kind) = (&*ctx, principal_id.as_str(), &sdk_kind);
    all_pages(|token| async move {
        let req = ctx
            .sso
            .list_account_assignments_for_principal()
            .instance_arn(&ctx.target.instance_arn)
            .principal_id(principal_id)
            .principal_type(sdk_kind.clone())
            .max_results(PAGE)
            .set_next_token(token);
        let page = ctx
            .call(
                &ctx.sso_gate,
                "sso:ListAccountAssignmentsForPrincipal",
                || req.clone().send(),
            )
            .await?;
        let rows = page.account_assignments.unwrap_or_default().into_iter();
        let found = rows.filter_map(|a| {
            Some(Assignment {
                account_id: a.account_id?,
                permission_set_arn: a.permission_set_arn?,
                principal_type: principal_type(a.principal_type.as_ref()).unwrap_or(kind),
                principal_id: a.principal_id.unwrap_or_else(|| principal_id.to_owned()),
            })
        });
        Ok((found.collect(), page.next_token))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssignmentStrategy::*;

    fn strategy(c: StrategyChoice) -> Option<AssignmentStrategy> {
        match c {
            StrategyChoice::Use { strategy, .. } => Some(strategy),
            StrategyChoice::CountProvisioned => None,
        }
    }

    #[test]
    fn a_previous_snapshot_saves_counting_when_it_shows_enough_pairs() {
        assert!(per_principal_by_hint(1100, Some(1900)).is_some());
        assert!(per_principal_by_hint(1100, Some(1100)).is_some());
        assert_eq!(per_principal_by_hint(1100, Some(400)), None);
        assert_eq!(per_principal_by_hint(1100, None), None);
    }

    #[test]
    fn few_principals_go_per_principal_without_counting() {
        // 5 principals, 7 sets: per principal (5) beats even counting (7).
        assert_eq!(
            strategy(choose_strategy(None, true, 7, 5, None)),
            Some(PerPrincipal)
        );
    }

    #[test]
    fn many_principals_count_the_provisioned_pairs_first() {
        // demo: 7 sets, 50 principals.
        assert_eq!(strategy(choose_strategy(None, true, 7, 50, None)), None);
        // 23 pairs <= 50 principals: per pair.
        let c = choose_strategy(None, true, 7, 50, Some(23));
        assert_eq!(strategy(c.clone()), Some(PerAccountPermissionSet));
        let StrategyChoice::Use { reason, .. } = c else {
            unreachable!()
        };
        assert!(reason.contains("23"), "{reason}");
        // large: 15 sets, 1,100 principals, 1,500 pairs: per principal.
        assert_eq!(
            strategy(choose_strategy(None, true, 15, 1100, Some(1500))),
            Some(PerPrincipal)
        );
    }

    #[test]
    fn a_delegated_administrator_reads_per_pair() {
        assert_eq!(strategy(choose_strategy(None, false, 7, 5, None)), None);
        let c = choose_strategy(None, false, 7, 5, Some(100));
        assert_eq!(strategy(c.clone()), Some(PerAccountPermissionSet));
        let StrategyChoice::Use { reason, .. } = c else {
            unreachable!()
        };
        assert!(reason.contains("management account"), "{reason}");
    }

    #[test]
    fn forced_and_empty() {
        assert_eq!(
            strategy(choose_strategy(Some(PerPrincipal), false, 7, 500, None)),
            Some(PerPrincipal)
        );
        assert_eq!(
            strategy(choose_strategy(
                Some(PerAccountPermissionSet),
                true,
                7,
                1,
                None
            )),
            None
        );
        assert_eq!(
            strategy(choose_strategy(
                Some(PerAccountPermissionSet),
                true,
                7,
                1,
                Some(3)
            )),
            Some(PerAccountPermissionSet)
        );
        // No permission sets: nothing to read, no counting.
        assert_eq!(
            strategy(choose_strategy(None, true, 0, 50, None)),
            Some(PerAccountPermissionSet)
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        let first = Duration::from_secs(2);
        for n in 1..=12 {
            let b = backoff(first, n);
            let base = (2.0 * 2f64.powi(n as i32 - 1)).min(30.0);
            assert!(
                b.as_secs_f64() >= base * 0.74 && b.as_secs_f64() <= base * 1.26,
                "{n}: {b:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_gate_paces_and_bounds() {
        let gate = Arc::new(Gate::new(ServiceLimit {
            concurrency: 2,
            per_second: Some(10.0),
        }));
        let start = Instant::now();
        let mut entered = Vec::new();
        for _ in 0..10 {
            let _p = gate.enter().await;
            entered.push(start.elapsed());
        }
        // 10 per second: a burst of half a second's worth (plus the first), then one every
        // 100 ms.
        assert!(entered[..6].iter().all(|t| t.is_zero()), "{entered:?}");
        assert_eq!(entered[6], Duration::from_millis(100));
        assert_eq!(entered[9], Duration::from_millis(400));
        assert_eq!(gate.permits.available_permits(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_gate_slows_down_once_per_burst_and_recovers() {
        let gate = Gate::new(ServiceLimit {
            concurrency: 8,
            per_second: Some(20.0),
        });
        // Eight calls throttled at once halve the pace once.
        for _ in 0..8 {
            gate.throttled();
        }
        assert_eq!(gate.rate(), 10.0);
        tokio::time::advance(SLOWDOWN_WINDOW).await;
        for _ in 0..5 {
            gate.throttled();
            tokio::time::advance(SLOWDOWN_WINDOW).await;
        }
        assert_eq!(gate.rate(), MIN_RATE, "never below one request per second");
        for _ in 0..100 {
            gate.succeeded();
        }
        assert_eq!(gate.rate(), 20.0, "back to the configured pace, not above");

        let unpaced = Gate::new(ServiceLimit {
            concurrency: 1,
            per_second: None,
        });
        unpaced.throttled();
        let start = Instant::now();
        let _p = unpaced.enter().await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[test]
    fn throttling_answers() {
        assert!(is_throttling(400, Some("ThrottlingException")));
        assert!(is_throttling(
            400,
            Some("ThrottlingException:http://internal.amazon.com/coral/")
        ));
        assert!(is_throttling(400, Some("TooManyRequestsException")));
        assert!(is_throttling(429, None));
        assert!(!is_throttling(400, Some("AccessDeniedException")));
        assert!(!is_throttling(500, None));
    }
}
