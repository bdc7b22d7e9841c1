//! The wizard's steps for each profile type (agency, brand, creator): their fields, choices and help.

use super::model::*;

const fn field(
    name: &'static str,
    label: &'static str,
    kind: Kind,
    required: bool,
    help: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        kind,
        required,
        help,
    }
}

const PROFILE_TYPES: &[(&str, &str)] = &[
    (
        "agency",
        "Agency — I run campaigns and storefronts for client brands",
    ),
    (
        "brand",
        "Brand — I sell products or services, or raise donations",
    ),
    ("creator", "Creator — I make content and work with brands"),
];

const AGENCY_ROLES: &[(&str, &str)] = &[
    ("agency_member", "Agency member (manager in every client)"),
    ("agency_admin", "Agency admin (admin in every client)"),
];

const TONES: &[(&str, &str)] = &[
    ("friendly", "Friendly"),
    ("professional", "Professional"),
    ("playful", "Playful"),
    ("bold", "Bold"),
    ("caring", "Caring"),
];

const AGE_BANDS: &[(&str, &str)] = &[
    ("18-24", "18–24"),
    ("25-34", "25–34"),
    ("35-44", "35–44"),
    ("45-54", "45–54"),
    ("55+", "55 and over"),
    ("all", "All ages"),
];

const RATE_UNITS: &[(&str, &str)] = &[
    ("post", "per post"),
    ("video", "per video"),
    ("story", "per story"),
    ("hour", "per hour"),
    ("day", "per day"),
    ("project", "per project"),
];

pub const PROFILE_STEP: StepSpec = StepSpec {
    key: "profile",
    title: "Who are you?",
    intro: "Choose the kind of workspace you are setting up. The next steps depend on it.",
    optional: false,
    fields: &[field(
        "profile_type",
        "Profile type",
        Kind::Cards(PROFILE_TYPES),
        true,
        "",
    )],
    rows: None,
};

const SLUG: FieldSpec = field(
    "slug",
    "Cadence address",
    Kind::Slug,
    true,
    "Your storefront lives at this subdomain: 3–40 lowercase letters, digits or hyphens.",
);
const CURRENCY: FieldSpec = field(
    "currency",
    "Currency",
    Kind::Currency,
    true,
    "Prices and reports use it.",
);
const TIME_ZONE: FieldSpec = field(
    "time_zone",
    "Time zone",
    Kind::TimeZone,
    true,
    "A reporting day is a day in this zone.",
);
const LANGUAGE: FieldSpec = field("language", "Language", Kind::Language, true, "");
const LOGO: FieldSpec = field(
    "logo_url",
    "Logo URL",
    Kind::Url,
    false,
    "A link to your logo image (https://…).",
);
const PRIMARY: FieldSpec = field("primary_colour", "Main colour", Kind::Colour, false, "");
const ACCENT: FieldSpec = field("accent_colour", "Accent colour", Kind::Colour, false, "");

pub const AGENCY_STEPS: &[StepSpec] = &[
    StepSpec {
        key: "company",
        title: "Your agency",
        intro: "The company your team works for.",
        optional: false,
        fields: &[
            field("name", "Agency name", Kind::Text { max: 120 }, true, ""),
            SLUG,
            field("country", "Country", Kind::Country, true, ""),
            TIME_ZONE,
            CURRENCY,
        ],
        rows: None,
    },
    StepSpec {
        key: "branding",
        title: "Branding",
        intro: "How your agency's pages and reports look.",
        optional: true,
        fields: &[LOGO, PRIMARY, ACCENT],
        rows: None,
    },
    StepSpec {
        key: "team",
        title: "Invite your team",
        intro: "Agency staff reach every client through their agency role. Invitations are emailed when you finish.",
        optional: true,
        fields: &[],
        rows: Some(RowsSpec {
            noun: "person",
            min: 0,
            max: 20,
            fields: &[
                field("email", "Email", Kind::Email, true, ""),
                field("role", "Role", Kind::Select(AGENCY_ROLES), true, ""),
            ],
        }),
    },
    StepSpec {
        key: "first_client",
        title: "Your first client",
        intro: "Each client gets a tenant of its own: its data stays apart from every other client's.",
        optional: false,
        fields: &[
            field(
                "client_name",
                "Client name",
                Kind::Text { max: 120 },
                true,
                "",
            ),
            field(
                "client_slug",
                "Client's Cadence address",
                Kind::Slug,
                true,
                "The client's storefront subdomain.",
            ),
            field(
                "client_currency",
                "Client's currency",
                Kind::Currency,
                true,
                "",
            ),
            field(
                "client_time_zone",
                "Client's time zone",
                Kind::TimeZone,
                true,
                "",
            ),
            field(
                "client_owner_email",
                "Client contact's email",
                Kind::Email,
                false,
                "Optional: we invite them as the client's owner.",
            ),
        ],
        rows: None,
    },
];

