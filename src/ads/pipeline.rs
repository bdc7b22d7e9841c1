//! The parsing side of a load, off the async runtime: a reader thread cuts the input into chunks
//! of lines, worker threads parse them, drop rows of accounts that are not the tenant's, map
//! regions and encode the good rows for `COPY`, and the loader only streams the bytes to
//! PostgreSQL. Line numbers travel with the rows, so the order chunks arrive in does not matter.

use super::{FactRow, normalize_region_name};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Lines per chunk handed to a worker.
pub(crate) const CHUNK: usize = 4096;
/// Rejected rows kept with their text per chunk (all are counted).
const KEEP_REJECTS: usize = 1_000;

/// Parses one line into a fact row, or says why it cannot.
pub(crate) type Parser = Box<dyn Fn(&str) -> Result<FactRow, String> + Send + Sync>;

/// Where readers send chunks of items (or a reading error) for the workers.
pub(crate) type Items = mpsc::Sender<Result<Vec<Item>, String>>;
/// Where the workers' chunks come out.
pub(crate) type Chunks = mpsc::Receiver<Result<Chunk, String>>;

/// One input item: a line still to parse, or a row a reader already parsed (CSV).
pub(crate) enum Item {
    Line(i32, String),
    Parsed(i32, String, Box<Result<FactRow, String>>),
}

/// What the workers need to know about the tenant.
pub(crate) struct Context {
    pub parse: Parser,
    /// The tenant's own account ids on the platform.
    pub accounts: HashSet<String>,
    /// Normalised region names and keys → region code.
    pub regions: HashMap<String, String>,
}

/// A worker's result for one chunk.
#[derive(Default)]
pub(crate) struct Chunk {
    /// Good rows in COPY text format (see [`STAGE_COLUMNS`]).
    pub copy: Vec<u8>,
    pub rows: usize,
    pub read: i32,
    pub rejected: i32,
    pub rejects: Vec<(i32, String, String)>,
    pub unmapped: i32,
    pub unmapped_accounts: BTreeSet<String>,
    pub unmapped_regions: BTreeMap<String, i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Account → currency as the rows say.
    pub currencies: BTreeMap<String, String>,
}

/// The staging table's columns, in the order [`encode`] writes them.
pub(crate) const STAGE_COLUMNS: &str = "line, day, account_id, campaign_id, adset_id, ad_id, \
    campaign_name, adset_name, ad_name, currency, breakdown, geo_key, region_code, impressions, \
    clicks, spend_micros, conversions, conversion_value_micros, reach";

