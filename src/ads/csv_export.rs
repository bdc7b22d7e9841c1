//! Uploaded CSV report exports (Meta Ads Manager, Google Ads, LinkedIn Campaign Manager, TikTok
//! Ads Manager) read through a [`CsvMapping`] into fact rows, streaming: the header row is found
//! below any title lines, then each data row gives a fact row or the reason it cannot be loaded.

use super::csv_cells::{self, norm_header};
use super::csv_lines::{UnixLines, line_text, start_line, utf8_cells};
use super::row::{account_key, fallback_ad_key, known_currency, to_micros};
use super::{CsvField, CsvMapping, FactRow};
use std::io::{BufRead, BufReader, Read};

/// How far down a file its header row may be (exports start with title and date-range lines).
const HEADER_WITHIN_LINES: u64 = 20;

/// The data rows of an export: `(line number, the row's text, its fact row or why not)`. Blank
/// rows, totals rows and repeated header rows are skipped.
pub struct CsvRows<R: Read> {
    reader: csv::Reader<BufReader<UnixLines<R>>>,
    cols: Columns,
    record: csv::ByteRecord,
    done: bool,
}

/// The mapping resolved against the file's header row.
struct Columns {
    /// Column index of each field, by `CsvField as usize`.
    at: [Option<usize>; CsvField::ALL.len()],
    /// The file's header text of each found field, for reasons.
    names: [String; CsvField::ALL.len()],
    /// Column of the range end matching a "… starts" day column ("Reporting ends").
    range_end: Option<usize>,
    /// Currency named in the spend header ("Amount spent (USD)").
    spend_currency: Option<String>,
    default_account_id: String,
    default_currency: Option<String>,
}

/// Opens a CSV export for reading through `mapping`. Refuses the whole file, saying why, when it
/// is not UTF-8 CSV text, when no header row with the mapped Day column is in the first 20 lines,
/// or when columns every row needs were not found (listing the headers the file has).
///
/// Rows are keyed like the platforms' own: by ad id. Without an ad id (no such column, or an
/// empty cell) the row's ad key is its path of levels, each by id or else by name: campaign /
/// ad set / ad name (just the campaign id or name for a campaign report), so that re-uploading
/// the same report revises the same facts. Without a campaign id the campaign name is the
/// campaign id (likewise the ad set name for the ad set id).
pub fn read_csv_export<R: Read>(input: R, mapping: &CsvMapping) -> Result<CsvRows<R>, String> {
    let mut input = BufReader::with_capacity(64 * 1024, UnixLines::new(input));
    let head = input
        .fill_buf()
        .map_err(|e| format!("The file could not be read: {e}"))?;
    if head.is_empty() {
        return Err("The file is empty.".into());
    }
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return Err("The file is UTF-16 text (\"Excel CSV\" or \"Unicode text\"): download the report as plain CSV (UTF-8) instead.".into());
    }
    if head.starts_with(b"PK\x03\x04") {
        return Err("That is an Excel workbook (or another zip file), not CSV: download the report as CSV and upload that.".into());
    }
    if head.contains(&0) {
        return Err("That is not a CSV file (it holds binary data): download the report as CSV and upload that.".into());
    }
    if std::str::from_utf8(head).is_err_and(|e| e.error_len().is_some()) {
        return Err("The file is not UTF-8 text: export the report as CSV (UTF-8).".into());
    }
    if head.starts_with("\u{feff}".as_bytes()) {
        input.consume(3);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let day_headers: Vec<String> = mapping.headers(CsvField::Day).map(norm_header).collect();
    if day_headers.is_empty() {
        return Err("The Day column is not mapped: choose which column holds the day.".into());
    }
    let mut record = csv::ByteRecord::new();
    let mut widest: Vec<String> = Vec::new();
    let header = loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| format!("The file could not be read as CSV: {e}"))?;
        if !more || start_line(&reader, &record) > HEADER_WITHIN_LINES {
            let found = if widest.is_empty() {
                "nothing".to_string()
            } else {
                widest.join(", ")
            };
            return Err(format!(
                "No header row with the Day column ({}) in the first {HEADER_WITHIN_LINES} lines. The file's first lines have: {found}.",
                quoted(mapping.headers(CsvField::Day))
            ));
        }
        let cells = utf8_cells(&record)
            .ok_or("The file is not UTF-8 text: export the report as CSV (UTF-8).")?;
        let normed: Vec<String> = cells.iter().map(|c| norm_header(c)).collect();
        if normed.iter().any(|h| {
            day_headers
                .iter()
                .any(|d| csv_cells::header_matches(d, h).is_some())
        }) {
            break cells;
        }
        if cells.iter().filter(|c| !c.trim().is_empty()).count() > widest.len() {
            widest = cells
                .iter()
                .filter(|c| !c.trim().is_empty())
                .map(|c| c.trim().to_string())
                .collect();
        }
    };
    let cols = Columns::resolve(&header, mapping)?;
    Ok(CsvRows {
        reader,
        cols,
        record,
        done: false,
    })
}

