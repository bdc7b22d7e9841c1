//! An agency's clients: the client tenants it manages, and a form to add one (inviting the
//! client's owner by email if wanted).

use crate::api::onboarding::{CreateClient, load_clients};
use crate::api::tenant::SwitchTenant;
use crate::components::{SlugStatus, form_error};
use crate::error::AppError;
use crate::nav::Redirect;
use cadence::money::CURRENCIES;
use cadence::onboarding::TIME_ZONES;
use leptos::prelude::*;
use leptos_meta::Title;

#[island(lazy)]
pub fn ClientsPage() -> impl IntoView {
    crate::nav::island_ready();
    let create = ServerAction::<CreateClient>::new();
    let switch = ServerAction::<SwitchTenant>::new();
    let clients = Resource::new(move || create.version().get(), |_| load_clients());
    let slug = RwSignal::new(String::new());
    // A client added: clear the address so the next one starts fresh.
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(()))) {
            slug.set(String::new());
        }
    });
    // Opening a client makes it the current tenant; its workspace home shows it.
    Effect::new(move |_| {
        if matches!(switch.value().get(), Some(Ok(_))) {
            let _ = window().location().set_href("/app");
        }
    });
    view! {
        <Title text="Clients — Cadence" />
        <p class="crumbs"><a href="/app">"← Your workspace"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading clients…"</p> }>
            {move || Suspend::new(async move {
                let view = match clients.await {
                    Ok(Some(v)) => v,
                    Ok(None) => return view! {
                        <div class="empty-state empty-state--soft" data-test="not-agency">
                            <h2>"Clients belong to agencies"</h2>
                            <p>"This workspace is not an agency. Switch to your agency's workspace to manage its clients."</p>
                        </div>
                    }.into_any(),
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/clients" /> }.into_any(),
                    Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                };
                view! {
                    <section class="panel">
                        <div class="panel__head">
                            <div>
                                <h1>{format!("Clients of {}", view.agency)}</h1>
                                <p class="muted">"Each client has its own tenant. Your agency role reaches all of them."</p>
                            </div>
                        </div>
                        {if view.clients.is_empty() {
                            view! { <p class="muted" data-test="no-clients">"No clients yet."</p> }.into_any()
                        } else {
                            view! {
                                <table class="table" data-test="clients">
                                    <thead><tr><th>"Client"</th><th>"Address"</th><th>"Currency"</th><th>"Status"</th><th>"Added"</th><th></th></tr></thead>
                                    <tbody>
                                        {view.clients.into_iter().map(|c| { let active = c.status == "active"; view! {
                                            <tr data-test="client">
                                                <td><strong>{c.name}</strong></td>
                                                <td class="mono">{c.slug}</td>
                                                <td>{c.currency}</td>
                                                <td><span class="badge" class:badge--ok=active>{c.status}</span></td>
                                                <td>{c.added}</td>
                                                <td>
                                                    <ActionForm action=switch attr:class="inline-form">
                                                        <input type="hidden" name="tenant_id" value=c.id.to_string() />
                                                        <button class="button button--small button--secondary" type="submit">"Open"</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                    {match view.manage_denied {
                        Some(why) => view! { <p class="alert alert--warn" data-test="manage-denied">{why}</p> }.into_any(),
                        None => view! {
                            <section class="panel panel--narrow">
                                <h2>"Add a client"</h2>
                                <ActionForm action=create attr:class="form" attr:data-test="add-client">
                                    <label for="client-name">"Client name"</label>
                                    <input id="client-name" name="name" type="text" required maxlength="120" />
                                    <label for="client-slug">"Cadence address"</label>
                                    <input id="client-slug" name="slug" type="text" required maxlength="40" autocomplete="off" spellcheck="false" bind:value=slug />
                                    <SlugStatus value=slug />
                                    <label for="client-currency">"Currency"</label>
                                    <select id="client-currency" name="currency">
                                        {CURRENCIES.iter().map(|(c, _, n)| view! { <option value=*c selected=*c == "USD">{format!("{n} ({c})")}</option> }).collect_view()}
                                    </select>
                                    <label for="client-tz">"Time zone"</label>
                                    <select id="client-tz" name="time_zone">
                                        {TIME_ZONES.iter().map(|z| view! { <option value=*z selected=*z == "UTC">{*z}</option> }).collect_view()}
                                    </select>
                                    <label for="client-owner">"Client contact's email " <span class="muted">"(optional)"</span></label>
                                    <input id="client-owner" name="owner_email" type="email" />
                                    <p class="field__help">"We invite them as the client's owner; you keep access through the agency."</p>
                                    {form_error(create.value())}
                                    <Show when=move || matches!(create.value().get(), Some(Ok(())))>
                                        <p class="alert alert--ok" data-test="client-added">"Client added."</p>
                                    </Show>
                                    <button class="button" type="submit">"Add client"</button>
                                </ActionForm>
                            </section>
                        }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}
