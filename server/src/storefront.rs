//! The storefront's plain-HTTP side: visit capture (first-party visitor and visit cookies, UTM
//! attribution) and the form posts that work without JavaScript: cart, checkout, donation, pledge.
//! Each answers with a redirect (303) to the next page, or back to the form with the reason.

use axum::extract::{Form, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cadence::Uuid;
use cadence::commerce::{self, Arrival, Cart, Contact, Touch};
use cadence::db::Database;
use cadence::tenancy::ResolvedTenant;
use serde::Deserialize;
use tower_sessions::cookie::{Cookie, SameSite};

const VISITOR: &str = "cadence_vid";
const VISIT: &str = "cadence_visit";
const CART: &str = "cadence_cart";

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| Cookie::parse(c.trim().to_string()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn set_cookie(res: &mut Response, name: &str, value: String, max_age_days: Option<i64>) {
    let mut c = Cookie::build((name.to_string(), value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax);
    if let Some(days) = max_age_days {
        c = c.max_age(time::Duration::days(days));
    }
    if let Ok(v) = HeaderValue::from_str(&c.build().to_string()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn is_page(path: &str) -> bool {
    !path.starts_with("/api/")
        && !path.starts_with("/app/")
        && !path.starts_with("/pkg/")
        && !path.starts_with("/media/")
        && !path.contains('.')
}

/// On a storefront page view: a visitor id (one year) and a visit. A new visit starts when the
/// browser has none (a new browsing session) or the link carries campaign parameters.
pub async fn capture_visit(State(db): State<Database>, req: Request, next: Next) -> Response {
    let tenant = req.extensions().get::<ResolvedTenant>().cloned();
    let (Some(tenant), true) = (
        tenant,
        req.method() == axum::http::Method::GET && is_page(req.uri().path()),
    ) else {
        return next.run(req).await;
    };
    let headers = req.headers().clone();
    let known = cookie(&headers, VISITOR).and_then(|v| Uuid::parse_str(&v).ok());
    let visitor = known.unwrap_or_else(Uuid::now_v7);
    let query = req.uri().query().unwrap_or("").to_string();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap_or_default();
    let arrival = Arrival::from_request(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        headers.get(header::REFERER).and_then(|v| v.to_str().ok()),
        &req.uri().to_string(),
    );
    let in_visit = cookie(&headers, VISIT).is_some();
    let new_visit = if !in_visit || arrival.has_campaign() {
        match commerce::record_visit(&db, &tenant.scope, visitor, &arrival).await {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!(error = %e, "recording a visit failed");
                None
            }
        }
    } else {
        None
    };
    let mut res = next.run(req).await;
    if known.is_none() {
        set_cookie(&mut res, VISITOR, visitor.to_string(), Some(365));
    }
    if let Some(id) = new_visit {
        // A browser-session cookie: closing the browser ends the visit.
        set_cookie(&mut res, VISIT, id.to_string(), None);
    }
    res
}

/// The storefront's tenant; `None` on the platform host (these posts are storefront-only).
fn tenant_of(req_tenant: Option<axum::Extension<ResolvedTenant>>) -> Option<ResolvedTenant> {
    req_tenant.map(|t| t.0)
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

fn back(to: &str, error: &str) -> Response {
    let q = serde_urlencoded::to_string([("error", error)]).unwrap_or_default();
    let sep = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{sep}{q}")).into_response()
}

fn touch(headers: &HeaderMap) -> Touch {
    Touch {
        visitor: cookie(headers, VISITOR).and_then(|v| Uuid::parse_str(&v).ok()),
    }
}

#[derive(Deserialize)]
pub struct CartForm {
    item_id: Uuid,
    quantity: i32,
    /// "add" (default) adds to the line; "set" sets it (0 removes).
    #[serde(default)]
    mode: String,
}

/// Adds an item to the cart cookie (or sets its quantity), then shows the cart.
pub async fn cart(
    tenant: Option<axum::Extension<ResolvedTenant>>,
    headers: HeaderMap,
    Form(f): Form<CartForm>,
) -> Response {
    if tenant_of(tenant).is_none() {
        return not_found();
    }
    let mut cart = Cart::parse(&cookie(&headers, CART).unwrap_or_default());
    if f.mode == "set" {
        cart.set(f.item_id, f.quantity);
    } else if f.quantity < 1 || f.quantity > 1000 {
        return back("/cart", "Choose a quantity between 1 and 1,000.");
    } else {
        cart.add(f.item_id, f.quantity);
    }
    let mut res = Redirect::to("/cart").into_response();
    set_cookie(&mut res, CART, cart.to_cookie(), Some(30));
    res
}

#[derive(Deserialize)]
pub struct CheckoutForm {
    token: Uuid,
    name: String,
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    note: String,
}

/// Places the order for the cart (prices from the catalog), empties the cart, shows the receipt.
pub async fn checkout(
    State(db): State<Database>,
    tenant: Option<axum::Extension<ResolvedTenant>>,
    headers: HeaderMap,
    Form(f): Form<CheckoutForm>,
) -> Response {
    let Some(tenant) = tenant_of(tenant) else {
        return not_found();
    };
    let cart = Cart::parse(&cookie(&headers, CART).unwrap_or_default());
    let contact = Contact {
        name: f.name,
        email: f.email,
        phone: f.phone,
        note: f.note,
    };
    match commerce::place_order(
        &db,
        &tenant.scope,
        &cart.lines,
        &contact,
        f.token,
        touch(&headers),
    )
    .await
    {
        Ok(r) => {
            let mut res =
                Redirect::to(&format!("/thanks?kind=order&ref={}", f.token)).into_response();
            if r.created || !cart.lines.is_empty() {
                set_cookie(&mut res, CART, String::new(), Some(0));
            }
            res
        }
        Err(cadence::Error::Validation(m)) => back("/cart", &m),
        Err(e) => {
            tracing::error!(error = %e, "placing an order failed");
            back(
                "/cart",
                "We could not place your order just now. Please try again.",
            )
        }
    }
}

#[derive(Deserialize)]
pub struct GiveForm {
    campaign_id: Uuid,
    token: Uuid,
    /// Typed by the visitor; when empty, the suggested amount they picked.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    suggested: String,
    /// Pledges only.
    #[serde(default)]
    target_date: String,
    name: String,
    email: String,
    #[serde(default)]
    note: String,
}

async fn give(
    db: Database,
    tenant: Option<axum::Extension<ResolvedTenant>>,
    headers: HeaderMap,
    f: GiveForm,
    pledge: bool,
) -> Response {
    let Some(tenant) = tenant_of(tenant) else {
        return not_found();
    };
    let amount = if f.amount.trim().is_empty() {
        f.suggested.clone()
    } else {
        f.amount.clone()
    };
    let f = GiveForm { amount, ..f };
    let contact = Contact {
        name: f.name,
        email: f.email,
        phone: String::new(),
        note: f.note,
    };
    let touch = touch(&headers);
    let (kind, result) = if pledge {
        (
            "pledge",
            commerce::pledge(
                &db,
                &tenant.scope,
                f.campaign_id,
                &f.amount,
                &f.target_date,
                &contact,
                f.token,
                touch,
            )
            .await,
        )
    } else {
        (
            "donation",
            commerce::donate(
                &db,
                &tenant.scope,
                f.campaign_id,
                &f.amount,
                &contact,
                f.token,
                touch,
            )
            .await,
        )
    };
    let form_page = format!("/items/{}?form={kind}", f.campaign_id);
    match result {
        Ok(_) => Redirect::to(&format!("/thanks?kind={kind}&ref={}", f.token)).into_response(),
        Err(cadence::Error::Validation(m)) => back(&form_page, &m),
        Err(e) => {
            tracing::error!(error = %e, "recording a {kind} failed");
            back(
                &form_page,
                "We could not record that just now. Please try again.",
            )
        }
    }
}

pub async fn donate(
    State(db): State<Database>,
    tenant: Option<axum::Extension<ResolvedTenant>>,
    headers: HeaderMap,
    Form(f): Form<GiveForm>,
) -> Response {
    give(db, tenant, headers, f, false).await
}

pub async fn pledge(
    State(db): State<Database>,
    tenant: Option<axum::Extension<ResolvedTenant>>,
    headers: HeaderMap,
    Form(f): Form<GiveForm>,
) -> Response {
    give(db, tenant, headers, f, true).await
}

/// Renders the storefront's pages (GET on a storefront host) from data loaded here, before the
/// Leptos router: a complete HTML page with no script, no resources and no streaming.
///
/// Pages are kept in this server's storefront cache until a write changes the tenant (any
/// server's: see `cadence::storefront::spawn_listener`): the home and item pages per tenant, the
/// cart per tenant and cart cookie (the page is made from the cookie alone: a visitor is served
/// only what their own cookie names), a receipt per tenant and the reference the visitor holds.
/// Form tokens are placeholders in the kept page, replaced by fresh ones on every answer.
pub async fn pages(State(db): State<Database>, req: Request, next: Next) -> Response {
    use app::api::storefront as data;
    use app::pages::storefront::{Page, render_page};
    let tenant = req.extensions().get::<ResolvedTenant>().cloned();
    let path = req.uri().path().to_string();
    let (Some(tenant), true) = (
        tenant,
        req.method() == axum::http::Method::GET && is_page(&path),
    ) else {
        return next.run(req).await;
    };
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(req.uri().query().unwrap_or("")).unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.chars().take(300).collect::<String>())
    };
    let cart_cookie = cookie(req.headers(), CART).unwrap_or_default();
    drop(req);
    let cache = db.storefront_cache();
    let tenant_id = tenant.scope.tenant_id();
    let key = page_key(&path, &param, &cart_cookie);
    if let Some(key) = &key
        && let Some(html) = cache.page(tenant_id, key)
    {
        return html_response(StatusCode::OK, with_fresh_tokens(&html));
    }
    let generation = cache.pages_generation();
    // The home's data is kept per tenant: every page takes its branding from it.
    let home = match cadence::commerce::storefront_home(&db, &tenant).await {
        Ok(d) => d,
        Err(e) => return unavailable(e),
    };
    let loaded: cadence::Result<Page> = async {
        let lang = home.0.language.clone();
        Ok(match path.as_str() {
            "/" => Page::Home(data::home_from(&home)),
            "/cart" => {
                let mut cart = data::cart(&db, &tenant, &cart_cookie, &lang).await?;
                cart.token = PLACEHOLDERS[0];
                Page::Cart(cart)
            }
            "/thanks" => match param("ref").and_then(|r| Uuid::parse_str(&r).ok()) {
                Some(r) => {
                    data::receipt(&db, &tenant, &param("kind").unwrap_or_default(), r, &lang)
                        .await?
                        .map_or(Page::NotFound, Page::Thanks)
                }
                None => Page::NotFound,
            },
            p => match p
                .strip_prefix("/items/")
                .and_then(|id| Uuid::parse_str(id).ok())
            {
                Some(id) => match data::item(&db, &tenant, id, &lang).await? {
                    Some(mut page) => {
                        page.token = PLACEHOLDERS[0];
                        page.pledge_token = PLACEHOLDERS[1];
                        Page::Item(page)
                    }
                    None => Page::NotFound,
                },
                None => Page::NotFound,
            },
        })
    }
    .await;
    let page = match loaded {
        Ok(p) => p,
        Err(e) => return unavailable(e),
    };
    let status = if matches!(page, Page::NotFound) {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let html = render_page(&home.0, page, param("error"));
    if let (Some(key), StatusCode::OK) = (key, status) {
        cache.keep_page(generation, tenant_id, key, html.as_str().into());
    }
    html_response(status, with_fresh_tokens(&html))
}

/// What a page is kept under in the cache, or `None` for a page that is not kept (one showing
/// a form's refusal reason). Only what the page is made from goes into the key.
fn page_key(
    path: &str,
    param: &impl Fn(&str) -> Option<String>,
    cart_cookie: &str,
) -> Option<String> {
    if param("error").is_some() {
        return None;
    }
    Some(match path {
        "/" => "home".to_string(),
        // The cart page shows exactly the lines its cookie names, so the cookie (as parsed) is
        // the key: two visitors share a page only when they sent the same cart.
        "/cart" => format!("cart {}", commerce::Cart::parse(cart_cookie).to_cookie()),
        "/thanks" => format!(
            "thanks {} {}",
            param("kind").unwrap_or_default(),
            param("ref").unwrap_or_default()
        ),
        // The pledge form's earliest date is tomorrow: a new day is a new page.
        p if p.starts_with("/items/") => format!("{p} {}", chrono::Utc::now().date_naive()),
        _ => return None,
    })
}

/// Stand-ins for the form tokens in a rendered page, random per process so no text a tenant
/// writes can match them; each answer replaces them with fresh tokens.
static PLACEHOLDERS: std::sync::LazyLock<[Uuid; 2]> =
    std::sync::LazyLock::new(|| [Uuid::now_v7(), Uuid::now_v7()]);

fn with_fresh_tokens(html: &str) -> String {
    PLACEHOLDERS.iter().fold(html.to_string(), |html, p| {
        let p = p.to_string();
        if html.contains(&p) {
            html.replace(&p, &Uuid::now_v7().to_string())
        } else {
            html
        }
    })
}

fn unavailable(e: cadence::Error) -> Response {
    tracing::error!(error = %e, "loading a storefront page failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "This storefront could not be loaded just now. Please try again in a moment.",
    )
        .into_response()
}

fn html_response(status: StatusCode, html: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}
