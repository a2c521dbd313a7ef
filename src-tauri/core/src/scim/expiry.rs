//! When the SCIM access token expires, and what to do about it.
//!
//! IAM Identity Center's SCIM tokens are valid for one year and there is no API to read
//! their dates, so Gatehouse counts from the creation date the admin confirmed. When the
//! token expires, Entra's provisioning stops without anyone noticing until a new hire cannot
//! sign in; rotation is console-only and yearly, which admins forget. The judgement is a pure
//! function of `(created_on, today)` so tests can pin both dates.

use serde::Serialize;
use time::{Date, Month};

/// From this many days left, the token needs attention (AWS Health sends its notice then).
pub const THRESHOLDS_DAYS: [u32; 3] = [90, 30, 7];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryLevel {
    /// More than 90 days left.
    Ok,
    /// 90 days or fewer left (see `threshold_days` for which threshold).
    Attention,
    /// The expiry date has passed: provisioning from Entra has stopped.
    Expired,
}

/// The token's validity as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TokenExpiry {
    /// YYYY-MM-DD, one year after the creation date.
    pub expires_on: String,
    /// Days from today to `expires_on` (0 = expires today, negative = expired that long ago).
    pub days_left: i32,
    pub level: ExpiryLevel,
    /// The threshold crossed (90, 30 or 7) when `level` is `attention`.
    pub threshold_days: Option<u32>,
    /// What it means and what to do, in one paragraph.
    pub message: String,
    /// How to rotate the token without interrupting provisioning, one step per entry.
    pub rotation_steps: Vec<String>,
}

/// One year after `created_on` (29 February → 28 February, never later than a year).
pub fn expires_on(created_on: Date) -> Date {
    let year = created_on.year() + 1;
    created_on.replace_year(year).unwrap_or_else(|_| {
        Date::from_calendar_date(year, Month::February, 28).unwrap_or(created_on)
    })
}

pub fn rotation_steps() -> Vec<String> {
    [
        "AWS allows two SCIM access tokens at once, so you can rotate without interrupting \
         provisioning.",
        "In IAM Identity Center → Settings → Identity source → Automatic provisioning, choose \
         Generate token and copy the new token.",
        "In Microsoft Entra ID, open the enterprise application → Provisioning → Admin \
         credentials, paste it into Secret Token, choose Test connection, then Save.",
        "Save the new token here (Replace token) with today's date as its creation date.",
        "Back in IAM Identity Center, delete the old token.",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// Judges the token created on `created_on` as of `today`.
pub fn judge(created_on: Date, today: Date) -> TokenExpiry {
    let expires = expires_on(created_on);
    let days_left = (expires - today).whole_days() as i32;
    let expires_text = super::format_date(expires);
    let (level, threshold_days) = if days_left < 0 {
        (ExpiryLevel::Expired, None)
    } else {
        match THRESHOLDS_DAYS
            .iter()
            .rev()
            .find(|t| days_left <= **t as i32)
        {
            Some(t) => (ExpiryLevel::Attention, Some(*t)),
            None => (ExpiryLevel::Ok, None),
        }
    };
    let rotate = "Rotate it: create a new token in IAM Identity Center, paste it into Entra \
                  (Provisioning → Admin credentials → Secret Token), Test connection, save it \
                  here, then delete the old token in AWS.";
    let message = match (level, threshold_days) {
        (ExpiryLevel::Expired, _) => format!(
            "The SCIM access token expired on {expires_text} ({} ago). Entra's provisioning to \
             AWS has stopped: new users, changes and removals no longer arrive. {rotate}",
            days(-days_left)
        ),
        (ExpiryLevel::Attention, Some(t)) => format!(
            "The SCIM access token expires on {expires_text}, {} (within {t} days). When it \
             expires, Entra stops provisioning to AWS. {rotate}",
            if days_left == 0 {
                "today".to_owned()
            } else {
                format!("in {}", days(days_left))
            }
        ),
        _ => format!(
            "The SCIM access token is valid until {expires_text} ({} left). Gatehouse will flag \
             it 90, 30 and 7 days before; AWS Health also sends a notice about 90 days before.",
            days(days_left)
        ),
    };
    TokenExpiry {
        expires_on: expires_text,
        days_left,
        level,
        threshold_days,
        message,
        rotation_steps: rotation_steps(),
    }
}

fn days(n: i32) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn thresholds_with_pinned_dates() {
        let created = date!(2025 - 03 - 10);
        assert_eq!(expires_on(created), date!(2026 - 03 - 10));
        let cases = [
            (date!(2025 - 03 - 10), 365, ExpiryLevel::Ok, None),
            (date!(2025 - 12 - 09), 91, ExpiryLevel::Ok, None),
            (date!(2025 - 12 - 10), 90, ExpiryLevel::Attention, Some(90)),
            (date!(2026 - 02 - 07), 31, ExpiryLevel::Attention, Some(90)),
            (date!(2026 - 02 - 08), 30, ExpiryLevel::Attention, Some(30)),
            (date!(2026 - 03 - 02), 8, ExpiryLevel::Attention, Some(30)),
            (date!(2026 - 03 - 03), 7, ExpiryLevel::Attention, Some(7)),
            (date!(2026 - 03 - 10), 0, ExpiryLevel::Attention, Some(7)),
            (date!(2026 - 03 - 11), -1, ExpiryLevel::Expired, None),
            (date!(2027 - 01 - 01), -297, ExpiryLevel::Expired, None),
        ];
        for (today, left, level, threshold) in cases {
            let e = judge(created, today);
            assert_eq!(e.expires_on, "2026-03-10");
            assert_eq!(
                (e.days_left, e.level, e.threshold_days),
                (left, level, threshold),
                "{today}"
            );
            assert_eq!(e.rotation_steps.len(), 5);
        }
    }

    #[test]
    fn messages_say_what_to_do() {
        let created = date!(2025 - 03 - 10);
        let ok = judge(created, date!(2025 - 06 - 01));
        assert!(
            ok.message
                .contains("valid until 2026-03-10 (282 days left)"),
            "{}",
            ok.message
        );

        let soon = judge(created, date!(2026 - 03 - 05));
        assert!(
            soon.message.contains("in 5 days (within 7 days)"),
            "{}",
            soon.message
        );
        assert!(soon.message.contains("Secret Token"), "{}", soon.message);
        assert!(
            soon.message.contains("delete the old token"),
            "{}",
            soon.message
        );
        let today = judge(created, date!(2026 - 03 - 10));
        assert!(today.message.contains("today"), "{}", today.message);

        let expired = judge(created, date!(2026 - 03 - 11));
        assert!(
            expired
                .message
                .contains("expired on 2026-03-10 (1 day ago)"),
            "{}",
            expired.message
        );
        assert!(expired.message.contains("stopped"), "{}", expired.message);
        assert!(
            expired.rotation_steps[0].contains("two"),
            "{:?}",
            expired.rotation_steps
        );
    }

    #[test]
    fn leap_day_tokens_expire_on_the_28th() {
        assert_eq!(expires_on(date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
    }
}
