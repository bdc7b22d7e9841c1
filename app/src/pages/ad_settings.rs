//! The data settings panel: each source's freshness ("data as of", stale), the Meta action types
//! counted as conversions, the staleness threshold, and region keys (the tenant's own, and the
//! ones recent loads could not map, with their spend).

use crate::api::ads::{MapRegionKey, SaveConversionActions, SaveStaleAfter, load_ad_settings};
use crate::components::form_error;
use leptos::prelude::*;

/// Micros as a plain amount with two decimals (the currency is the account's).
fn amount(micros: i64) -> String {
    format!(
        "{}.{:02}",
        micros / 1_000_000,
        (micros % 1_000_000) / 10_000
    )
}

#[component]
pub fn AdSettingsPanel(version: RwSignal<u32>) -> impl IntoView {
    let actions = ServerAction::<SaveConversionActions>::new();
    let stale = ServerAction::<SaveStaleAfter>::new();
    let map = ServerAction::<MapRegionKey>::new();
    let settings = Resource::new(
        move || {
            (
                version.get(),
                actions.version().get(),
                stale.version().get(),
                map.version().get(),
            )
        },
        |_| load_ad_settings(),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(s) = settings.await else { return ().into_any() };
                let can = s.ingest_denied.is_none();
                let regions = s.all_regions.clone();
                view! {
                    <section class="panel" data-test="sources">
                        <h2>"Sources"</h2>
                        {if s.freshness.is_empty() {
                            view! { <p class="muted">"No performance data loaded yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="sources">
                                    {s.freshness.iter().map(|f| view! {
                                        <li data-test="source">
                                            <strong>{f.platform.label()}</strong>
                                            <span class="muted">{format!(
                                                " — data as of {}{}",
                                                f.loaded_at.get(..16).unwrap_or(&f.loaded_at).replace('T', " "),
                                                f.through_day.as_ref().map(|d| format!(" UTC, through {d}")).unwrap_or_default()
                                            )}</span>
                                            " "
                                            {if f.stale {
                                                view! { <span class="badge badge--warn" data-test="stale">"Stale"</span> }.into_any()
                                            } else {
                                                view! { <span class="badge badge--ok">"Fresh"</span> }.into_any()
                                            }}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <section class="panel" data-test="data-settings">
                        <h2>"Data settings"</h2>
                        <ActionForm action=actions attr:class="form form--row" attr:data-test="conversion-actions">
                            <div class="grow">
                                <label for="conv-actions">"Meta action types counted as conversions"</label>
                                <input id="conv-actions" name="actions" type="text" value=s.conversion_actions.clone() disabled=!can />
                                <p class="hint">{if s.uses_default_actions { "The defaults: purchases and leads. " } else { "" }}"Comma-separated, as Meta names them (purchase, lead, offsite_conversion.fb_pixel_purchase). Applies to loads from now on; Google Ads conversions come from its own conversion settings."</p>
                            </div>
                            {can.then(|| view! { <button class="button button--secondary" type="submit">"Save"</button> })}
                        </ActionForm>
                        {form_error(actions.value())}
                        <ActionForm action=stale attr:class="form form--row" attr:data-test="stale-after">
                            <div>
                                <label for="stale-hours">"Flag a source stale after (hours without a load)"</label>
                                <input id="stale-hours" name="hours" type="number" min="1" max="2160" value=s.stale_after_hours disabled=!can />
                            </div>
                            {can.then(|| view! { <button class="button button--secondary" type="submit">"Save"</button> })}
                        </ActionForm>
                        {form_error(stale.value())}
                        <h3>"Regions"</h3>
                        {if s.unmapped.is_empty() {
                            view! { <p class="muted" data-test="no-unmapped">"Every region key in recent loads maps to a parish."</p> }.into_any()
                        } else {
                            view! {
                                <table class="table" data-test="unmapped-regions">
                                    <thead><tr><th>"Platform"</th><th>"Region key"</th><th class="num">"Spend not on the map"</th></tr></thead>
                                    <tbody>{s.unmapped.iter().map(|(_, label, key, micros)| view! {
                                        <tr><td>{label.clone()}</td><td class="mono">{key.clone()}</td><td class="num">{amount(*micros)}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            }.into_any()
                        }}
                        {can.then(|| view! {
                            <ActionForm action=map attr:class="form form--row" attr:data-test="map-region">
                                <div>
                                    <label for="region-platform">"Platform"</label>
                                    <select id="region-platform" name="platform">
                                        {cadence::ads::Platform::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <div>
                                    <label for="region-key">"Region key (name or Google criteria id)"</label>
                                    <input id="region-key" name="key" type="text" required
                                        value=s.unmapped.first().map(|u| u.2.clone()).unwrap_or_default() />
                                </div>
                                <div>
                                    <label for="region-code">"Parish"</label>
                                    <select id="region-code" name="region">
                                        {regions.iter().map(|(code, name)| view! { <option value=code.clone()>{name.clone()}</option> }).collect_view()}
                                    </select>
                                </div>
                                <button class="button button--secondary" type="submit">"Map region"</button>
                            </ActionForm>
                        })}
                        {form_error(map.value())}
                        {(!s.regions.is_empty()).then(|| view! {
                            <table class="table" data-test="own-regions">
                                <thead><tr><th>"Platform"</th><th>"Your key"</th><th>"Parish"</th></tr></thead>
                                <tbody>{s.regions.iter().map(|(p, k, n)| view! {
                                    <tr><td>{p.clone()}</td><td class="mono">{k.clone()}</td><td>{n.clone()}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                        })}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
