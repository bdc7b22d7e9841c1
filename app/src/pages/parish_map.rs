//! The parish choropleth: Jamaica's parishes coloured by the chosen metric (Leaflet, through the
//! `leaflet` crate, once hydrated), with legend, tooltip, the map data credit and a table that
//! says the same for screen readers. Clicking a parish (or its name in the table) filters the
//! dashboard to it.

use crate::api::performance::{PerfQuery, RegionView};
use cadence::ads::{Metric, Unit};
use leptos::prelude::*;
use rust_decimal::prelude::ToPrimitive;

const PALETTE: [&str; 5] = ["#e0e7ff", "#a5b4fc", "#818cf8", "#4f46e5", "#312e81"];
const NO_DATA: &str = "#e5e7eb";
pub const CREDIT: &str = "© OpenStreetMap contributors, geoBoundaries";

/// The metrics a region can show: Meta's region rows carry no conversions.
fn available(metric: Metric, has_conversions: bool) -> bool {
    has_conversions
        || matches!(
            metric,
            Metric::Spend
                | Metric::Impressions
                | Metric::Clicks
                | Metric::Ctr
                | Metric::Cpc
                | Metric::Cpm
        )
}

/// Upper bounds of five equal classes from 0 to the largest value.
fn classes(max: f64) -> [f64; 5] {
    let step = if max > 0.0 { max / 5.0 } else { 1.0 };
    [
        step,
        step * 2.0,
        step * 3.0,
        step * 4.0,
        max.max(step * 5.0),
    ]
}

fn colour(v: Option<f64>, bounds: &[f64; 5]) -> &'static str {
    match v {
        None => NO_DATA,
        Some(v) => PALETTE[bounds.iter().position(|b| v <= *b).unwrap_or(4)],
    }
}

fn short(metric: Metric, v: f64) -> String {
    match metric.unit() {
        Unit::Percent => format!("{:.1}%", v * 100.0),
        Unit::Times => format!("{v:.1}×"),
        _ if v >= 1_000_000.0 => format!("{:.1}M", v / 1_000_000.0),
        _ if v >= 1_000.0 => format!("{:.1}k", v / 1_000.0),
        _ => format!("{v:.0}"),
    }
}

