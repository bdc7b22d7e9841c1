//! The "page not found" view, which also sets the 404 status during server rendering.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="empty-state" data-test="not-found">
            <p class="empty-state__code">"404"</p>
            <h1>"We could not find that page"</h1>
            <p>"The address may be mistyped, or the page may have moved."</p>
            <a class="button" href="/">"Go to the home page"</a>
        </section>
    }
}
