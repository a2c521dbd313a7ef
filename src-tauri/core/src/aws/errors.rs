//! AWS SDK errors mapped, once, to [`crate::Error`] in the admin's words.
//!
//! Every AWS call site goes through [`map_sdk_error`] with the IAM action it needed, so an
//! AccessDenied names the missing permission, an expired SSO session says which
//! `aws sso login` to run, and a dead endpoint says which URL could not be reached.

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::error::{Error, ErrorKind};

/// What an error message may mention about the connection.
#[derive(Debug, Clone, Default)]
pub struct ErrorContext {
    pub profile: Option<String>,
    pub profile_uses_sso: bool,
    pub endpoint_url: Option<String>,
    pub region: String,
}

impl ErrorContext {
    fn sso_login_hint(&self) -> Option<String> {
        match (&self.profile, self.profile_uses_sso) {
            (Some(p), true) => Some(format!(
                "The AWS SSO session for profile \"{p}\" has expired or was never started. \
                 Run `aws sso login --profile {p}` in a terminal, then connect again."
            )),
            _ => None,
        }
    }

    fn where_(&self) -> String {
        match &self.endpoint_url {
            Some(u) => u.clone(),
            None => format!("AWS in {}", self.region),
        }
    }
}

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnauthorizedException",
];
const THROTTLED: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
];
const BAD_CREDENTIALS: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "IncompleteSignature",
    "InvalidAccessKeyId",
];
const NOT_FOUND: &[&str] = &[
    "ResourceNotFoundException",
    "NotFoundException",
    "NoSuchEntity",
];

/// Maps any SDK error. `action` is the IAM action of the call, e.g. `sso:ListInstances`.
pub fn map_sdk_error<E>(action: &str, err: SdkError<E, HttpResponse>, ctx: &ErrorContext) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let detail = DisplayErrorContext(&err).to_string();
    match &err {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("Unknown");
            let aws_message = se.err().message().unwrap_or("").to_owned();
            let status = se.raw().status().as_u16();
            map_service_error(action, code, &aws_message, status, ctx)
                .with_detail(format!("{code}: {aws_message}"))
        }
        SdkError::TimeoutError(_) => Error::new(
            ErrorKind::Network,
            format!(
                "{action} timed out talking to {}. Check your network or VPN, then try again.",
                ctx.where_()
            ),
        )
        .with_detail(detail),
        SdkError::DispatchFailure(df) => {
            if let Some(ce) = find_in_chain::<CredentialsError>(&err) {
                return credentials_error(ce, ctx).with_detail(detail);
            }
            if df.is_timeout() {
                Error::new(
                    ErrorKind::Network,
                    format!("{action} timed out talking to {}. Check your network or VPN, then try again.", ctx.where_()),
                )
                .with_detail(detail)
            } else if df.is_io() {
                Error::new(
                    ErrorKind::Network,
                    format!(
                        "Could not reach {} (connection refused, DNS or TLS failure). Check the \
                         endpoint URL, your network or proxy, then try again.",
                        ctx.where_()
                    ),
                )
                .with_detail(detail)
            } else if let Some(hint) = ctx.sso_login_hint() {
                // The SSO token provider fails here before any request is sent.
                Error::new(ErrorKind::Credentials, hint).with_detail(detail)
            } else {
                Error::new(
                    ErrorKind::Credentials,
                    "Gatehouse could not get AWS credentials for this connection. Choose another \
                     profile, run `aws configure` or `aws sso login`, or enter access keys.",
                )
                .with_detail(detail)
            }
        }
        SdkError::ConstructionFailure(_) => {
            if let Some(ce) = find_in_chain::<CredentialsError>(&err) {
                return credentials_error(ce, ctx).with_detail(detail);
            }
            Error::internal(format!("Gatehouse could not build the {action} request."))
                .with_detail(detail)
        }
        SdkError::ResponseError(_) => Error::internal(format!(
            "{} answered {action} with something that is not an AWS response. Is the endpoint URL \
             right, and does it implement this API?",
            ctx.where_()
        ))
        .with_detail(detail),
        _ => Error::internal(format!("{action} failed.")).with_detail(detail),
    }
}

