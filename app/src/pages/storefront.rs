//! The storefront (a tenant's subdomain): home with the catalog, item pages with their order,
//! donation and pledge forms, the cart with checkout, and the receipt. Rendered on the server from
//! data loaded beforehand (no resources, no Suspense, no script): plain HTML with plain forms, so
//! a visitor orders with JavaScript off.

use super::storefront_text::{Text, text};
use crate::api::storefront::{CartView, ItemPage, PublicItem, ReceiptView, StorefrontHome};
use crate::components::NotFound;
use cadence::media::storefront_media_url;
use cadence::storefront::{StorefrontProfile, is_rtl};
use leptos::prelude::*;
use leptos_router::components::{Router, Routes};

/// The Leptos side of the storefront host: only the fallback (every storefront page is rendered by
/// [`render_page`] before the router is reached).
#[component]
pub fn StorefrontApp() -> impl IntoView {
    crate::provide_app_context();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <leptos_router::components::Route path=leptos_router::StaticSegment("__never") view=|| () />
            </Routes>
        </Router>
    }
}

/// A storefront page with its data.
pub enum Page {
    Home(StorefrontHome),
    Item(ItemPage),
    Cart(CartView),
    Thanks(ReceiptView),
    NotFound,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The branding colours as CSS custom properties (values are checked `#rrggbb` colours).
fn brand_style(p: &StorefrontProfile) -> String {
    use cadence::storefront::{parse_color, text_on};
    let mut css = String::new();
    if let Some(c) = p.brand_color.as_deref().and_then(|c| parse_color(c).ok()) {
        css.push_str(&format!(
            "--c-primary:{c};--c-primary-ink:{};--c-primary-soft:{c}14;",
            text_on(&c)
        ));
    }
    if let Some(c) = p.header_color.as_deref().and_then(|c| parse_color(c).ok()) {
        css.push_str(&format!("--c-header:{c};--c-header-ink:{};", text_on(&c)));
    }
    if css.is_empty() {
        String::new()
    } else {
        format!("<style>:root{{{css}}}</style>")
    }
}

/// The whole HTML document of a storefront page, in the storefront's language and branding.
/// `error` is the reason a form post sent the visitor back with.
pub fn render_page(profile: &StorefrontProfile, page: Page, error: Option<String>) -> String {
    let t = text(&profile.language);
    let error = error.map(|e| super::storefront_text::reason(&profile.language, &e));
    let store_name = profile.display_name.clone();
    let title = match &page {
        Page::Home(_) => store_name.clone(),
        Page::Item(i) => format!("{} — {store_name}", i.item.title),
        Page::Cart(_) => format!("{} — {store_name}", t.title_cart),
        Page::Thanks(_) => format!("{} — {store_name}", t.title_thanks),
        Page::NotFound => format!("{} — {store_name}", t.title_not_found),
    };
    let p = profile.clone();
    let body = Owner::new().with(move || {
        let main = match page {
            Page::Home(h) => view! { <HomeView home=h t=t /> }.into_any(),
            Page::Item(i) => view! { <ItemView page=i error=error.clone() t=t /> }.into_any(),
            Page::Cart(c) => view! { <CartPage cart=c error=error.clone() t=t /> }.into_any(),
            Page::Thanks(r) => view! { <ThanksView receipt=r t=t /> }.into_any(),
            Page::NotFound => view! { <NotFoundView t=t /> }.into_any(),
        };
        let logo = p.logo_id.map(|id| view! {
            <img class="brand__logo" src=storefront_media_url(id, true) alt="" width="36" height="36" />
        });
        view! {
            <div class="shell shell--storefront">
                <header class="topbar topbar--storefront">
                    <a class="brand" href="/" data-test="storefront-name">{logo}{p.display_name.clone()}</a>
                    <nav class="topbar__nav" aria-label=t.shop>
                        <a href="/">{t.shop}</a>
                        <a href="/cart" data-test="cart-link">{t.cart}</a>
                    </nav>
                </header>
                <main class="page">{main}</main>
                <StoreFooter profile=p.clone() t=t />
            </div>
        }
        .to_html()
    });
    let dir = if is_rtl(&profile.language) {
        "rtl"
    } else {
        "ltr"
    };
    format!(
        "<!DOCTYPE html><html lang=\"{}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"><link rel=\"stylesheet\" href=\"{}\"><script src=\"/storefront.js\" defer></script>{}<title>{}</title></head><body data-site=\"storefront\">{body}</body></html>",
        escape(&profile.language),
        escape(&crate::assets::stylesheet()),
        brand_style(profile),
        escape(&title)
    )
}

#[component]
fn StoreFooter(profile: StorefrontProfile, t: &'static Text) -> impl IntoView {
    use cadence::storefront::SOCIAL_NETWORKS;
    let links = profile.social_links.clone();
    let label = |key: &str| {
        SOCIAL_NETWORKS
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, l, _)| *l)
            .unwrap_or("Link")
    };
    let has_contact = profile.contact_email.is_some() || profile.contact_phone.is_some();
    view! {
        <footer class="footer footer--storefront">
            {(!links.is_empty()).then(|| view! {
                <nav class="social" aria-label=t.follow data-test="social-links">
                    {links.iter().map(|(k, url)| view! {
                        <a href=url.clone() rel="noopener nofollow" target="_blank">{label(k)}</a>
                    }).collect_view()}
                </nav>
            })}
            {has_contact.then(|| view! {
                <p class="footer__contact">
                    <span class="muted">{t.contact}": "</span>
                    {profile.contact_email.clone().map(|e| view! { <a href=format!("mailto:{e}")>{e.clone()}</a> })}
                    {(profile.contact_email.is_some() && profile.contact_phone.is_some()).then_some(" · ")}
                    {profile.contact_phone.clone().map(|p| view! { <span dir="ltr">{p}</span> })}
                </p>
            })}
            <p class="footer__powered"><span>{t.powered_by}</span>" "<strong>"Cadence"</strong></p>
        </footer>
    }
}

