//! Storefront branding rules shared by the server and the UI: colours (hex, with enough contrast to
//! be read), the text colour that goes on a background, social links per network, and languages.

/// The languages a storefront can be shown in: (code, name, right-to-left).
pub const LANGUAGES: &[(&str, &str, bool)] =
    &[("en", "English", false), ("ar", "العربية (Arabic)", true)];

/// Whether a language is written right to left.
pub fn is_rtl(language: &str) -> bool {
    LANGUAGES.iter().any(|(c, _, rtl)| *c == language && *rtl)
}

/// The social networks a storefront can link to: (key, label, accepted hosts). "website" accepts
/// any host.
pub const SOCIAL_NETWORKS: &[(&str, &str, &[&str])] = &[
    ("instagram", "Instagram", &["instagram.com"]),
    ("facebook", "Facebook", &["facebook.com", "fb.com"]),
    ("x", "X (Twitter)", &["x.com", "twitter.com"]),
    ("tiktok", "TikTok", &["tiktok.com"]),
    ("linkedin", "LinkedIn", &["linkedin.com"]),
    ("youtube", "YouTube", &["youtube.com", "youtu.be"]),
    ("whatsapp", "WhatsApp", &["wa.me", "whatsapp.com"]),
    ("website", "Website", &[]),
];

/// Parses `#rrggbb` (or `#rgb`, with or without `#`, any case) into lowercase `#rrggbb`.
pub fn parse_color(input: &str) -> Result<String, String> {
    let hex = input.trim().trim_start_matches('#');
    let full = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect::<String>(),
        6 => hex.to_string(),
        _ => {
            return Err(format!(
                "“{}” is not a colour: use the form #1f6feb.",
                input.trim()
            ));
        }
    };
    if !full.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "“{}” is not a colour: use the form #1f6feb.",
            input.trim()
        ));
    }
    Ok(format!("#{}", full.to_ascii_lowercase()))
}

fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// The WCAG contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The text colour to put on a `#rrggbb` background: white or near-black, whichever reads better.
pub fn text_on(background: &str) -> &'static str {
    if contrast(background, "#ffffff") >= contrast(background, "#111827") {
        "#ffffff"
    } else {
        "#111827"
    }
}

/// The brand colour (buttons, links) must stand out on the white page: 3:1 at least (WCAG for
/// interface elements).
pub fn check_brand_color(input: &str) -> Result<String, String> {
    let c = parse_color(input)?;
    let ratio = contrast(&c, "#ffffff");
    if ratio < 3.0 {
        return Err(format!(
            "The brand colour {c} is too light to read on a white page (contrast {ratio:.1}:1; it needs at least 3:1). Choose a darker shade."
        ));
    }
    Ok(c)
}

/// Checks a social link for `network`: an https address on that network's site (any http(s)
/// address for "website"). Returns it trimmed.
pub fn check_social_link(network: &str, input: &str) -> Result<String, String> {
    let Some((_, label, hosts)) = SOCIAL_NETWORKS.iter().find(|(k, _, _)| *k == network) else {
        return Err(format!("“{network}” is not a network we link to."));
    };
    let url = input.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://").filter(|_| hosts.is_empty()));
    let Some(rest) = rest else {
        return Err(format!("The {label} link must start with https://."));
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or("");
    let valid_host = !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !valid_host
        || url
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<')
        || url.len() > 300
    {
        return Err(format!("The {label} link is not a valid web address."));
    }
    if !hosts.is_empty()
        && !hosts
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        return Err(format!(
            "The {label} link must be an address on {}.",
            hosts[0]
        ));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_normalised_or_refused_with_the_form_to_use() {
        assert_eq!(parse_color("#1F6FEB").unwrap(), "#1f6feb");
        assert_eq!(parse_color("abc").unwrap(), "#aabbcc");
        assert!(parse_color("#12345g").unwrap_err().contains("#1f6feb"));
        assert!(parse_color("red").is_err());
    }

    #[test]
    fn a_brand_colour_too_light_for_a_white_page_is_refused() {
        assert!(check_brand_color("#1f6feb").is_ok());
        let err = check_brand_color("#ffee88").unwrap_err();
        assert!(err.contains("too light") && err.contains(":1"), "{err}");
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 0.01);
    }

    #[test]
    fn text_goes_white_on_dark_and_dark_on_light() {
        assert_eq!(text_on("#0b1f3a"), "#ffffff");
        assert_eq!(text_on("#fde68a"), "#111827");
    }

    #[test]
    fn social_links_must_be_on_their_network() {
        assert!(check_social_link("instagram", "https://www.instagram.com/cadence").is_ok());
        assert!(check_social_link("x", "https://twitter.com/cadence").is_ok());
        let err = check_social_link("instagram", "https://evil.example/instagram.com").unwrap_err();
        assert!(err.contains("instagram.com"), "{err}");
        assert!(check_social_link("instagram", "http://instagram.com/a").is_err());
        assert!(check_social_link("instagram", "javascript:alert(1)").is_err());
        assert!(check_social_link("website", "http://shop.example.com").is_ok());
        assert!(check_social_link("myspace", "https://myspace.com").is_err());
    }

    #[test]
    fn arabic_is_right_to_left() {
        assert!(is_rtl("ar"));
        assert!(!is_rtl("en"));
    }
}
