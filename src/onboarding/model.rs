//! The onboarding wizard's shape, shared by the server and the browser: profile types, fields and
//! steps (the steps themselves are in `steps`), and the validation that turns typed text into
//! clean answers (or field-level messages).

use super::lists::{COUNTRIES, LANGUAGES, TIME_ZONES};
use super::steps::*;
use crate::auth::Email;
use crate::money::{CURRENCIES, Currency, Money};
use crate::tenancy::TenantSlug;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who is setting up: the steps after the first depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileType {
    Agency,
    Brand,
    Creator,
}

impl ProfileType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "agency" => Some(Self::Agency),
            "brand" => Some(Self::Brand),
            "creator" => Some(Self::Creator),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agency => "agency",
            Self::Brand => "brand",
            Self::Creator => "creator",
        }
    }
}

/// What a field holds, which decides its control and its validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text {
        max: usize,
    },
    LongText {
        max: usize,
    },
    Url,
    Email,
    Colour,
    /// A tenant address: its rules here, its availability on the server.
    Slug,
    Currency,
    TimeZone,
    Country,
    Language,
    /// An amount in the currency chosen earlier in the wizard.
    Money,
    /// One of a fixed list of (value, label), shown as cards.
    Cards(&'static [(&'static str, &'static str)]),
    /// One of a fixed list of (value, label), shown as a drop-down.
    Select(&'static [(&'static str, &'static str)]),
}

impl Kind {
    /// The (value, label) options of a drop-down or card field.
    pub fn options(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Kind::Currency => CURRENCIES.iter().map(|(c, _, n)| (*c, *n)).collect(),
            Kind::TimeZone => TIME_ZONES.iter().map(|z| (*z, *z)).collect(),
            Kind::Country => COUNTRIES.to_vec(),
            Kind::Language => LANGUAGES.to_vec(),
            Kind::Cards(o) | Kind::Select(o) => o.to_vec(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub help: &'static str,
}

/// A repeated group of fields (team invitations, links, rate-card lines).
#[derive(Debug)]
pub struct RowsSpec {
    /// "person", "link", "service": used in "Add a person".
    pub noun: &'static str,
    pub min: usize,
    pub max: usize,
    pub fields: &'static [FieldSpec],
}

#[derive(Debug)]
pub struct StepSpec {
    pub key: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    /// An optional step can be skipped; a required one cannot.
    pub optional: bool,
    pub fields: &'static [FieldSpec],
    pub rows: Option<RowsSpec>,
}

/// Typed answers: field name → text.
pub type Fields = BTreeMap<String, String>;

/// What a person entered on one step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepAnswer {
    pub fields: Fields,
    pub rows: Vec<Fields>,
    pub skipped: bool,
}

impl StepAnswer {
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// A message for one field: `name`, `rows.2.email`, or `rows` for the group as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// What validation needs from earlier steps.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    pub currency: Option<Currency>,
}

/// Checks one step's answer and returns it cleaned (trimmed, normalised), or every problem.
pub fn validate(
    spec: &StepSpec,
    answer: &StepAnswer,
    ctx: Context,
) -> Result<StepAnswer, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut clean = StepAnswer::default();
    for f in spec.fields {
        match check(f, answer.get(f.name), ctx) {
            Ok(v) => {
                clean.fields.insert(f.name.to_string(), v);
            }
            Err(message) => errors.push(FieldError {
                field: f.name.to_string(),
                message,
            }),
        }
    }
    if let Some(rows) = &spec.rows {
        // Rows left entirely blank are dropped, not reported.
        let filled: Vec<&Fields> = answer
            .rows
            .iter()
            .filter(|r| r.values().any(|v| !v.trim().is_empty()))
            .collect();
        if filled.len() < rows.min {
            errors.push(FieldError {
                field: "rows".into(),
                message: format!("Add at least {} {}.", rows.min, rows.noun),
            });
        }
        if filled.len() > rows.max {
            errors.push(FieldError {
                field: "rows".into(),
                message: format!("At most {} entries.", rows.max),
            });
        }
        for (i, row) in filled.iter().enumerate() {
            let mut out = Fields::new();
            for f in rows.fields {
                let v = row.get(f.name).map(String::as_str).unwrap_or("");
                match check(f, v, ctx) {
                    Ok(v) => {
                        out.insert(f.name.to_string(), v);
                    }
                    Err(message) => errors.push(FieldError {
                        field: format!("rows.{i}.{}", f.name),
                        message,
                    }),
                }
            }
            clean.rows.push(out);
        }
        // The same email or link twice is a slip.
        if let Some(key) = rows.fields.first().map(|f| f.name) {
            let mut seen = std::collections::BTreeSet::new();
            for (i, r) in clean.rows.iter().enumerate() {
                let v = r.get(key).map(|s| s.to_lowercase()).unwrap_or_default();
                if !v.is_empty() && !seen.insert(v) {
                    errors.push(FieldError {
                        field: format!("rows.{i}.{key}"),
                        message: "This appears twice.".into(),
                    });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// One field: required or empty-allowed, then its kind's rules.
fn check(f: &FieldSpec, raw: &str, ctx: Context) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return if f.required {
            Err(format!("{} is required.", f.label))
        } else {
            Ok(String::new())
        };
    }
    match f.kind {
        Kind::Text { max } | Kind::LongText { max } => {
            if v.chars().count() > max {
                Err(format!("At most {max} characters."))
            } else if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
                Err("Remove the control characters.".into())
            } else {
                Ok(v.to_string())
            }
        }
        Kind::Url => parse_url(v),
        Kind::Email => Email::parse(v)
            .map(|e| e.as_str().to_string())
            .map_err(|e| e.to_string()),
        Kind::Colour => parse_colour(v),
        Kind::Slug => TenantSlug::parse(v)
            .map(|s| s.to_string())
            .map_err(|e| e.to_string()),
        Kind::Money => {
            let Some(currency) = ctx.currency else {
                return Err("Choose a currency first.".into());
            };
            Money::parse(v, currency)
                .map(|m| m.amount.to_string())
                .map_err(|e| e.to_string())
        }
        Kind::Currency => Currency::parse(v)
            .map(|c| c.code().to_string())
            .map_err(|e| e.to_string()),
        Kind::TimeZone | Kind::Country | Kind::Language | Kind::Cards(_) | Kind::Select(_) => {
            if f.kind.options().iter().any(|(o, _)| *o == v) {
                Ok(v.to_string())
            } else {
                Err(format!("Choose one of the listed options for {}.", f.label))
            }
        }
    }
}

/// An absolute http(s) link with a host that has a dot; returned as typed, without trailing spaces.
pub fn parse_url(v: &str) -> Result<String, String> {
    const MSG: &str = "Enter a full link starting with https://";
    if v.len() > 2000 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(MSG.into());
    }
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| MSG.to_string())?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host.split(':').next().unwrap_or("");
    let labels_ok = host.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    });
    if !host.contains('.') || !labels_ok || host.len() > 253 {
        return Err("That link's address does not look right.".into());
    }
    Ok(v.to_string())
}

