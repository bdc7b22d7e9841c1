//! The storefront (a tenant's subdomain): home with the catalog, item pages with their order,
//! donation and pledge forms, the cart with checkout, and the receipt. Rendered on the server from
//! data loaded beforehand (no resources, no Suspense, no script): plain HTML with plain forms, so
//! a visitor orders with JavaScript off.

use crate::api::storefront::{CartView, ItemPage, PublicItem, ReceiptView, StorefrontHome};
use crate::components::NotFound;
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

/// The whole HTML document of a storefront page. `error` is the reason a form post sent the
/// visitor back with.
pub fn render_page(store_name: &str, page: Page, error: Option<String>) -> String {
    let title = match &page {
        Page::Home(h) => h.profile.display_name.clone(),
        Page::Item(i) => format!("{} — {store_name}", i.item.title),
        Page::Cart(_) => format!("Your cart — {store_name}"),
        Page::Thanks(_) => format!("Thank you — {store_name}"),
        Page::NotFound => format!("Not found — {store_name}"),
    };
    let name = store_name.to_string();
    let body = Owner::new().with(move || {
        let main = match page {
            Page::Home(h) => view! { <HomeView home=h /> }.into_any(),
            Page::Item(i) => view! { <ItemView page=i error=error.clone() /> }.into_any(),
            Page::Cart(c) => view! { <CartPage cart=c error=error.clone() /> }.into_any(),
            Page::Thanks(r) => view! { <ThanksView receipt=r /> }.into_any(),
            Page::NotFound => view! { <NotFoundView /> }.into_any(),
        };
        view! {
            <div class="shell shell--storefront">
                <header class="topbar topbar--storefront">
                    <a class="brand" href="/" data-test="storefront-name">{name}</a>
                    <nav class="topbar__nav" aria-label="Storefront">
                        <a href="/">"Shop"</a>
                        <a href="/cart" data-test="cart-link">"Cart"</a>
                    </nav>
                </header>
                <main class="page">{main}</main>
                <footer class="footer">
                    <span>"Powered by"</span>
                    <strong>"Cadence"</strong>
                </footer>
            </div>
        }
        .to_html()
    });
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"><link rel=\"stylesheet\" href=\"/pkg/cadence.css\"><title>{}</title></head><body data-site=\"storefront\">{body}</body></html>",
        escape(&title)
    )
}

fn error_view(error: Option<String>) -> impl IntoView {
    error.map(
        |e| view! { <p class="alert alert--error" role="alert" data-test="form-error">{e}</p> },
    )
}

#[component]
fn NotFoundView() -> impl IntoView {
    view! {
        <section class="empty-state">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. "<a href="/">"Back to the shop"</a></p>
        </section>
    }
}

#[component]
fn HomeView(home: StorefrontHome) -> impl IntoView {
    let p = home.profile;
    view! {
        <section class="storefront-hero">
            <h1 data-test="storefront-title">{p.display_name.clone()}</h1>
            {p.tagline.clone().map(|t| view! { <p class="lead">{t}</p> })}
            {p.about.clone().map(|a| view! { <p class="storefront-hero__about">{a}</p> })}
        </section>
        {if home.items.is_empty() {
            view! {
                <section class="empty-state empty-state--soft">
                    <h2>"The catalog is being prepared"</h2>
                    <p>"Products, services and donation campaigns will appear here as soon as they are published."</p>
                </section>
            }.into_any()
        } else {
            view! {
                <section class="catalog" data-test="catalog">
                    {home.items.into_iter().map(|i| view! { <ItemCard item=i /> }).collect_view()}
                </section>
            }.into_any()
        }}
    }
}

#[component]
fn ItemCard(item: PublicItem) -> impl IntoView {
    let href = format!("/items/{}", item.id);
    view! {
        <article class="item-card" data-test="item">
            <span class="badge">{item.kind_label.clone()}</span>
            <h2><a href=href.clone()>{item.title.clone()}</a></h2>
            <p class="muted item-card__text">{item.description.chars().take(140).collect::<String>()}</p>
            {item.price.clone().map(|p| view! { <p class="item-card__price" data-test="price">{p}</p> })}
            {item.raised.clone().map(|r| view! { <Progress raised=r goal=item.goal.clone() pct=item.progress /> })}
            <a class="button button--small" href=href>
                {if item.kind == "donation" { "Donate or pledge" } else { "View" }}
            </a>
        </article>
    }
}

#[component]
fn Progress(raised: String, goal: Option<String>, pct: Option<u32>) -> impl IntoView {
    view! {
        <div class="progress-block">
            {pct.map(|p| view! {
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p>
                    <span style=format!("width: {p}%")></span>
                </div>
            })}
            <p class="muted">
                <strong>{raised}</strong>
                {goal.map(|g| format!(" raised of {g}")).unwrap_or_else(|| " raised".into())}
            </p>
        </div>
    }
}

