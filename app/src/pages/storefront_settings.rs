//! The storefront settings page: the public profile, contact details, branding (logo upload,
//! colours checked for contrast, social links), currency and language, and the publish switch.

use crate::api::commerce::{RemoveMedia, SaveStorefrontSettings, load_storefront_settings};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use cadence::media::app_media_url;
use leptos::prelude::*;
use leptos_meta::Title;

#[island(lazy)]
pub fn StorefrontSettingsPage() -> impl IntoView {
    crate::nav::island_ready();
    let save = ServerAction::<SaveStorefrontSettings>::new();
    let remove = ServerAction::<RemoveMedia>::new();
    let settings = Resource::new(
        move || (save.version().get(), remove.version().get()),
        |_| load_storefront_settings(),
    );
    let query = use_query_map();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    view! {
        <Title text="Storefront settings — Cadence" />
        <p class="crumbs"><a href="/app/sales">"← Sales"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let s = match settings.await {
                    Ok(s) => s,
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/storefront" /> }.into_any(),
                    Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                };
                let can = s.manage_denied.is_none();
                let upload_error = param("error");
                let uploaded = param("uploaded");
                view! {
                    <section class="panel panel--narrow">
                        <div class="panel__head">
                            <div>
                                <h1>"Storefront settings"</h1>
                                <p class="muted">
                                    <a href=format!("http://{}", s.address) data-test="storefront-address">{s.address.clone()}</a>
                                    " · "
                                    {if s.published {
                                        view! { <span class="badge badge--ok" data-test="published-state">"Published"</span> }.into_any()
                                    } else {
                                        view! { <span class="badge" data-test="published-state">"Not published"</span> }.into_any()
                                    }}
                                </p>
                            </div>
                        </div>
                        {s.manage_denied.clone().map(|why| view! { <p class="alert alert--warn">{why}</p> })}

                        <div class="media-block" data-test="logo-block">
                            <h2>"Logo"</h2>
                            {(!upload_error.is_empty()).then(|| view! { <p class="alert alert--error" role="alert" data-test="upload-error">{upload_error.clone()}</p> })}
                            {(!uploaded.is_empty() && upload_error.is_empty()).then(|| view! { <p class="alert alert--ok" data-test="upload-ok">"Logo updated."</p> })}
                            {form_error(remove.value())}
                            <div class="logo-row">
                                {match s.logo_id {
                                    Some(id) => view! {
                                        <img class="logo-preview" src=app_media_url(id, true) alt="Current logo" data-test="logo-preview" />
                                    }.into_any(),
                                    None => view! { <span class="logo-preview logo-preview--empty" data-test="no-logo">"No logo"</span> }.into_any(),
                                }}
                                {can.then(|| view! {
                                    <form method="post" action="/app/media" enctype="multipart/form-data" class="form form--row" data-test="logo-upload">
                                        <input type="hidden" name="purpose" value="logo" />
                                        <input type="hidden" name="return_to" value="/app/storefront" />
                                        <div>
                                            <label for="logo-file">"Upload a logo " <span class="muted">"(PNG, JPEG, GIF or WebP, up to 10 MB)"</span></label>
                                            <input id="logo-file" name="file" type="file" accept="image/png,image/jpeg,image/gif,image/webp" required />
                                        </div>
                                        <button class="button button--secondary" type="submit">"Upload"</button>
                                    </form>
                                })}
                                {(can && s.logo_id.is_some()).then(|| view! {
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="id" value=s.logo_id.map(|i| i.to_string()).unwrap_or_default() />
                                        <button class="button button--small button--ghost" type="submit" data-test="remove-logo">"Remove logo"</button>
                                    </ActionForm>
                                })}
                            </div>
                        </div>

                        <ActionForm action=save attr:class="form" attr:data-test="storefront-settings">
                            <fieldset disabled=!can class="plain">
                                <h2>"Profile"</h2>
                                <label for="sf-name">"Storefront name"</label>
                                <input id="sf-name" name="display_name" type="text" required maxlength="120" value=s.display_name.clone() />
                                <label for="sf-tagline">"Tagline"</label>
                                <input id="sf-tagline" name="tagline" type="text" maxlength="200" value=s.tagline.clone() />
                                <label for="sf-about">"About"</label>
                                <textarea id="sf-about" name="about" rows="4" maxlength="5000">{s.about.clone()}</textarea>

                                <h2>"Contact"</h2>
                                <label for="sf-email">"Contact email"</label>
                                <input id="sf-email" name="contact_email" type="email" value=s.contact_email.clone() />
                                <label for="sf-phone">"Contact phone"</label>
                                <input id="sf-phone" name="contact_phone" type="text" maxlength="40" value=s.contact_phone.clone() />

                                <h2>"Brand"</h2>
                                <div class="field-pair">
                                    <ColorField id="sf-brand" name="brand_color" label="Brand colour (buttons and links)" value=s.brand_color.clone() placeholder="#4f46e5" />
                                    <ColorField id="sf-header" name="header_color" label="Top bar colour" value=s.header_color.clone() placeholder="#ffffff" />
                                </div>
                                <p class="hint">"Use the form #1f6feb. The brand colour needs a contrast of at least 3:1 on white so buttons stay readable; text on the top bar turns white or dark by itself."</p>

                                <h2>"Social links"</h2>
                                <div class="field-grid">
                                    {s.social_links.iter().map(|(key, label, url)| {
                                        let id = format!("sf-social-{key}");
                                        view! {
                                            <div>
                                                <label for=id.clone()>{label.clone()}</label>
                                                <input id=id name=format!("social[{key}]") type="url" value=url.clone()
                                                    placeholder=if key == "website" { "https://example.com".to_string() } else { format!("https://{key}.com/…") } />
                                            </div>
                                        }
                                    }).collect_view()}
                                </div>

                                <h2>"Currency and language"</h2>
                                <div class="field-pair">
                                    <div>
                                        <label for="sf-currency">"Currency"</label>
                                        <select id="sf-currency" name="currency" data-test="currency">
                                            {cadence::money::CURRENCIES.iter().map(|(code, exp, name)| view! {
                                                <option value=*code selected=s.currency == *code>{format!("{code} — {name} ({exp} decimals)")}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div>
                                        <label for="sf-language">"Storefront language"</label>
                                        <select id="sf-language" name="language" data-test="language">
                                            {cadence::storefront::LANGUAGES.iter().map(|(code, name, _)| view! {
                                                <option value=*code selected=s.language == *code>{*name}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                </div>
                                <p class="hint">"New prices are in this currency. Arabic shows the storefront right to left with Arabic labels and digits."</p>

                                <h2>"Visibility"</h2>
                                <label class="check"><input type="checkbox" name="published" value="on" checked=s.published /> " Published: visitors can see and buy from the storefront"</label>
                                {form_error(save.value())}
                                <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                                    <p class="alert alert--ok" data-test="settings-saved">"Saved."</p>
                                </Show>
                                <button class="button" type="submit">"Save settings"</button>
                            </fieldset>
                        </ActionForm>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

/// A colour as text (`#rrggbb`) with a swatch that follows what is typed.
#[component]
fn ColorField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: String,
    placeholder: &'static str,
) -> impl IntoView {
    let typed = RwSignal::new(value.clone());
    let swatch = move || {
        cadence::storefront::parse_color(&typed.get())
            .map(|c| format!("background: {c}"))
            .unwrap_or_else(|_| "background: transparent".into())
    };
    view! {
        <div>
            <label for=id>{label}</label>
            <div class="color-field">
                <span class="swatch" style=swatch aria-hidden="true"></span>
                <input id=id name=name type="text" maxlength="7" placeholder=placeholder value=value
                    on:input=move |ev| typed.set(event_target_value(&ev)) />
            </div>
        </div>
    }
}
