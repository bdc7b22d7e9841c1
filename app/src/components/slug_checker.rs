//! The storefront-address checker: validates as you type and asks the server whether the slug is free.

use crate::api::{SlugCheck, SlugState, check_slug};
use cadence::tenancy::TenantSlug;
use leptos::prelude::*;
use std::time::Duration;

/// The landing page's address checker: an input and its live answer.
#[island(lazy)]
pub fn SlugChecker() -> impl IntoView {
    crate::nav::island_ready();
    let input = RwSignal::new(String::new());
    view! {
        <form class="slug-checker" on:submit=|ev| ev.prevent_default()>
            <label for="slug-input">"Claim your storefront address"</label>
            <div class="slug-checker__row">
                <input
                    id="slug-input"
                    name="slug"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="your-brand"
                    maxlength="40"
                    bind:value=input
                />
            </div>
            <SlugStatus value=input />
        </form>
    }
}

/// The live answer for a slug being typed: the rules on the client at once, then the server's
/// availability after a short pause. It needs hydration: without JavaScript it stays silent, which
/// is fine for a convenience that every submit enforces again.
#[component]
pub fn SlugStatus(#[prop(into)] value: Signal<String>) -> impl IntoView {
    let (result, set_result) = signal(None::<SlugCheck>);
    let (pending, set_pending) = signal(false);
    // Each change bumps the generation; only the newest request may write its answer.
    let generation = StoredValue::new(0u64);

    let check = move |value: String| {
        let this = generation.get_value() + 1;
        generation.set_value(this);
        if value.trim().is_empty() {
            set_result.set(None);
            set_pending.set(false);
            return;
        }
        // Rules first, on the client: no round trip for a slug that cannot be valid.
        if let Err(e) = TenantSlug::parse(&value) {
            set_result.set(Some(SlugCheck {
                state: SlugState::Invalid,
                message: e.to_string(),
            }));
            set_pending.set(false);
            return;
        }
        set_pending.set(true);
        set_timeout(
            move || {
                // The field may be gone by now (the wizard moved to another step).
                if generation.try_get_value() != Some(this) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let answer = check_slug(value).await;
                    if generation.try_get_value() == Some(this) {
                        set_pending.set(false);
                        set_result.set(Some(answer.unwrap_or_else(|e| SlugCheck {
                            state: SlugState::Invalid,
                            message: e.to_string(),
                        })));
                    }
                });
            },
            Duration::from_millis(200),
        );
    };
    Effect::new(move |_| check(value.get()));

    view! {
    <p
        class="slug-checker__result"
        data-test="slug-result"
        data-state=move || {
            if pending.get() {
                "pending"
            } else {
                match result.get().map(|r| r.state) {
                    Some(SlugState::Available) => "available",
                    Some(SlugState::Taken) => "taken",
                    Some(SlugState::Invalid) => "invalid",
                    None => "idle",
                }
            }
        }
        aria-live="polite"
    >
        {move || {
            if pending.get() {
                "Checking…".to_string()
            } else {
                result
                    .get()
                    .map(|r| r.message)
                    .unwrap_or_else(|| {
                        "3–40 lowercase letters, digits or hyphens.".to_string()
                    })
            }
        }}
    </p>
    }
}