fn error_view(error: Option<String>) -> impl IntoView {
    error.map(
        |e| view! { <p class="alert alert--error" role="alert" data-test="form-error">{e}</p> },
    )
}

#[component]
fn NotFoundView(t: &'static Text) -> impl IntoView {
    view! {
        <section class="empty-state">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_body}" "<a href="/">{t.back_to_shop}</a></p>
        </section>
    }
}

#[component]
fn HomeView(home: StorefrontHome, t: &'static Text) -> impl IntoView {
    let p = home.profile;
    view! {
        <section class="storefront-hero">
            {p.logo_id.map(|id| view! {
                <img class="storefront-hero__logo" src=storefront_media_url(id, true) alt=p.display_name.clone() data-test="storefront-logo" />
            })}
            <h1 data-test="storefront-title">{p.display_name.clone()}</h1>
            {p.tagline.clone().map(|t| view! { <p class="lead">{t}</p> })}
            {p.about.clone().map(|a| view! { <p class="storefront-hero__about">{a}</p> })}
        </section>
        {if home.items.is_empty() {
            view! {
                <section class="empty-state empty-state--soft">
                    <h2>{t.catalog_empty_title}</h2>
                    <p>{t.catalog_empty_body}</p>
                </section>
            }.into_any()
        } else {
            view! {
                <section class="catalog" data-test="catalog">
                    {home.items.into_iter().map(|i| view! { <ItemCard item=i t=t /> }).collect_view()}
                </section>
            }.into_any()
        }}
    }
}

#[component]
fn ItemCard(item: PublicItem, t: &'static Text) -> impl IntoView {
    let href = format!("/items/{}", item.id);
    view! {
        <article class="item-card" data-test="item">
            {item.images.first().map(|id| view! {
                <a class="item-card__media" href=href.clone() tabindex="-1">
                    <img src=storefront_media_url(*id, true) alt="" loading="lazy" />
                </a>
            })}
            <span class="badge">{t.kind(&item.kind)}</span>
            <h2><a href=href.clone()>{item.title.clone()}</a></h2>
            <p class="muted item-card__text">{item.description.chars().take(140).collect::<String>()}</p>
            {item.price.clone().map(|p| view! { <p class="item-card__price" data-test="price">{p}</p> })}
            {item.raised.clone().map(|r| view! { <Progress raised=r goal=item.goal.clone() pct=item.progress t=t /> })}
            <a class="button button--small" href=href>
                {if item.kind == "donation" { t.donate_or_pledge } else { t.view }}
            </a>
        </article>
    }
}