#[component]
fn ItemView(page: ItemPage, error: Option<String>) -> impl IntoView {
    let item = page.item.clone();
    view! {
        <p class="crumbs"><a href="/">"← All items"</a></p>
        <article class="panel item-page">
            <span class="badge">{item.kind_label.clone()}</span>
            <h1 data-test="item-title">{item.title.clone()}</h1>
            // Text, never markup: whatever staff typed is shown as written.
            <p class="item-page__text">{item.description.clone()}</p>
            {item.raised.clone().map(|r| view! { <Progress raised=r goal=item.goal.clone() pct=item.progress /> })}
            {error_view(error)}
            {if item.kind == "donation" {
                view! { <GiveForms page=page.clone() /> }.into_any()
            } else {
                view! {
                    <p class="item-page__price" data-test="price">{item.price.clone()}</p>
                    <form method="post" action="/cart/add" class="form form--row">
                        <input type="hidden" name="item_id" value=item.id.to_string() />
                        <div>
                            <label for="quantity">"Quantity"</label>
                            <input id="quantity" name="quantity" type="number" min="1" max="1000" value="1" required />
                        </div>
                        <button class="button" type="submit">"Add to cart"</button>
                    </form>
                }.into_any()
            }}
        </article>
    }
}

/// The donation and pledge forms of a campaign.
#[component]
fn GiveForms(page: ItemPage) -> impl IntoView {
    let item = page.item;
    let id = item.id.to_string();
    let token = page.token.to_string();
    let pledge_token = page.pledge_token.to_string();
    view! {
        <div class="give">
            <form method="post" action="/donate" class="form give__form" data-test="donate-form">
                <h2>"Donate now"</h2>
                <input type="hidden" name="campaign_id" value=id.clone() />
                <input type="hidden" name="token" value=token />
                {(!item.suggested.is_empty()).then(|| view! {
                    <div class="amount-choices" role="group" aria-label="Suggested amounts">
                        {item.suggested.iter().map(|(v, label)| view! {
                            <label class="amount-choice">
                                <input type="radio" name="suggested" value=v.clone() />
                                <span>{label.clone()}</span>
                            </label>
                        }).collect_view()}
                    </div>
                })}
                <label for="donate-amount">"Amount"</label>
                <input id="donate-amount" name="amount" type="text" inputmode="decimal" placeholder="Another amount" />
                {item.minimum.clone().map(|m| view! { <p class="hint">{format!("The smallest donation is {m}.")}</p> })}
                <label for="donate-name">"Your name"</label>
                <input id="donate-name" name="name" type="text" required maxlength="120" autocomplete="name" />
                <label for="donate-email">"Email"</label>
                <input id="donate-email" name="email" type="email" required autocomplete="email" />
                <button class="button" type="submit">"Donate"</button>
            </form>
            <form method="post" action="/pledge" class="form give__form" data-test="pledge-form">
                <h2>"Pledge for later"</h2>
                <input type="hidden" name="campaign_id" value=id />
                <input type="hidden" name="token" value=pledge_token />
                <label for="pledge-amount">"Amount"</label>
                <input id="pledge-amount" name="amount" type="text" inputmode="decimal" required />
                <label for="pledge-date">"I will give by"</label>
                <input id="pledge-date" name="target_date" type="date" min=page.earliest_pledge required />
                <label for="pledge-name">"Your name"</label>
                <input id="pledge-name" name="name" type="text" required maxlength="120" autocomplete="name" />
                <label for="pledge-email">"Email"</label>
                <input id="pledge-email" name="email" type="email" required autocomplete="email" />
                <button class="button button--secondary" type="submit">"Pledge"</button>
            </form>
        </div>
    }
}

#[component]
fn CartPage(cart: CartView, error: Option<String>) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Your cart"</h1>
            {error_view(error)}
            {if cart.lines.is_empty() {
                view! {
                    <div class="empty-state empty-state--soft" data-test="cart-empty">
                        <h2>"Your cart is empty"</h2>
                        <p><a href="/">"Browse the catalog"</a></p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <table class="table" data-test="cart">
                        <thead><tr><th>"Item"</th><th>"Price"</th><th>"Quantity"</th><th class="num">"Total"</th></tr></thead>
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
                                                aria-label=format!("Quantity of {}", l.title) class="qty" />
                                            <button class="button button--small button--secondary" type="submit">"Update"</button>
                                        </form>
                                    </td>
                                    <td class="num">{l.line_total.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr><th colspan="3">"Total"</th><th class="num" data-test="cart-total">{cart.total.clone()}</th></tr></tfoot>
                    </table>
                    <form method="post" action="/checkout" class="form checkout" data-test="checkout">
                        <h2>"Checkout"</h2>
                        <input type="hidden" name="token" value=cart.token.to_string() />
                        <label for="name">"Name"</label>
                        <input id="name" name="name" type="text" required maxlength="120" autocomplete="name" />
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" required autocomplete="email" />
                        <label for="phone">"Phone " <span class="muted">"(optional)"</span></label>
                        <input id="phone" name="phone" type="text" maxlength="40" autocomplete="tel" />
                        <label for="note">"Note " <span class="muted">"(optional)"</span></label>
                        <textarea id="note" name="note" maxlength="2000" rows="3"></textarea>
                        <button class="button" type="submit">"Place order"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ThanksView(receipt: ReceiptView) -> impl IntoView {
    let r = receipt;
    view! {
        <section class="panel panel--narrow receipt" data-test="receipt">
            <h1>"Thank you!"</h1>
            <p>{match r.kind.as_str() {
                "order" => "Your order is in. We will be in touch about delivery.",
                "donation" => "Your donation is recorded. Thank you for your support.",
                _ => "Your pledge is recorded. We will remind you before the date.",
            }}</p>
            <dl class="facts">
                <div><dt>"Reference"</dt><dd data-test="receipt-number">{r.number}</dd></div>
                <div><dt>"Amount"</dt><dd data-test="receipt-total">{r.total}</dd></div>
            </dl>
            <a class="button button--secondary" href="/">"Back to the shop"</a>
        </section>
    }
}