pub const BRAND_STEPS: &[StepSpec] = &[
    StepSpec {
        key: "identity",
        title: "Brand identity",
        intro: "What visitors see on your storefront.",
        optional: false,
        fields: &[
            field("name", "Brand name", Kind::Text { max: 120 }, true, ""),
            SLUG,
            LOGO,
            PRIMARY,
            ACCENT,
            CURRENCY,
            TIME_ZONE,
            LANGUAGE,
        ],
        rows: None,
    },
    StepSpec {
        key: "audience",
        title: "Target audience",
        intro: "Who you sell to. It shapes your dashboards' defaults and the assistant's suggestions.",
        optional: true,
        fields: &[
            field(
                "description",
                "Describe your customers",
                Kind::LongText { max: 1000 },
                true,
                "",
            ),
            field(
                "age_band",
                "Main age group",
                Kind::Select(AGE_BANDS),
                true,
                "",
            ),
            field(
                "locations",
                "Where they are",
                Kind::Text { max: 200 },
                false,
                "Countries, cities or parishes, separated by commas.",
            ),
            field("interests", "Interests", Kind::Text { max: 200 }, false, ""),
        ],
        rows: None,
    },
    StepSpec {
        key: "guidelines",
        title: "Brand guidelines",
        intro: "How your brand speaks, for your team and your agency.",
        optional: true,
        fields: &[
            field("tone", "Tone of voice", Kind::Select(TONES), true, ""),
            field(
                "words_use",
                "Words we use",
                Kind::Text { max: 300 },
                false,
                "",
            ),
            field(
                "words_avoid",
                "Words we avoid",
                Kind::Text { max: 300 },
                false,
                "",
            ),
            field(
                "guidelines_url",
                "Guidelines document",
                Kind::Url,
                false,
                "A link to your brand book, if you have one.",
            ),
        ],
        rows: None,
    },
];

pub const CREATOR_STEPS: &[StepSpec] = &[
    StepSpec {
        key: "personal",
        title: "About you",
        intro: "Your public name and where brands find you.",
        optional: false,
        fields: &[
            field("name", "Your name", Kind::Text { max: 120 }, true, ""),
            SLUG,
            field("bio", "Short bio", Kind::LongText { max: 500 }, false, ""),
            field(
                "location",
                "Where you are based",
                Kind::Text { max: 120 },
                false,
                "",
            ),
            CURRENCY,
            TIME_ZONE,
            LANGUAGE,
        ],
        rows: None,
    },
    StepSpec {
        key: "portfolio",
        title: "Portfolio",
        intro: "Links to work you are proud of.",
        optional: true,
        fields: &[],
        rows: Some(RowsSpec {
            noun: "link",
            min: 1,
            max: 10,
            fields: &[
                field("title", "Title", Kind::Text { max: 120 }, false, ""),
                field("url", "Link", Kind::Url, true, ""),
            ],
        }),
    },
    StepSpec {
        key: "rate_card",
        title: "Rate card",
        intro: "Your services and prices, in the currency you chose.",
        optional: true,
        fields: &[],
        rows: Some(RowsSpec {
            noun: "service",
            min: 1,
            max: 20,
            fields: &[
                field("service", "Service", Kind::Text { max: 120 }, true, ""),
                field("price", "Price", Kind::Money, true, ""),
                field("unit", "Unit", Kind::Select(RATE_UNITS), true, ""),
            ],
        }),
    },
    StepSpec {
        key: "socials",
        title: "Social profiles",
        intro: "At least one profile where your audience follows you.",
        optional: false,
        fields: &[],
        rows: Some(RowsSpec {
            noun: "profile",
            min: 1,
            max: 10,
            fields: &[field(
                "url",
                "Profile link",
                Kind::Url,
                true,
                "For example https://instagram.com/yourname",
            )],
        }),
    },
];

/// The steps a wizard walks, the profile step first.
pub fn steps_for(profile: Option<ProfileType>) -> Vec<&'static StepSpec> {
    let rest: &'static [StepSpec] = match profile {
        None => &[],
        Some(ProfileType::Agency) => AGENCY_STEPS,
        Some(ProfileType::Brand) => BRAND_STEPS,
        Some(ProfileType::Creator) => CREATOR_STEPS,
    };
    std::iter::once(&PROFILE_STEP).chain(rest.iter()).collect()
}