/// Headers as a message lists them: "Day" or "Reporting starts".
fn quoted<'a>(headers: impl Iterator<Item = &'a str>) -> String {
    headers
        .map(|h| format!("\"{}\"", h.trim()))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl Columns {
    fn resolve(header: &[String], mapping: &CsvMapping) -> Result<Self, String> {
        let normed: Vec<String> = header.iter().map(|h| norm_header(h)).collect();
        let find = |field: CsvField| {
            mapping.headers(field).map(norm_header).find_map(|m| {
                let exact = normed
                    .iter()
                    .position(|h| csv_cells::header_matches(&m, h) == Some(true));
                exact.or_else(|| {
                    normed
                        .iter()
                        .position(|h| csv_cells::header_matches(&m, h).is_some())
                })
            })
        };
        let mut at = [None; CsvField::ALL.len()];
        let mut names: [String; CsvField::ALL.len()] = Default::default();
        for f in CsvField::ALL {
            at[f as usize] = find(f);
            names[f as usize] =
                at[f as usize].map_or(f.label().to_string(), |i| header[i].trim().to_string());
        }
        let has = |f: CsvField| at[f as usize].is_some();
        let describe = |f: CsvField| match mapping.is_mapped(f) {
            true => format!("{} ({})", f.label(), quoted(mapping.headers(f))),
            false => format!("{} (not mapped)", f.label()),
        };
        let mut missing: Vec<String> = CsvField::ALL
            .into_iter()
            .filter(|f| f.required() && !has(*f))
            .map(describe)
            .collect();
        if !has(CsvField::CampaignId) && !has(CsvField::CampaignName) {
            missing.push(format!(
                "{} or {}",
                describe(CsvField::CampaignId),
                describe(CsvField::CampaignName)
            ));
        }
        let listed = header
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        if !missing.is_empty() {
            return Err(format!(
                "These columns were not found: {}. The header row has: {listed}.",
                missing.join("; ")
            ));
        }
        let default_currency = match mapping.default_currency.trim() {
            "" => None,
            code => {
                Some(known_currency(code, "The default currency").map_err(|e| format!("{e}."))?)
            }
        };
        let spend_currency =
            at[CsvField::Spend as usize].and_then(|i| csv_cells::header_currency(&header[i]));
        if !has(CsvField::AccountId) && mapping.default_account_id.trim().is_empty() {
            return Err("No account id: map the Account ID column or type the account id.".into());
        }
        if !has(CsvField::Currency) && spend_currency.is_none() && default_currency.is_none() {
            return Err(
                "No currency: map the Currency column or choose the account's currency.".into(),
            );
        }
        // A "… starts" day column is a range start: its "… ends" column says whether it is a day.
        let range_end = at[CsvField::Day as usize].and_then(|i| {
            let day = &normed[i];
            let end = if day.contains("starts") {
                day.replace("starts", "ends")
            } else {
                day.replace("start", "end")
            };
            (end != *day)
                .then(|| normed.iter().position(|h| *h == end))
                .flatten()
        });
        Ok(Columns {
            at,
            names,
            range_end,
            spend_currency,
            default_account_id: account_key(&mapping.default_account_id),
            default_currency,
        })
    }

    fn cell<'a>(&self, cells: &'a [String], f: CsvField) -> &'a str {
        self.at[f as usize]
            .and_then(|i| cells.get(i))
            .map_or("", |c| c.trim())
    }

    fn name(&self, f: CsvField) -> &str {
        &self.names[f as usize]
    }

    fn id(&self, cells: &[String], f: CsvField) -> Result<String, String> {
        csv_cells::id(self.cell(cells, f), self.name(f))
    }

    /// One data row as a fact row, or why it cannot be loaded.
    fn row(&self, cells: &[String]) -> Result<FactRow, String> {
        use CsvField::*;
        let day_text = self.cell(cells, Day);
        if day_text.is_empty() {
            return Err(format!("{} is empty", self.name(Day)));
        }
        let day = csv_cells::day(day_text).ok_or_else(|| {
            format!(
                "{} is not a date: {day_text:?} (write days as YYYY-MM-DD or MM/DD/YYYY)",
                self.name(Day)
            )
        })?;
        if let Some(end) = self
            .range_end
            .and_then(|i| cells.get(i))
            .and_then(|c| csv_cells::day(c))
            && end != day
        {
            return Err(format!(
                "the row covers {day} to {end}, not one day: export the report broken down by day"
            ));
        }
        let account = match self.id(cells, AccountId)? {
            a if !a.is_empty() => account_key(&a),
            _ if !self.default_account_id.is_empty() => self.default_account_id.clone(),
            _ => {
                return Err(
                    "no account id: map the Account ID column or type the account id".into(),
                );
            }
        };
        let currency = match self.cell(cells, Currency) {
            "" => self
                .spend_currency
                .clone()
                .or_else(|| self.default_currency.clone())
                .ok_or(
                    "no currency: the Currency cell is empty and no default currency is chosen",
                )?,
            code => known_currency(code, self.name(Currency))?,
        };
        let (campaign_ref, adset_ref) = (self.id(cells, CampaignId)?, self.id(cells, AdsetId)?);
        let (campaign_name, adset_name) =
            (self.cell(cells, CampaignName), self.cell(cells, AdsetName));
        let ad_name = self.cell(cells, AdName);
        let campaign_id = if campaign_ref.is_empty() {
            campaign_name.to_string()
        } else {
            campaign_ref.clone()
        };
        if campaign_id.is_empty() {
            return Err("no campaign: the campaign id and name are both empty".into());
        }
        let ad_id = match self.id(cells, AdId)? {
            a if !a.is_empty() => a,
            _ => fallback_ad_key(
                &[(&campaign_ref, campaign_name), (&adset_ref, adset_name)],
                ad_name,
            ),
        };
        let money = |f: CsvField| -> Result<i64, String> {
            let (value, code) = csv_cells::amount(self.cell(cells, f), self.name(f))?;
            let header_code = (f == Spend).then(|| self.spend_currency.clone()).flatten();
            if let Some(code) = code.or(header_code).filter(|c| *c != currency) {
                return Err(format!(
                    "{} is in {code} but the row's currency is {currency}",
                    self.name(f)
                ));
            }
            to_micros(value, self.name(f))
        };
        let conversions = csv_cells::number(self.cell(cells, Conversions), self.name(Conversions))?;
        let region = self.at[Region as usize].map(|_| self.cell(cells, Region).to_string());
        let reach = match self.cell(cells, Reach) {
            "" | "--" | "-" => None,
            r => Some(csv_cells::count(r, self.name(Reach))?),
        };
        Ok(FactRow {
            day,
            account_id: account,
            campaign_id,
            adset_id: if adset_ref.is_empty() {
                adset_name.to_string()
            } else {
                adset_ref
            },
            ad_id,
            campaign_name: campaign_name.to_string(),
            adset_name: adset_name.to_string(),
            ad_name: ad_name.to_string(),
            impressions: csv_cells::count(self.cell(cells, Impressions), self.name(Impressions))?,
            clicks: csv_cells::count(self.cell(cells, Clicks), self.name(Clicks))?,
            spend_micros: money(Spend)?,
            conversions,
            conversion_value_micros: money(ConversionValue)?,
            breakdown: if region.is_some() { "region" } else { "none" },
            geo_key: region.unwrap_or_default(),
            currency,
            reach,
        })
    }

    /// Rows that are not data: a totals row ("Total: Account") or the header row repeated.
    fn is_not_data(&self, cells: &[String]) -> bool {
        let day = self.cell(cells, CsvField::Day);
        let first = cells
            .iter()
            .map(|c| c.trim())
            .find(|c| !c.is_empty())
            .unwrap_or("");
        let totals = first.to_lowercase().starts_with("total") && csv_cells::day(day).is_none();
        totals || (!day.is_empty() && norm_header(day) == norm_header(self.name(CsvField::Day)))
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = (i32, String, Result<FactRow, String>);

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let read = self.reader.read_byte_record(&mut self.record);
            let line = i32::try_from(start_line(&self.reader, &self.record)).unwrap_or(i32::MAX);
            match read {
                Ok(true) => {}
                Ok(false) => self.done = true,
                Err(e) => {
                    self.done = true;
                    return Some((
                        line,
                        String::new(),
                        Err(format!("the rest of the file could not be read: {e}")),
                    ));
                }
            }
            if self.done {
                break;
            }
            let text = line_text(&self.record);
            let Some(cells) = utf8_cells(&self.record) else {
                return Some((line, text, Err("the row is not UTF-8 text".into())));
            };
            if cells.iter().all(|c| c.trim().is_empty()) || self.cols.is_not_data(&cells) {
                continue;
            }
            return Some((line, text, self.cols.row(&cells)));
        }
        None
    }
}

#[cfg(test)]
#[path = "csv_export_tests.rs"]
mod tests;
