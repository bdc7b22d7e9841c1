//! The dashboard's time-series chart, drawn on the server with plotters as an SVG string: one
//! metric for one currency per day, days with no value (a ratio over zero) left as gaps.

use super::{Metric, Unit};
use chrono::NaiveDate;
use plotters::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

const WIDTH: u32 = 880;
const HEIGHT: u32 = 300;
const INK: RGBColor = RGBColor(0x47, 0x55, 0x69);
const GRID: RGBColor = RGBColor(0xe2, 0xe8, 0xf0);
const LINE: RGBColor = RGBColor(0x4f, 0x46, 0xe5);

fn axis_value(metric: Metric, v: f64) -> String {
    match metric.unit() {
        Unit::Percent => format!("{:.1}%", v * 100.0),
        Unit::Times => format!("{v:.1}×"),
        _ if v.abs() >= 1_000_000.0 => format!("{:.1}M", v / 1_000_000.0),
        _ if v.abs() >= 10_000.0 => format!("{:.0}k", v / 1_000.0),
        _ if v.abs() >= 1_000.0 => format!("{:.1}k", v / 1_000.0),
        // Cents only where a tick needs them (a CPC axis), not on 500 beside 1.0k.
        Unit::Money if v != 0.0 && v.abs() < 100.0 => format!("{v:.2}"),
        _ => format!("{v:.0}"),
    }
}

/// The chart as SVG markup (the caller puts it in the page as is). `points` are in day order.
pub fn line_chart(
    metric: Metric,
    currency: &str,
    points: &[(NaiveDate, Option<Decimal>)],
) -> String {
    let mut svg = String::new();
    if let Err(e) = draw(&mut svg, metric, currency, points) {
        tracing::warn!(error = %e, "the chart could not be drawn");
        return String::new();
    }
    // Scalable in the page; the text keeps the page's font.
    svg.replacen(
        &format!("<svg width=\"{WIDTH}\" height=\"{HEIGHT}\""),
        &format!(
            "<svg role=\"img\" aria-label=\"{} per day\" preserveAspectRatio=\"xMidYMid meet\" width=\"100%\" height=\"{HEIGHT}\"",
            metric.label()
        ),
        1,
    )
}

fn draw<'a>(
    svg: &'a mut String,
    metric: Metric,
    currency: &str,
    points: &[(NaiveDate, Option<Decimal>)],
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let values: Vec<(i32, Option<f64>)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (i as i32, v.and_then(|v| v.to_f64())))
        .collect();
    let max = values.iter().filter_map(|(_, v)| *v).fold(0.0f64, f64::max);
    let top = if max <= 0.0 { 1.0 } else { max * 1.12 };
    let days = points.len().max(2) as i32;
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let label_font = ("sans-serif", 13).into_font().color(&INK);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(12)
        .margin_right(20)
        .x_label_area_size(30)
        .y_label_area_size(72)
        .build_cartesian_2d(0..days - 1, 0f64..top)?;
    let dates: Vec<String> = points
        .iter()
        .map(|(d, _)| d.format("%-d %b").to_string())
        .collect();
    let y_caption = match metric.unit() {
        Unit::Money => format!("{} ({currency})", metric.label()),
        _ => metric.label().to_string(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        // One grid line per labelled value; the in-between lines made a dense band.
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(GRID)
        .x_labels(8)
        .y_labels(6)
        .label_style(label_font.clone())
        .x_label_formatter(&|i| dates.get(*i as usize).cloned().unwrap_or_default())
        .y_label_formatter(&|v| axis_value(metric, *v))
        .y_desc(y_caption)
        .draw()?;
    // Runs of consecutive days with a value; a day without one breaks the line.
    let mut run: Vec<(i32, f64)> = Vec::new();
    let mut runs = Vec::new();
    for (i, v) in &values {
        match v {
            Some(v) => run.push((*i, *v)),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for run in runs {
        chart.draw_series(AreaSeries::new(run.clone(), 0.0, LINE.mix(0.08)))?;
        chart.draw_series(LineSeries::new(run.clone(), LINE.stroke_width(2)))?;
        if run.len() == 1 {
            chart.draw_series(run.iter().map(|p| Circle::new(*p, 3, LINE.filled())))?;
        }
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_are_consistent_within_an_axis() {
        let spend =
            [0.0, 500.0, 1_000.0, 12_400.0, 2_000_000.0].map(|v| axis_value(Metric::Spend, v));
        assert_eq!(spend, ["0", "500", "1.0k", "12k", "2.0M"]);
        assert_eq!(axis_value(Metric::Cpc, 0.25), "0.25");
        assert_eq!(axis_value(Metric::Ctr, 0.0186), "1.9%");
        assert_eq!(axis_value(Metric::Roas, 2.53), "2.5×");
    }

    #[test]
    fn a_series_draws_as_an_accessible_svg_with_gaps_for_missing_days() {
        let d = |n: u32| NaiveDate::from_ymd_opt(2026, 11, n).unwrap();
        let svg = line_chart(
            Metric::Spend,
            "USD",
            &[
                (d(1), Some(Decimal::new(1250, 2))),
                (d(2), None),
                (d(3), Some(Decimal::new(3000, 2))),
                (d(4), Some(Decimal::new(2000, 2))),
            ],
        );
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"Spend per day\""),
            "{svg}"
        );
        assert!(svg.contains("Spend (USD)"));
        assert!(svg.contains("1 Nov"));
        assert!(svg.contains("<polyline") || svg.contains("<path"));
    }

    #[test]
    fn an_empty_or_flat_series_still_draws() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert!(line_chart(Metric::Ctr, "USD", &[(d, None)]).contains("<svg"));
        assert!(line_chart(Metric::Clicks, "USD", &[]).contains("<svg"));
    }
}
