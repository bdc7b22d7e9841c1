//! The banner on every page while Cadence staff act in a user's account, with the way out.

use crate::api::platform_admin::{StopImpersonation, load_impersonation};
use leptos::prelude::*;

#[component]
pub fn ImpersonationBar() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let stop = ServerAction::<StopImpersonation>::new();
    let state = Resource::new(
        move || (location.pathname.get(), stop.version().get()),
        |_| load_impersonation(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                state.await.ok().flatten().map(|b| view! {
                    <div class="impersonation-bar" role="status" data-test="impersonation-banner">
                        <span>
                            <strong>{format!("{} (Cadence support) is acting as {}", b.staff, b.user)}</strong>
                            {format!(" — with their consent, until {}. Passwords and credentials cannot be changed; every action is recorded.", b.until)}
                        </span>
                        <ActionForm action=stop>
                            <button class="button button--small" type="submit" data-test="end-impersonation">"End session"</button>
                        </ActionForm>
                    </div>
                })
            })}
        </Transition>
    }
}
