//! Account input types shared with the UI: parsed email, password and name, with the rules.

use serde::{Deserialize, Serialize};

/// An email address, trimmed; compared case-insensitively by the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let valid = s.len() <= 254
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
                    && s.matches('@').count() == 1
            });
        if valid {
            Ok(Self(s.to_string()))
        } else {
            Err("Enter an email address such as name@example.com.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Passwords people are most likely to pick; refused whatever their length.
const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "1234567890123",
    "password1234",
    "password12345",
    "passwordpassword",
    "qwertyuiopas",
    "qwerty123456",
    "111111111111",
    "000000000000",
    "iloveyou1234",
    "letmein12345",
    "welcome12345",
    "adminadmin12",
    "administrator",
    "abc123456789",
    "changeme1234",
    "trustno11234",
    "football1234",
    "baseball1234",
    "sunshine1234",
    "princess1234",
    "dragon123456",
    "monkey123456",
    "superman1234",
    "passw0rd1234",
    "p@ssw0rd1234",
    "1q2w3e4r5t6y",
    "qazwsxedcrfv",
    "asdfghjkl123",
    "zaq12wsxcde3",
];

/// A new password: at least 12 characters, at most 256, not a well-known one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(input: &str) -> Result<Self, String> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            return Err(format!("Use at least {} characters.", Self::MIN_CHARS));
        }
        if n > 256 {
            return Err("Use at most 256 characters.".into());
        }
        let lower = input.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str())
            || lower
                .chars()
                .all(|c| c == lower.chars().next().unwrap_or(' '))
        {
            return Err("That password is too common. Choose something harder to guess.".into());
        }
        Ok(Self(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A person's display name: 1–120 characters after trimming.
pub fn parse_display_name(input: &str) -> Result<String, String> {
    let s = input.trim();
    match s.chars().count() {
        0 => Err("Enter your name.".into()),
        1..=120 => Ok(s.to_string()),
        _ => Err("Use at most 120 characters.".into()),
    }
}

/// The signed-in user as pages see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: uuid::Uuid,
    pub email: String,
    pub display_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_checked_for_shape() {
        assert_eq!(
            Email::parse("  ann@example.com ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_must_not_be_common() {
        assert!(NewPassword::parse("short").is_err());
        assert!(
            NewPassword::parse("Password1234").is_err(),
            "common, case-insensitively"
        );
        assert!(
            NewPassword::parse("aaaaaaaaaaaaaaa").is_err(),
            "one repeated character"
        );
        assert!(NewPassword::parse("correct horse battery").is_ok());
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse battery").unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(parse_display_name("  Ann  ").unwrap(), "Ann");
        assert!(parse_display_name("   ").is_err());
        assert!(parse_display_name(&"x".repeat(121)).is_err());
    }
}
