//! The record-level plumbing of reading CSV exports: line endings made uniform so that line
//! numbers are right, the line a record starts on, and a record's cells and text.

use std::io::Read;

/// The input with every line ending as `\n` (Windows `\r\n` and old-Mac `\r` included) and one
/// added at the end when the last line lacks it, so that every record ends with exactly one `\n`
/// and [`start_line`] can count back from the reader's line. Line breaks inside quoted cells
/// become `\n` too.
pub(super) struct UnixLines<R> {
    inner: R,
    last: u8,
    after_cr: bool,
    finished: bool,
}

impl<R> UnixLines<R> {
    pub(super) fn new(inner: R) -> Self {
        UnixLines {
            inner,
            last: b'\n',
            after_cr: false,
            finished: false,
        }
    }
}

impl<R: Read> Read for UnixLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                self.finished = true;
                if self.last == b'\n' {
                    return Ok(0);
                }
                self.last = b'\n';
                buf[0] = b'\n';
                return Ok(1);
            }
            let mut out = 0;
            for i in 0..n {
                let b = buf[i];
                if b == b'\n' && self.after_cr {
                    self.after_cr = false;
                    continue;
                }
                self.after_cr = b == b'\r';
                buf[out] = if b == b'\r' { b'\n' } else { b };
                out += 1;
            }
            if out > 0 {
                self.last = buf[out - 1];
                return Ok(out);
            }
        }
    }
}

/// The line a record just read starts on. The record's own position is where the previous one
/// ended, before any blank lines the reader skipped; the reader's line, less the record's line
/// breaks and its final one, is where it started.
pub(super) fn start_line<R: Read>(reader: &csv::Reader<R>, record: &csv::ByteRecord) -> u64 {
    let breaks: usize = record
        .iter()
        .map(|c| c.iter().filter(|b| **b == b'\n').count())
        .sum();
    let after = reader.position().line();
    let before = record.position().map_or(1, |p| p.line());
    after.saturating_sub(breaks as u64 + 1).max(before)
}

/// The cells of a record as text, or `None` when one is not UTF-8.
pub(super) fn utf8_cells(record: &csv::ByteRecord) -> Option<Vec<String>> {
    record
        .iter()
        .map(|c| std::str::from_utf8(c).ok().map(str::to_string))
        .collect()
}

/// A record as one line of CSV text (quoted where needed), for showing a rejected row.
pub(super) fn line_text(record: &csv::ByteRecord) -> String {
    record
        .iter()
        .map(|c| {
            let c = String::from_utf8_lossy(c);
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_become_one_newline() {
        let mut out = String::new();
        UnixLines::new("a\r\nb\rc\n\r\nd".as_bytes())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a\nb\nc\n\nd\n");
        // A CR at the end of one read and its LF at the start of the next are one line end.
        let mut out = String::new();
        UnixLines::new("a\r".as_bytes().chain("\nb\n".as_bytes()))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a\nb\n");
    }
}
