//! The address bar for islands: the router answers on the server, the browser's location in the
//! wasm (an island has no router around it; moving to another page is a full page load).

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// The query string of the page, as the router's `use_query_map` gives it.
pub fn query_map() -> Memo<ParamsMap> {
    #[cfg(feature = "ssr")]
    {
        leptos_router::hooks::use_query_map()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let search = window().location().search().unwrap_or_default();
        Memo::new(move |_| parse_query(&search))
    }
}

/// Goes to `href` (a full page load in the browser; nothing on the server).
pub fn go(href: &str) {
    #[cfg(not(feature = "ssr"))]
    {
        let _ = window().location().set_href(href);
    }
    #[cfg(feature = "ssr")]
    let _ = href;
}

/// Sends the visitor to `path`: an HTTP redirect when the server renders it, a page load in the
/// browser.
#[component]
pub fn Redirect(#[prop(into)] path: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        view! { <leptos_router::components::Redirect path /> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        go(&path);
    }
}

/// Called first by every island. When the last island on the page has started hydrating (a lazy
/// island only once its code has arrived), the body gets `data-hydrated`, for people and tests:
/// the page is interactive from then on. An island hydrates in the same turn its function runs,
/// so the mark waits for the next one.
pub fn island_ready() {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        thread_local! { static STARTED: Cell<u32> = const { Cell::new(0) }; }
        let started = STARTED.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        if started >= islands_on_page() {
            mark_hydrated();
        }
    }
}

/// How many islands the server rendered into the page.
#[cfg(feature = "hydrate")]
pub fn islands_on_page() -> u32 {
    document()
        .query_selector_all("leptos-island")
        .map(|l| l.length())
        .unwrap_or(0)
}

/// Marks the body `data-hydrated` at the next turn of the event loop.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}

/// `a=1&b=x%20y` → a map (`+` is a space, as forms send it).
#[cfg_attr(feature = "ssr", allow(dead_code))]
fn parse_query(search: &str) -> ParamsMap {
    let mut map = ParamsMap::new();
    for (k, v) in form_urlencoded::parse(search.trim_start_matches('?').as_bytes()) {
        map.insert(k.into_owned(), v.into_owned());
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_like_forms_send_them() {
        let m = parse_query("?range=last_7&q=a+b%2Fc&x&bad=%zz&end=%4");
        assert_eq!(m.get("range").as_deref(), Some("last_7"));
        assert_eq!(m.get("q").as_deref(), Some("a b/c"));
        assert_eq!(m.get("x").as_deref(), Some(""));
        assert_eq!(m.get("bad").as_deref(), Some("%zz"));
        assert_eq!(m.get("end").as_deref(), Some("%4"));
    }
}