/// `#abc` or `#aabbcc`, case-insensitive, returned as `#aabbcc`.
pub fn parse_colour(v: &str) -> Result<String, String> {
    let hex = v.strip_prefix('#').unwrap_or(v).to_ascii_lowercase();
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("Use a colour like #1f6feb.".into());
    }
    match hex.len() {
        6 => Ok(format!("#{hex}")),
        3 => Ok(format!(
            "#{}",
            hex.chars().flat_map(|c| [c, c]).collect::<String>()
        )),
        _ => Err("Use a colour like #1f6feb.".into()),
    }
}

/// Which network a social link points at, for display ("Instagram"), or "Website".
pub fn social_network(url: &str) -> &'static str {
    let lower = url.to_ascii_lowercase();
    let host = lower
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("")
        .trim_start_matches("www.");
    match host {
        h if h.ends_with("instagram.com") => "Instagram",
        h if h.ends_with("tiktok.com") => "TikTok",
        h if h.ends_with("youtube.com") || h == "youtu.be" => "YouTube",
        h if h.ends_with("x.com") || h.ends_with("twitter.com") => "X",
        h if h.ends_with("facebook.com") => "Facebook",
        h if h.ends_with("linkedin.com") => "LinkedIn",
        h if h.ends_with("twitch.tv") => "Twitch",
        h if h.ends_with("threads.net") => "Threads",
        _ => "Website",
    }
}

/// The wizard as the browser sees it: where the user is and what they entered so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WizardState {
    pub profile: Option<ProfileType>,
    pub step: String,
    pub answers: BTreeMap<String, StepAnswer>,
    pub finished: bool,
}

impl WizardState {
    /// The currency chosen so far (for money fields on later steps).
    pub fn context(&self) -> Context {
        let currency = self
            .answers
            .values()
            .find_map(|a| a.fields.get("currency"))
            .and_then(|c| Currency::parse(c).ok());
        Context { currency }
    }