/// Appends `s` as a COPY text field.
fn field(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

fn encode(out: &mut Vec<u8>, line: i32, r: &FactRow, region: Option<&str>) {
    let _ = write!(out, "{line}\t{}\t", r.day);
    for s in [
        &r.account_id,
        &r.campaign_id,
        &r.adset_id,
        &r.ad_id,
        &r.campaign_name,
        &r.adset_name,
        &r.ad_name,
        &r.currency,
    ] {
        field(out, s);
        out.push(b'\t');
    }
    let _ = write!(out, "{}\t", r.breakdown);
    field(out, &r.geo_key);
    out.push(b'\t');
    match region {
        Some(code) => field(out, code),
        None => out.extend_from_slice(b"\\N"),
    }
    let _ = write!(
        out,
        "\t{}\t{}\t{}\t{}\t{}\t",
        r.impressions, r.clicks, r.spend_micros, r.conversions, r.conversion_value_micros
    );
    match r.reach {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None => out.extend_from_slice(b"\\N"),
    }
    out.push(b'\n');
}

fn work(ctx: &Context, items: Vec<Item>) -> Chunk {
    let mut c = Chunk {
        copy: Vec::with_capacity(items.len() * 200),
        ..Default::default()
    };
    for item in items {
        let (line, raw, row) = match item {
            Item::Line(n, text) => {
                let row = (ctx.parse)(text.trim());
                (n, text, row)
            }
            Item::Parsed(n, raw, row) => (n, raw, *row),
        };
        c.read += 1;
        let r = match row {
            Ok(r) => r,
            Err(reason) => {
                c.rejected += 1;
                if c.rejects.len() < KEEP_REJECTS {
                    c.rejects
                        .push((line, reason, raw.trim().chars().take(2000).collect()));
                }
                continue;
            }
        };
        if !ctx.accounts.contains(&r.account_id) {
            c.unmapped += 1;
            if c.unmapped_accounts.len() < 100 {
                c.unmapped_accounts.insert(r.account_id);
            }
            continue;
        }
        let region = if r.breakdown == "region" {
            let code = ctx.regions.get(&normalize_region_name(&r.geo_key));
            if code.is_none() {
                *c.unmapped_regions.entry(r.geo_key.clone()).or_default() += r.spend_micros;
            }
            code.map(String::as_str)
        } else {
            None
        };
        c.from = Some(c.from.map_or(r.day, |d| d.min(r.day)));
        c.to = Some(c.to.map_or(r.day, |d| d.max(r.day)));
        if !c.currencies.contains_key(&r.account_id) {
            c.currencies
                .insert(r.account_id.clone(), r.currency.clone());
        }
        encode(&mut c.copy, line, &r, region);
        c.rows += 1;
    }
    c
}

/// Starts `workers` threads parsing what arrives on the returned sender; their chunks (or a
/// reading error) come out of the returned receiver.
pub(crate) fn start(ctx: Context, workers: usize) -> (Items, Chunks) {
    let (in_tx, in_rx) = mpsc::channel::<Result<Vec<Item>, String>>(workers * 2);
    let (out_tx, out_rx) = mpsc::channel(workers * 2);
    let in_rx = Arc::new(Mutex::new(in_rx));
    let ctx = Arc::new(ctx);
    for _ in 0..workers.max(1) {
        let (in_rx, out_tx, ctx) = (in_rx.clone(), out_tx.clone(), ctx.clone());
        std::thread::spawn(move || {
            loop {
                let next = in_rx.lock().map(|mut rx| rx.blocking_recv());
                let Ok(Some(items)) = next else { break };
                let out = items.map(|items| work(&ctx, items));
                if out_tx.blocking_send(out).is_err() {
                    break;
                }
            }
        });
    }
    (in_tx, out_rx)
}

/// Reads `input` line by line on its own thread into `to` (the file's numbering: blank lines
/// count but are not sent).
pub(crate) fn read_lines<R: BufRead + Send + 'static>(mut input: R, to: Items) {
    std::thread::spawn(move || {
        let mut number = 0i32;
        let mut chunk = Vec::with_capacity(CHUNK);
        loop {
            let mut line = String::new();
            match input.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => {
                    number += 1;
                    if line.trim().is_empty() {
                        continue;
                    }
                    chunk.push(Item::Line(number, line));
                    if chunk.len() == CHUNK
                        && to
                            .blocking_send(Ok(std::mem::replace(
                                &mut chunk,
                                Vec::with_capacity(CHUNK),
                            )))
                            .is_err()
                    {
                        return;
                    }
                }
                Err(e) => {
                    let _ = to.blocking_send(Err(format!(
                        "The file could not be read after line {number}: {e}"
                    )));
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = to.blocking_send(Ok(chunk));
        }
    });
}

/// Sends rows another reader already parsed (a CSV export), in chunks, from its own thread.
pub(crate) fn send_parsed<I>(rows: I, to: Items)
where
    I: Iterator<Item = (i32, String, Result<FactRow, String>)> + Send + 'static,
{
    std::thread::spawn(move || {
        let mut chunk = Vec::with_capacity(CHUNK);
        for (n, raw, row) in rows {
            chunk.push(Item::Parsed(n, raw, Box::new(row)));
            if chunk.len() == CHUNK
                && to
                    .blocking_send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                    .is_err()
            {
                return;
            }
        }
        if !chunk.is_empty() {
            let _ = to.blocking_send(Ok(chunk));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_fields_escape_what_copy_would_misread() {
        let mut out = Vec::new();
        field(&mut out, "a\tb\\c\nd");
        assert_eq!(out, b"a\\tb\\\\c\\nd");
    }
}
