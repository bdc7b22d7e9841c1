//! The tenant switcher in the app header: the current tenant and role, and for people with more
//! than one tenant a searchable list (server-side search) opened with Ctrl/Cmd+K, driven by arrows
//! and Enter.

use crate::api::tenant::{SwitchTenant, load_switcher, search_tenants};
use leptos::prelude::*;

#[island]
pub fn TenantSwitcher() -> impl IntoView {
    crate::nav::island_ready();
    let state = Resource::new(|| (), |_| load_switcher());
    let (open, set_open) = signal(false);
    let (query, set_query) = signal(String::new());
    let (active, set_active) = signal(0usize);
    let results = Resource::new(
        move || (open.get(), query.get()),
        |(open, q)| async move {
            if open {
                search_tenants(q).await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    let switch = ServerAction::<SwitchTenant>::new();
    let input = NodeRef::<leptos::html::Input>::new();

    // After a switch, reload so every part of the page shows the new tenant's data.
    Effect::new(move |_| {
        if let Some(Ok(())) = switch.value().get() {
            let _ = window().location().reload();
        }
    });
    // Focus the search box when the list opens.
    Effect::new(move |_| {
        if open.get()
            && let Some(el) = input.get()
        {
            let _ = el.focus();
        }
    });
    // Ctrl/Cmd+K opens the switcher anywhere; Escape closes it.
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            set_query.set(String::new());
            set_active.set(0);
            set_open.set(true);
        } else if ev.key() == "Escape" {
            set_open.set(false);
        }
    });
    on_cleanup(move || handle.remove());

    let choose = move |index: usize| {
        let list = results.get().unwrap_or_default();
        if let Some(t) = list.get(index)
            && !t.current
        {
            switch.dispatch(SwitchTenant { tenant_id: t.id });
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let len = results.get().map(|r| r.len()).unwrap_or(0);
        match ev.key().as_str() {
            "ArrowDown" if len > 0 => {
                ev.prevent_default();
                set_active.update(|a| *a = (*a + 1) % len);
            }
            "ArrowUp" if len > 0 => {
                ev.prevent_default();
                set_active.update(|a| *a = (*a + len - 1) % len);
            }
            "Enter" => {
                ev.prevent_default();
                choose(active.get());
            }
            _ => {}
        }
    };

    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(Some(s)) = state.await else { return ().into_any() };
                if !s.has_others {
                    return view! {
                        <span class="switcher__single" data-test="switcher">
                            {s.current}<span class="badge">{s.role}</span>
                        </span>
                    }.into_any();
                }
                view! {
                    <div class="switcher">
                        <button
                            class="switcher__button"
                            data-test="switcher"
                            aria-haspopup="listbox"
                            aria-expanded=move || open.get().to_string()
                            on:click=move |_| {
                                set_query.set(String::new());
                                set_active.set(0);
                                set_open.update(|o| *o = !*o);
                            }
                        >
                            <span data-test="current-tenant-name">{s.current}</span>
                            <span class="badge">{s.role}</span>
                            <kbd>"Ctrl K"</kbd>
                        </button>
                        <Show when=move || open.get()>
                            <div class="switcher__panel" role="dialog" aria-label="Switch tenant">
                                <input
                                    node_ref=input
                                    type="search"
                                    placeholder="Search your tenants…"
                                    aria-label="Search your tenants"
                                    data-test="switcher-search"
                                    prop:value=move || query.get()
                                    on:input=move |ev| {
                                        set_query.set(event_target_value(&ev));
                                        set_active.set(0);
                                    }
                                    on:keydown=on_key
                                />
                                <Transition fallback=|| view! { <p class="muted">"Searching…"</p> }>
                                    {move || Suspend::new(async move {
                                        let list = results.await;
                                        if list.is_empty() {
                                            return view! { <p class="muted switcher__empty">"No tenant matches."</p> }.into_any();
                                        }
                                        view! {
                                            <ul class="switcher__list" role="listbox" data-test="switcher-list">
                                                {list.into_iter().enumerate().map(|(i, t)| view! {
                                                    <li
                                                        role="option"
                                                        aria-selected=move || (active.get() == i).to_string()
                                                        class:active=move || active.get() == i
                                                        on:mousedown=move |ev| { ev.prevent_default(); choose(i); }
                                                    >
                                                        <strong>{t.name}</strong>
                                                        <span class="muted">{match t.via_agency {
                                                            Some(a) => format!("{} · client of {a}", t.role),
                                                            None => t.role,
                                                        }}{if t.current { " · current" } else { "" }}</span>
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    })}
                                </Transition>
                            </div>
                        </Show>
                    </div>
                }.into_any()
            })}
        </Transition>
    }
}