    /// The current step's position among the profile's steps (0 when unknown).
    pub fn position(&self) -> usize {
        steps_for(self.profile)
            .iter()
            .position(|s| s.key == self.step)
            .unwrap_or(0)
    }
}

/// Where the person wants to go from the current step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Go {
    Next,
    Skip,
    Back,
}

/// What saving a step led to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved(WizardState),
    /// Nothing moved on: the messages belong to fields of `step`.
    Invalid {
        step: String,
        errors: Vec<FieldError>,
    },
    Finished {
        tenant_id: uuid::Uuid,
        name: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(pairs: &[(&str, &str)]) -> StepAnswer {
        StepAnswer {
            fields: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn each_profile_walks_its_own_steps() {
        let keys = |p| steps_for(Some(p)).iter().map(|s| s.key).collect::<Vec<_>>();
        assert_eq!(
            keys(ProfileType::Agency),
            ["profile", "company", "branding", "team", "first_client"]
        );
        assert_eq!(
            keys(ProfileType::Brand),
            ["profile", "identity", "audience", "guidelines"]
        );
        assert_eq!(
            keys(ProfileType::Creator),
            ["profile", "personal", "portfolio", "rate_card", "socials"]
        );
    }

    #[test]
    fn a_brand_identity_is_cleaned_or_explained_field_by_field() {
        let spec = &BRAND_STEPS[0];
        let ok = validate(
            spec,
            &answer(&[
                ("name", "  Island Threads "),
                ("slug", "island-threads"),
                ("primary_colour", "#1F6"),
                ("currency", "kwd"),
                ("time_zone", "Asia/Kuwait"),
                ("language", "ar"),
            ]),
            Context::default(),
        )
        .unwrap();
        assert_eq!(ok.get("name"), "Island Threads");
        assert_eq!(ok.get("primary_colour"), "#11ff66");
        assert_eq!(ok.get("currency"), "KWD");

        let errors = validate(
            spec,
            &answer(&[
                ("slug", "Admin!"),
                ("logo_url", "ftp://x"),
                ("currency", "XYZ"),
                ("time_zone", "Mars/Base"),
            ]),
            Context::default(),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "slug",
                "logo_url",
                "currency",
                "time_zone",
                "language"
            ]
        );
    }

    #[test]
    fn rows_need_their_minimum_and_valid_cells() {
        let socials = &CREATOR_STEPS[3];
        let empty = StepAnswer {
            rows: vec![Fields::from([("url".into(), "  ".into())])],
            ..Default::default()
        };
        assert_eq!(
            validate(socials, &empty, Context::default()).unwrap_err()[0].field,
            "rows"
        );
        let bad = StepAnswer {
            rows: vec![
                Fields::from([("url".into(), "instagram.com/me".into())]),
                Fields::from([("url".into(), "https://tiktok.com/@me".into())]),
                Fields::from([("url".into(), "https://TikTok.com/@me".into())]),
            ],
            ..Default::default()
        };
        let errors = validate(socials, &bad, Context::default()).unwrap_err();
        assert_eq!(errors[0].field, "rows.0.url");
        assert_eq!(errors[1].field, "rows.2.url");
    }

    #[test]
    fn rate_card_prices_are_exact_in_the_chosen_currency() {
        let spec = &CREATOR_STEPS[2];
        let row = |price: &str| StepAnswer {
            rows: vec![Fields::from([
                ("service".into(), "Reel".into()),
                ("price".into(), price.into()),
                ("unit".into(), "video".into()),
            ])],
            ..Default::default()
        };
        let kwd = Context {
            currency: Currency::parse("KWD").ok(),
        };
        assert_eq!(
            validate(spec, &row("12.5"), kwd).unwrap().rows[0]["price"],
            "12.500"
        );
        assert!(validate(spec, &row("12.5001"), kwd).is_err());
        assert!(validate(spec, &row("12.5"), Context::default()).is_err());
    }

    #[test]
    fn links_and_colours() {
        assert!(parse_url("https://instagram.com/me").is_ok());
        assert!(parse_url("https://localhost/x").is_err());
        assert!(parse_url("javascript:alert(1)").is_err());
        assert!(parse_url("https://exa mple.com").is_err());
        assert_eq!(social_network("https://www.instagram.com/me"), "Instagram");
        assert_eq!(social_network("https://my.site/"), "Website");
        assert!(parse_colour("red").is_err());
    }
}
