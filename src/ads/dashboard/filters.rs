//! What the dashboard is asked for: a date range (presets resolved in the tenant's day), platform,
//! campaign, region and ad set; the previous period; and which rollup a set of filters reads.

use crate::ads::Platform;
use crate::{Error, Result};
use chrono::{Datelike, NaiveDate};

/// A date range as people choose it. Preset ranges end today (its numbers still arriving, like
/// every day inside a look-back), in the tenant's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    Last7,
    Last30,
    Last90,
    MonthToDate,
    LastMonth,
    Custom(NaiveDate, NaiveDate),
}

impl Range {
    /// The preset's name in a URL (`last_30`, …); custom ranges are `custom`.
    pub fn as_str(self) -> &'static str {
        match self {
            Range::Last7 => "last_7",
            Range::Last30 => "last_30",
            Range::Last90 => "last_90",
            Range::MonthToDate => "mtd",
            Range::LastMonth => "last_month",
            Range::Custom(..) => "custom",
        }
    }

    /// `from..=to` for the tenant's `today`.
    pub fn resolve(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let back = |n: i64| (today - chrono::Duration::days(n - 1), today);
        let first = today.with_day(1).unwrap_or(today);
        match self {
            Range::Last7 => back(7),
            Range::Last30 => back(30),
            Range::Last90 => back(90),
            Range::MonthToDate => (first, today),
            Range::LastMonth => {
                let end = first - chrono::Duration::days(1);
                (end.with_day(1).unwrap_or(end), end)
            }
            Range::Custom(from, to) => (from, to),
        }
    }
}

/// What the dashboard was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub range: Range,
    pub platform: Option<Platform>,
    pub campaign: Option<String>,
    pub region: Option<String>,
    /// With a campaign: one of its ad sets, whose ads the drill-down lists.
    pub adset: Option<String>,
}

/// What the dashboard shows: a date range and optional platform, campaign and region (and, with a
/// campaign, the ad set whose ads are listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filters {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub platform: Option<Platform>,
    pub campaign: Option<String>,
    pub region: Option<String>,
    pub adset: Option<String>,
}

impl Filters {
    /// The period of the same length just before this one.
    pub fn previous(&self) -> Filters {
        let days = (self.to - self.from).num_days() + 1;
        Filters {
            from: self.from - chrono::Duration::days(days),
            to: self.from - chrono::Duration::days(1),
            ..self.clone()
        }
    }

    pub(super) fn check(&self) -> Result<()> {
        if self.to < self.from {
            return Err(Error::Validation("The range ends before it starts.".into()));
        }
        if (self.to - self.from).num_days() > 731 {
            return Err(Error::Validation(
                "Choose a range of two years at most.".into(),
            ));
        }
        Ok(())
    }

    /// The rollup to read (aliased `r`), and the filter clause over `$1..$5` (from, to, platform,
    /// campaign, region). A region filter reads the region rollup.
    pub(super) fn source(&self) -> (&'static str, &'static str) {
        if self.region.is_some() {
            ("rollup_region_day", BY_REGION)
        } else {
            ("rollup_campaign_day", BY_CAMPAIGN)
        }
    }

    /// Like [`Filters::source`] for sums that need no campaign: without a campaign or region
    /// filter, the day rollup (a few rows per day) instead of the campaigns'.
    pub(super) fn totals_source(&self) -> (&'static str, &'static str) {
        if self.campaign.is_none() && self.region.is_none() {
            ("rollup_day", BY_DAY)
        } else {
            self.source()
        }
    }
}

const BY_DAY: &str = "r.day between $1 and $2 and ($3::text is null or r.platform = $3)
    and $4::text is null and $5::text is null";

const BY_CAMPAIGN: &str = "r.day between $1 and $2 and ($3::text is null or r.platform = $3)
    and ($4::text is null or r.campaign_id = $4) and $5::text is null";
const BY_REGION: &str = "r.day between $1 and $2 and ($3::text is null or r.platform = $3)
    and ($4::text is null or r.campaign_id = $4) and r.region_code = $5";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_period_has_the_same_length_just_before() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            Range::LastMonth.resolve(d("2026-12-01")),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            Range::Last7.resolve(d("2026-12-01")),
            (d("2026-11-25"), d("2026-12-01"))
        );
        assert_eq!(
            Range::MonthToDate.resolve(d("2026-12-01")),
            (d("2026-12-01"), d("2026-12-01"))
        );
        let f = Filters {
            from: d("2026-11-01"),
            to: d("2026-11-30"),
            platform: None,
            campaign: None,
            region: None,
            adset: None,
        };
        let p = f.previous();
        assert_eq!((p.from, p.to), (d("2026-10-02"), d("2026-10-31")));
    }
}