/// (code, name, value text, value, colour) for each mapped parish.
type Shade = (String, String, String, Option<f64>, &'static str);

#[island]
pub fn ParishMap(
    regions: Vec<RegionView>,
    metric: Metric,
    has_conversions: bool,
    query: PerfQuery,
) -> impl IntoView {
    crate::nav::island_ready();
    let metric = if available(metric, has_conversions) {
        metric
    } else {
        Metric::Spend
    };
    let asked_unavailable = metric != query.metric();
    let values: Vec<(RegionView, Option<f64>)> = regions
        .into_iter()
        .map(|r| {
            let v = metric.of(&r.totals).and_then(|d| d.to_f64());
            (r, v)
        })
        .collect();
    let max = values.iter().filter_map(|(_, v)| *v).fold(0.0f64, f64::max);
    let bounds = classes(max);
    let shades: Vec<Shade> = values
        .iter()
        .filter_map(|(r, v)| {
            Some((
                r.code.clone()?,
                r.name.clone(),
                metric.format(metric.of(&r.totals), &r.totals.currency),
                *v,
                colour(*v, &bounds),
            ))
        })
        .collect();
    let unmapped: Vec<String> = values
        .iter()
        .filter(|(r, _)| r.code.is_none())
        .map(|(r, _)| metric.format(metric.of(&r.totals), &r.totals.currency))
        .collect();
    #[cfg(feature = "hydrate")]
    {
        let shades = shades.clone();
        let query = query.clone();
        Effect::new(move |_| hydrate::draw(shades.clone(), query.clone()));
    }
    let legend: Vec<(String, &'static str)> = PALETTE
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let low = if i == 0 { 0.0 } else { bounds[i - 1] };
            (
                format!("{} – {}", short(metric, low), short(metric, bounds[i])),
                *c,
            )
        })
        .collect();
    view! {
        <div class="parish-map" data-test="parish-map">
            {(!has_conversions).then(|| view! {
                <p class="muted" data-test="map-note">{if asked_unavailable {
                    format!("Meta's region rows carry no conversions, so the map shows spend instead of {}.", query.metric().label())
                } else {
                    "Meta's region rows carry no conversions: the map shows spend, impressions, clicks and their ratios.".to_string()
                }}</p>
            })}
            <div id="parish-map" class="map" role="img" aria-label=format!("Map of Jamaica's parishes by {}", metric.label())></div>
            <div class="map-legend" aria-hidden="true">
                <strong>{metric.label()}</strong>
                {legend.into_iter().map(|(text, c)| view! {
                    <span class="map-legend__item"><span class="swatch" style=format!("background:{c}")></span>{text}</span>
                }).collect_view()}
                <span class="map-legend__item"><span class="swatch" style=format!("background:{NO_DATA}")></span>"No data"</span>
            </div>
            <p class="map-credit">{CREDIT}</p>
            <details class="map-table">
                <summary>"Parishes as a table"</summary>
                <table class="table" data-test="parish-table">
                    <thead><tr><th>"Parish"</th><th class="num">{metric.label()}</th></tr></thead>
                    <tbody>
                        {shades.iter().map(|(code, name, text, _, _)| view! {
                            <tr><td><a href=query.with("region", code) data-region=code.clone()>{name.clone()}</a></td><td class="num">{text.clone()}</td></tr>
                        }).collect_view()}
                        {unmapped.into_iter().map(|text| view! {
                            <tr><td class="muted">"Not mapped to a parish"</td><td class="num">{text}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod hydrate {
    use super::{CREDIT, Shade};
    use crate::api::performance::PerfQuery;
    use js_sys::{Object, Reflect};
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    fn set(o: &Object, k: &str, v: impl Into<JsValue>) {
        let _ = Reflect::set(o, &JsValue::from_str(k), &v.into());
    }

    fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Option<JsValue> {
        let f = Reflect::get(target, &JsValue::from_str(method))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        f.apply(target, &args.iter().collect()).ok()
    }

    /// Draws the map into `#parish-map` once the parish shapes have arrived.
    pub fn draw(shades: Vec<Shade>, query: PerfQuery) {
        leptos::task::spawn_local(async move {
            if let Err(e) = draw_async(shades, query).await {
                leptos::logging::warn!("the parish map could not be drawn: {e:?}");
            }
        });
    }

    async fn draw_async(shades: Vec<Shade>, query: PerfQuery) -> Result<(), JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let response: web_sys::Response =
            wasm_bindgen_futures::JsFuture::from(window.fetch_with_str("/geo/jm-parishes.geojson"))
                .await?
                .dyn_into()?;
        let shapes = wasm_bindgen_futures::JsFuture::from(response.json()?).await?;
        let document = window.document().ok_or("no document")?;
        let Some(el) = document.get_element_by_id("parish-map") else {
            return Ok(());
        };
        if el.child_element_count() > 0 {
            return Ok(());
        }
        let options = leaflet::MapOptions::new();
        options.set_scroll_wheel_zoom(false);
        options.set_zoom_snap(0.25);
        let map = leaflet::Map::new("parish-map", &options)?;
        if let Some(ctl) = call(&map, "attributionControl", &[])
            .or_else(|| Reflect::get(&map, &"attributionControl".into()).ok())
        {
            call(&ctl, "setPrefix", &[JsValue::from_str("Leaflet")]);
            call(&ctl, "addAttribution", &[JsValue::from_str(CREDIT)]);
        }
        let shades = Rc::new(shades);
        let find = {
            let shades = shades.clone();
            move |feature: &JsValue| -> Option<Shade> {
                let props = Reflect::get(feature, &"properties".into()).ok()?;
                let code = Reflect::get(&props, &"iso_3166_2".into())
                    .ok()?
                    .as_string()?;
                shades.iter().find(|s| s.0 == code).cloned().or(Some((
                    code.clone(),
                    Reflect::get(&props, &"name".into()).ok()?.as_string()?,
                    "no data".into(),
                    None,
                    super::NO_DATA,
                )))
            }
        };
        let style = {
            let find = find.clone();
            Closure::<dyn Fn(JsValue) -> JsValue>::new(move |feature: JsValue| {
                let o = Object::new();
                set(
                    &o,
                    "fillColor",
                    find(&feature).map_or(super::NO_DATA, |s| s.4),
                );
                set(&o, "fillOpacity", 0.9);
                set(&o, "color", "#ffffff");
                set(&o, "weight", 1.5);
                o.into()
            })
        };
        let painted: Rc<RefCell<Vec<(JsValue, String)>>> = Rc::default();
        let on_each = {
            let painted = painted.clone();
            Closure::<dyn Fn(JsValue, JsValue)>::new(move |feature: JsValue, layer: JsValue| {
                let Some((code, name, text, _, _)) = find(&feature) else {
                    return;
                };
                call(
                    &layer,
                    "bindTooltip",
                    &[JsValue::from_str(&format!("{name}: {text}"))],
                );
                let href = query.with("region", &code);
                let click = Closure::<dyn Fn()>::new(move || crate::nav::go(&href));
                call(
                    &layer,
                    "on",
                    &[JsValue::from_str("click"), click.as_ref().clone()],
                );
                click.forget();
                painted.borrow_mut().push((layer, code));
            })
        };
        let layer_options = Object::new();
        set(&layer_options, "style", style.as_ref().clone());
        set(&layer_options, "onEachFeature", on_each.as_ref().clone());
        // `L.geoJSON` (the crate keeps its own binding private).
        let l = Reflect::get(&js_sys::global(), &"L".into())?;
        let layer: leaflet::Layer = call(&l, "geoJSON", &[shapes, layer_options.into()])
            .ok_or("L.geoJSON failed")?
            .unchecked_into();
        layer.add_to(&map);
        if let Some(bounds) = call(&layer, "getBounds", &[]) {
            call(&map, "fitBounds", &[bounds]);
        }
        // Name each shape for people who test or style it.
        for (layer, code) in painted.borrow().iter() {
            if let Some(el) = call(layer, "getElement", &[]) {
                call(&el, "setAttribute", &["data-region".into(), code.into()]);
            }
        }
        style.forget();
        on_each.forget();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fall_into_five_classes_and_missing_ones_are_grey() {
        let b = classes(100.0);
        assert_eq!(colour(Some(0.0), &b), PALETTE[0]);
        assert_eq!(colour(Some(55.0), &b), PALETTE[2]);
        assert_eq!(colour(Some(100.0), &b), PALETTE[4]);
        assert_eq!(colour(None, &b), NO_DATA);
        assert!(!available(Metric::Cpa, false));
        assert!(available(Metric::Ctr, false));
    }
}
