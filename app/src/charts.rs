//! Server-rendered SVG charts for small summaries (a horizontal bar per label). Labels are escaped;
//! the SVG carries a title and each bar its value, so it reads without colour.

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of (label, value), largest first; an empty list draws a "no data" note.
pub fn bar_chart_svg(data: &[(String, i64)], title: &str) -> String {
    let mut rows: Vec<&(String, i64)> = data.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (width, bar_h, gap, label_w, top) = (560i64, 26i64, 10i64, 140i64, 36i64);
    let height = top + (rows.len().max(1) as i64) * (bar_h + gap) + 10;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let plot_w = width - label_w - 60;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{t}" class="chart"><title>{t}</title><text x="0" y="18" font-size="14" font-weight="600" fill="#151a2d">{t}</text>"##,
        t = esc(title)
    );
    if rows.is_empty() {
        svg.push_str(&format!(
            r##"<text x="0" y="{}" font-size="13" fill="#5b6478">No conversions in this period.</text>"##,
            top + 18
        ));
    }
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = top + i as i64 * (bar_h + gap);
        let w = (value * plot_w / max).max(2);
        svg.push_str(&format!(
            r##"<text x="{lx}" y="{ty}" font-size="13" text-anchor="end" fill="#151a2d">{label}</text><rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="4" fill="#4f46e5"/><text x="{vx}" y="{ty}" font-size="13" fill="#151a2d">{value}</text>"##,
            lx = label_w - 8,
            ty = y + bar_h / 2 + 5,
            label = esc(label),
            vx = label_w + w + 6,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::bar_chart_svg;

    #[test]
    fn bars_are_sorted_escaped_and_scaled() {
        let svg = bar_chart_svg(
            &[("direct".into(), 1), ("<b>fb</b>".into(), 4)],
            "Conversions",
        );
        assert!(svg.find("&lt;b&gt;fb").unwrap() < svg.find("direct").unwrap());
        assert!(!svg.contains("<b>"));
        assert!(bar_chart_svg(&[], "x").contains("No conversions"));
    }
}