/// The part of the mapping that only needs the error code (also used by tests).
pub fn map_service_error(
    action: &str,
    code: &str,
    aws_message: &str,
    status: u16,
    ctx: &ErrorContext,
) -> Error {
    if ACCESS_DENIED.contains(&code) {
        return Error::new(
            ErrorKind::AccessDenied,
            format!(
                "Access denied: these credentials may not call {action}. Add \"{action}\" to the IAM \
                 policy of the role or user you connect with (Settings lists every permission \
                 Gatehouse uses)."
            ),
        );
    }
    if THROTTLED.contains(&code) {
        return Error::new(
            ErrorKind::Throttled,
            format!("AWS is throttling {action} and retries ran out. Wait a minute and try again."),
        );
    }
    if BAD_CREDENTIALS.contains(&code) {
        let message = ctx.sso_login_hint().unwrap_or_else(|| {
            format!(
                "AWS rejected the credentials ({code}): they are expired, revoked or for another \
                 partition. Refresh them (for an SSO profile: `aws sso login --profile <name>`) and \
                 connect again."
            )
        });
        return Error::new(ErrorKind::Credentials, message);
    }
    if NOT_FOUND.contains(&code) {
        return Error::new(ErrorKind::NotFound, format!("{action}: {aws_message}"));
    }
    match code {
        "ConflictException" => Error::new(ErrorKind::Conflict, format!("{action}: {aws_message}")),
        "ValidationException" | "InvalidInputException" | "InvalidParameterValue" => Error::new(
            ErrorKind::Validation,
            format!("AWS rejected {action}: {aws_message}"),
        ),
        _ if status >= 500 => Error::new(
            ErrorKind::Network,
            format!("AWS had an internal error on {action} ({status}). Try again in a moment."),
        ),
        _ => Error::internal(format!("AWS answered {action} with {code}: {aws_message}")),
    }
}

fn credentials_error(ce: &CredentialsError, ctx: &ErrorContext) -> Error {
    if let Some(hint) = ctx.sso_login_hint() {
        return Error::new(ErrorKind::Credentials, hint);
    }
    let message = match ce {
        CredentialsError::CredentialsNotLoaded(_) => match &ctx.profile {
            Some(p) => format!(
                "Profile \"{p}\" has no usable credentials. Check it in ~/.aws/config, or choose \
                 another profile, or enter access keys."
            ),
            None => "No AWS credentials were found (no profile, no AWS_ACCESS_KEY_ID, no SSO \
                     session). Choose a profile from your AWS config, run `aws configure` or \
                     `aws sso login`, or enter access keys."
                .to_owned(),
        },
        CredentialsError::ProviderTimedOut(_) => {
            "Loading AWS credentials timed out. Check your network, then try again.".to_owned()
        }
        CredentialsError::InvalidConfiguration(_) => {
            "Your AWS config is invalid for this profile (see details). Fix ~/.aws/config and try again."
                .to_owned()
        }
        _ => "Gatehouse could not get AWS credentials for this profile (see details).".to_owned(),
    };
    Error::new(ErrorKind::Credentials, message)
}

fn find_in_chain<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur: Option<&'a (dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> ErrorContext {
        ErrorContext {
            profile: Some("org-admin".into()),
            profile_uses_sso: true,
            endpoint_url: None,
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn access_denied_names_the_action() {
        let e = map_service_error(
            "sso:ListInstances",
            "AccessDeniedException",
            "no",
            400,
            &ctx(),
        );
        assert_eq!(e.kind, ErrorKind::AccessDenied);
        assert!(e.message.contains("\"sso:ListInstances\""), "{}", e.message);
    }

    #[test]
    fn expired_token_on_sso_profile_says_which_login_to_run() {
        let e = map_service_error(
            "sts:GetCallerIdentity",
            "ExpiredToken",
            "expired",
            400,
            &ctx(),
        );
        assert_eq!(e.kind, ErrorKind::Credentials);
        assert!(
            e.message.contains("aws sso login --profile org-admin"),
            "{}",
            e.message
        );
    }

    #[test]
    fn throttling_and_5xx() {
        assert_eq!(
            map_service_error("sso:X", "ThrottlingException", "", 400, &ctx()).kind,
            ErrorKind::Throttled
        );
        assert_eq!(
            map_service_error("sso:X", "InternalServerException", "", 500, &ctx()).kind,
            ErrorKind::Network
        );
        assert_eq!(
            map_service_error("sso:X", "ConflictException", "exists", 400, &ctx()).kind,
            ErrorKind::Conflict
        );
    }
}
