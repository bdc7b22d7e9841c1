//! Two-factor pages: the code step of a log-in, the confirm page before a download, and the
//! Security panel on the home page (set-up with a QR code, recovery codes, turning it off).

use crate::api::auth::LogInCode;
use crate::api::mfa::{BeginMfa, ConfirmMfa, DisableMfa, NewRecoveryCodes, load_mfa};
use crate::components::{StepUpForm, form_error};
use crate::nav::query_map as use_query_map;
use leptos::prelude::*;
use leptos_meta::Title;

/// Only same-site paths may be where a confirmation goes on to.
fn same_site(next: String) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/app".into()
    }
}

/// After the password: the code from the authenticator app, or a recovery code.
#[island(lazy)]
pub fn LogInCodePage() -> impl IntoView {
    crate::nav::island_ready();
    let action = ServerAction::<LogInCode>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text="Two-factor authentication — Cadence" />
        <section class="auth-card">
            <h1>"Two-factor authentication"</h1>
            <p class="muted">"Open your authenticator app and enter the 6-digit code it shows for Cadence."</p>
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="next" prop:value=next />
                <label for="code">"Authentication code"</label>
                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    required maxlength="12" autofocus=true placeholder="123456" />
                {form_error(action.value())}
                <button class="button button--block" type="submit">"Verify"</button>
            </ActionForm>
            <p class="auth-card__alt muted">"Lost your phone? Enter one of your recovery codes instead (like " <code>"abcde-12345"</code>")."</p>
            <p class="auth-card__alt"><a href="/login">"Start again"</a></p>
        </section>
    }
}

/// Before a download that needs a fresh code: confirm, then go on to it.
#[island(lazy)]
pub fn ConfirmPage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let next = move || same_site(query.read().get("next").unwrap_or_default());
    let mfa = Resource::new(|| (), |_| load_mfa());
    let confirmed = RwSignal::new(false);
    let go_on = Callback::new(move |_| {
        confirmed.set(true);
        #[cfg(feature = "hydrate")]
        {
            // A full load: the next address is a download, not a page of this app.
            let _ = window().location().assign(&next());
        }
    });
    view! {
        <Title text="Confirm it is you — Cadence" />
        <section class="auth-card">
            <h1>"Confirm it is you"</h1>
            <p class="muted">"Exports, role and credential changes and access approvals ask for a fresh code."</p>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match mfa.await {
                        Ok(m) if m.enabled_since.is_some() => view! {
                            <StepUpForm then=go_on plain=true />
                            <Show when=move || confirmed.get()>
                                <p class="auth-card__alt">"Your download starts now. "
                                    <a href=next() rel="external" data-test="continue">"Download again"</a></p>
                            </Show>
                        }.into_any(),
                        Ok(_) => view! { <StepUpForm missing=true /> }.into_any(),
                        Err(e) => view! { <p class="alert alert--error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The list of recovery codes just made, shown once.
fn recovery_codes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="alert alert--ok recovery" data-test="recovery-codes">
            <p><strong>"Save your recovery codes now: they will not be shown again."</strong></p>
            <p class="muted">"Each one lets you in once if you lose your phone. Keep them in your password manager."</p>
            <ul class="recovery__codes">
                {codes.into_iter().map(|c| view! { <li><code data-test="recovery-code">{c}</code></li> }).collect_view()}
            </ul>
        </div>
    }
}

/// Two-factor on the home page: set up, new recovery codes, turn off.
#[island(lazy)]
pub fn SecurityPanel() -> impl IntoView {
    crate::nav::island_ready();
    let begin = ServerAction::<BeginMfa>::new();
    let confirm = ServerAction::<ConfirmMfa>::new();
    let fresh = ServerAction::<NewRecoveryCodes>::new();
    let disable = ServerAction::<DisableMfa>::new();
    let state = Resource::new(
        move || {
            (
                confirm.version().get(),
                disable.version().get(),
                fresh.version().get(),
            )
        },
        |_| load_mfa(),
    );
    view! {
        <section class="panel panel--narrow" id="security" data-test="security">
            <h2>"Two-factor authentication"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let m = match state.await {
                        Ok(m) => m,
                        Err(e) => return view! { <p class="alert alert--error">{e.to_string()}</p> }.into_any(),
                    };
                    match m.enabled_since {
                        Some(since) => view! {
                            <p data-test="mfa-on">
                                <span class="badge badge--ok">"On"</span>
                                {format!(" since {since} · {} recovery code{} left", m.recovery_left, if m.recovery_left == 1 { "" } else { "s" })}
                            </p>
                            {(m.recovery_left <= 3).then(|| view! {
                                <p class="alert alert--warn">"You are running out of recovery codes: make new ones."</p>
                            })}
                            {move || confirm.value().get().and_then(|r| r.ok()).map(recovery_codes)}
                            {move || fresh.value().get().and_then(|r| r.ok()).map(recovery_codes)}
                            <div class="mfa-actions">
                                <ActionForm action=fresh attr:class="form">
                                    <label for="fresh-code">"New recovery codes (the old ones stop working)"</label>
                                    <div class="inline-form">
                                        <input id="fresh-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="12" placeholder="Code from your app" />
                                        <button class="button button--small button--secondary" type="submit">"Make new codes"</button>
                                    </div>
                                    {form_error(fresh.value())}
                                </ActionForm>
                                <ActionForm action=disable attr:class="form">
                                    <label for="off-code">"Turn off two-factor authentication"</label>
                                    <div class="inline-form">
                                        <input id="off-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="12" placeholder="Code from your app" />
                                        <button class="button button--small button--danger" type="submit">"Turn off"</button>
                                    </div>
                                    {form_error(disable.value())}
                                </ActionForm>
                            </div>
                        }.into_any(),
                        None => view! {
                            <p class="muted" data-test="mfa-off">
                                <span class="badge">"Off"</span>
                                " Protect your account with a code from an authenticator app (1Password, Google Authenticator, Authy…). Changing roles or credentials, exporting and approving support access need it."
                            </p>
                            <Show
                                when=move || matches!(begin.value().get(), Some(Ok(_)))
                                fallback=move || view! {
                                    <ActionForm action=begin>
                                        <button class="button" type="submit" data-test="mfa-start">"Set up two-factor authentication"</button>
                                    </ActionForm>
                                    {form_error(begin.value())}
                                }
                            >
                                {move || begin.value().get().and_then(|r| r.ok()).map(|e| view! {
                                    <ol class="mfa-steps">
                                        <li>"Scan this QR code with your authenticator app."
                                            <div class="mfa-qr" inner_html=e.qr_svg.clone()></div>
                                        </li>
                                        <li>"Or type this key into it by hand: "<code class="mfa-secret" data-test="mfa-secret">{e.secret.clone()}</code></li>
                                        <li>"Enter the 6-digit code the app shows, to finish."</li>
                                    </ol>
                                    <ActionForm action=confirm attr:class="inline-form">
                                        <label class="visually-hidden" for="mfa-first-code">"Code from the app"</label>
                                        <input id="mfa-first-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="6" placeholder="123456" aria-label="Code from the app" />
                                        <button class="button" type="submit">"Turn on"</button>
                                    </ActionForm>
                                    {form_error(confirm.value())}
                                })}
                            </Show>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