#[component]
fn Progress(
    raised: String,
    goal: Option<String>,
    pct: Option<u32>,
    t: &'static Text,
) -> impl IntoView {
    view! {
        <div class="progress-block">
            {pct.map(|p| view! {
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p>
                    <span style=format!("width: {p}%")></span>
                </div>
            })}
            <p class="muted">
                <strong>{raised}</strong>
                {goal.map(|g| format!(" {} {g}", t.raised_of)).unwrap_or_else(|| format!(" {}", t.raised))}
            </p>
        </div>
    }
}

#[component]
fn Gallery(images: Vec<cadence::Uuid>, title: String, t: &'static Text) -> impl IntoView {
    let first = images.first().copied();
    let rest: Vec<_> = images.iter().skip(1).copied().collect();
    first.map(|id| view! {
        <div class="gallery" data-test="gallery">
            <a href=storefront_media_url(id, false)>
                <img class="gallery__main" src=storefront_media_url(id, true) alt=title.clone() />
            </a>
            {(!rest.is_empty()).then(|| view! {
                <ul class="gallery__thumbs" aria-label=t.images>
                    {rest.iter().map(|id| view! {
                        <li><a href=storefront_media_url(*id, false)><img src=storefront_media_url(*id, true) alt="" loading="lazy" /></a></li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    })
}

#[component]
fn ItemView(page: ItemPage, error: Option<String>, t: &'static Text) -> impl IntoView {
    let item = page.item.clone();
    view! {
        <p class="crumbs"><a href="/">{t.all_items}</a></p>
        <article class="panel item-page">
            <Gallery images=item.images.clone() title=item.title.clone() t=t />
            <div class="item-page__body">
                <span class="badge">{t.kind(&item.kind)}</span>
                <h1 data-test="item-title">{item.title.clone()}</h1>
                // Text, never markup: whatever staff typed is shown as written.
                <p class="item-page__text">{item.description.clone()}</p>
                {item.raised.clone().map(|r| view! { <Progress raised=r goal=item.goal.clone() pct=item.progress t=t /> })}
                {error_view(error)}
                {if item.kind == "donation" {
                    view! { <GiveForms page=page.clone() t=t /> }.into_any()
                } else {
                    view! {
                        <p class="item-page__price" data-test="price">{item.price.clone()}</p>
                        <form method="post" action="/cart/add" class="form form--row">
                            <input type="hidden" name="item_id" value=item.id.to_string() />
                            <div>
                                <label for="quantity">{t.quantity}</label>
                                <input id="quantity" name="quantity" type="number" min="1" max="1000" value="1" required />
                            </div>
                            <button class="button" type="submit">{t.add_to_cart}</button>
                        </form>
                    }.into_any()
                }}
            </div>
        </article>
    }
}

/// The donation and pledge forms of a campaign.
#[component]
fn GiveForms(page: ItemPage, t: &'static Text) -> impl IntoView {
    let item = page.item;
    let id = item.id.to_string();
    let token = page.token.to_string();
    let pledge_token = page.pledge_token.to_string();
    view! {
        <div class="give">
            <form method="post" action="/donate" class="form give__form" data-test="donate-form">
                <h2>{t.donate_now}</h2>
                <input type="hidden" name="campaign_id" value=id.clone() />
                <input type="hidden" name="token" value=token />
                {(!item.suggested.is_empty()).then(|| view! {
                    <div class="amount-choices" role="group" aria-label=t.suggested_amounts>
                        {item.suggested.iter().map(|(v, label)| view! {
                            <label class="amount-choice">
                                <input type="radio" name="suggested" value=v.clone() />
                                <span>{label.clone()}</span>
                            </label>
                        }).collect_view()}
                    </div>
                })}
                <label for="donate-amount">{t.amount}</label>
                <input id="donate-amount" name="amount" type="text" inputmode="decimal" placeholder=t.another_amount />
                {item.minimum.clone().map(|m| view! { <p class="hint">{format!("{} {m}.", t.smallest_donation)}</p> })}
                <label for="donate-name">{t.your_name}</label>
                <input id="donate-name" name="name" type="text" required maxlength="120" autocomplete="name" />
                <label for="donate-email">{t.email}</label>
                <input id="donate-email" name="email" type="email" required autocomplete="email" />
                <button class="button" type="submit">{t.donate}</button>
            </form>
            <form method="post" action="/pledge" class="form give__form" data-test="pledge-form">
                <h2>{t.pledge_for_later}</h2>
                <input type="hidden" name="campaign_id" value=id />
                <input type="hidden" name="token" value=pledge_token />
                <label for="pledge-amount">{t.amount}</label>
                <input id="pledge-amount" name="amount" type="text" inputmode="decimal" required />
                <label for="pledge-date">{t.give_by}</label>
                <input id="pledge-date" name="target_date" type="date" min=page.earliest_pledge required />
                <label for="pledge-name">{t.your_name}</label>
                <input id="pledge-name" name="name" type="text" required maxlength="120" autocomplete="name" />
                <label for="pledge-email">{t.email}</label>
                <input id="pledge-email" name="email" type="email" required autocomplete="email" />
                <button class="button button--secondary" type="submit">{t.pledge}</button>
            </form>
        </div>
    }
}

#[component]
fn CartPage(cart: CartView, error: Option<String>, t: &'static Text) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>{t.your_cart}</h1>
            {error_view(error)}
            {if cart.lines.is_empty() {
                view! {
                    <div class="empty-state empty-state--soft" data-test="cart-empty">
                        <h2>{t.cart_empty}</h2>
                        <p><a href="/">{t.browse}</a></p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <table class="table" data-test="cart">
                        <thead><tr><th>{t.item}</th><th>{t.price}</th><th>{t.quantity}</th><th class="num">{t.total}</th></tr></thead>
                        <tbody>
                            {cart.lines.iter().map(|l| view! {
                                <tr data-test="cart-line">
                                    <td>{l.title.clone()}</td>
                                    <td>{l.unit_price.clone()}</td>
                                    <td>
                                        <form method="post" action="/cart/add" class="inline-form">
                                            <input type="hidden" name="item_id" value=l.item_id.to_string() />
                                            <input type="hidden" name="mode" value="set" />
                                            <input name="quantity" type="number" min="0" max="1000" value=l.quantity
                                                aria-label=format!("{} {}", t.quantity_of, l.title) class="qty" />
                                            <button class="button button--small button--secondary" type="submit">{t.update}</button>
                                        </form>
                                    </td>
                                    <td class="num">{l.line_total.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr><th colspan="3">{t.total}</th><th class="num" data-test="cart-total">{cart.total.clone()}</th></tr></tfoot>
                    </table>
                    <form method="post" action="/checkout" class="form checkout" data-test="checkout">
                        <h2>{t.checkout}</h2>
                        <input type="hidden" name="token" value=cart.token.to_string() />
                        <label for="name">{t.name}</label>
                        <input id="name" name="name" type="text" required maxlength="120" autocomplete="name" />
                        <label for="email">{t.email}</label>
                        <input id="email" name="email" type="email" required autocomplete="email" />
                        <label for="phone">{t.phone}" " <span class="muted">{t.optional}</span></label>
                        <input id="phone" name="phone" type="text" maxlength="40" autocomplete="tel" />
                        <label for="note">{t.note}" " <span class="muted">{t.optional}</span></label>
                        <textarea id="note" name="note" maxlength="2000" rows="3"></textarea>
                        <button class="button" type="submit">{t.place_order}</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ThanksView(receipt: ReceiptView, t: &'static Text) -> impl IntoView {
    let r = receipt;
    view! {
        <section class="panel panel--narrow receipt" data-test="receipt">
            <h1>{t.thank_you}</h1>
            <p>{match r.kind.as_str() {
                "order" => t.thanks_order,
                "donation" => t.thanks_donation,
                _ => t.thanks_pledge,
            }}</p>
            <dl class="facts">
                <div><dt>{t.reference}</dt><dd data-test="receipt-number">{r.number}</dd></div>
                <div><dt>{t.amount}</dt><dd data-test="receipt-total">{r.total}</dd></div>
            </dl>
            <a class="button button--secondary" href="/">{t.back_to_shop}</a>
        </section>
    }
}
