//! The AWS access portal URL: Entra's "Sign on URL" must be it, and it is not in any
//! metadata file, so it is either derived from the directory id or typed in by the admin.
//! This module derives the default and checks what the admin typed.

use super::kinds::is_region;

const SHAPES: &str = "Enter the AWS access portal URL shown on the IAM Identity Center dashboard (Settings summary > \"AWS access portal URL\"). It looks like https://d-xxxxxxxxxx.awsapps.com/start, https://<your-alias>.awsapps.com/start, https://ssoins-<16 hex digits>.<region>.portal.amazonaws.com or https://ssoins-<16 hex digits>.portal.<region>.app.aws.";

/// `https://<directory-id>.awsapps.com/start`
pub fn default_portal_url(directory_id: &str) -> String {
    format!("https://{}.awsapps.com/start", directory_id.trim())
}

/// A single DNS label: 1-63 of `a-z 0-9 -`, not starting or ending with `-`.
fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_ssoins(s: &str) -> bool {
    s.strip_prefix("ssoins-").is_some_and(|h| {
        h.len() == 16
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Checks an admin-entered access portal URL and returns it in canonical form
/// (lower-case host, `/start` for `awsapps.com`, no trailing slash otherwise).
pub fn validate_portal_url(url: &str) -> Result<String, String> {
    let fail = |why: &str| Err(format!("{why} {SHAPES}"));
    let url = url.trim();
    if url.is_empty() {
        return fail("The access portal URL is empty.");
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://") else {
        return fail("The access portal URL must start with https://.");
    };
    let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(cut);
    // Keep the path's original case out of it: the accepted paths are all lower-case.
    if let Some(sub) = host.strip_suffix(".awsapps.com") {
        if !is_label(sub) {
            return fail(&format!(
                "\"{sub}\" is not a valid access portal name (use the d-xxxxxxxxxx id or your alias: lower-case letters, digits and hyphens)."
            ));
        }
        if !matches!(tail, "/start" | "/start/" | "/start#/" | "/start/#/") {
            return fail("An awsapps.com access portal URL ends in /start.");
        }
        return Ok(format!("https://{sub}.awsapps.com/start"));
    }
    let ok_tail = matches!(tail, "" | "/");
    if let Some(prefix) = host.strip_suffix(".portal.amazonaws.com") {
        if let Some((ins, region)) = prefix.split_once('.') {
            if is_ssoins(ins) && is_region(region) && ok_tail {
                return Ok(format!("https://{host}"));
            }
        }
        return fail("This does not have the shape of an access portal URL.");
    }
    if let Some(prefix) = host.strip_suffix(".app.aws") {
        if let Some((ins, region)) = prefix.split_once(".portal.") {
            if is_ssoins(ins) && is_region(region) && ok_tail {
                return Ok(format!("https://{host}"));
            }
        }
        return fail("This does not have the shape of an access portal URL.");
    }
    fail("This is not an AWS access portal URL.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_url() {
        assert_eq!(
            default_portal_url("d-90e231a71c"),
            "https://d-90e231a71c.awsapps.com/start"
        );
    }

    #[test]
    fn accepted_shapes() {
        for (input, want) in [
            (
                "https://d-90e231a71c.awsapps.com/start",
                "https://d-90e231a71c.awsapps.com/start",
            ),
            (
                "https://d-90e231a71c.awsapps.com/start/",
                "https://d-90e231a71c.awsapps.com/start",
            ),
            (
                " https://My-Company.awsapps.com/start#/ ",
                "https://my-company.awsapps.com/start",
            ),
            (
                "https://ssoins-7223a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com",
                "https://ssoins-7223a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com",
            ),
            (
                "https://ssoins-7223a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com/",
                "https://ssoins-7223a1b2c3d4e5f6.eu-west-1.portal.amazonaws.com",
            ),
            (
                "https://ssoins-7223a1b2c3d4e5f6.portal.ap-south-2.app.aws/",
                "https://ssoins-7223a1b2c3d4e5f6.portal.ap-south-2.app.aws",
            ),
        ] {
            assert_eq!(validate_portal_url(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn rejected_shapes() {
        for input in [
            "",
            "http://d-90e231a71c.awsapps.com/start",
            "d-90e231a71c.awsapps.com/start",
            "https://d-90e231a71c.awsapps.com/",
            "https://d-90e231a71c.awsapps.com/start/extra",
            "https://-bad.awsapps.com/start",
            "https://a.b.awsapps.com/start",
            "https://ssoins-7223a1b2c3d4e5f.eu-west-1.portal.amazonaws.com",
            "https://ssoins-7223a1b2c3d4e5f6.nowhere.portal.amazonaws.com",
            "https://ssoins-7223a1b2c3d4e5f6.portal.eu-west-1.app.aws/start",
            "https://example.com/start",
            "https://awsapps.com/start",
        ] {
            let e = validate_portal_url(input).expect_err(input);
            assert!(e.contains("awsapps.com/start"), "{e}");
        }
    }
}
