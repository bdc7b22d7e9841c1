//! Step-up in place: when a sensitive action answers "confirm it is you", a code field right there;
//! when two-factor is not on yet, the way to turn it on.

use crate::api::mfa::StepUp;
use leptos::prelude::*;

/// Asks for a fresh code; `then` runs once it is accepted (for example to go on to a download).
#[component]
pub fn StepUpForm(
    #[prop(optional, into)] then: Option<Callback<()>>,
    #[prop(optional)] missing: bool,
    /// On a page whose heading already says "Confirm it is you".
    #[prop(optional)]
    plain: bool,
) -> impl IntoView {
    if missing {
        return view! {
            <div class="alert alert--warn step-up" role="alert" data-test="mfa-required">
                <p><strong>"This needs two-factor authentication."</strong></p>
                <p>"Role and credential changes, exports and access approvals ask for a code from an authenticator app. "
                    <a href="/app#security" rel="external">"Turn on two-factor authentication"</a>" first."</p>
            </div>
        }
        .into_any();
    }
    let action = ServerAction::<StepUp>::new();
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(then)) = (action.value().get(), then) {
            then.run(());
        }
    });
    view! {
        <div class="step-up" role="alert" data-test="step-up">
            <Show
                when=move || matches!(action.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <p>{(!plain).then(|| view! { <strong>"Confirm it is you. "</strong> })}"Enter the code your authenticator app shows now (or a recovery code)."</p>
                    <ActionForm action=action attr:class="inline-form">
                        <label class="visually-hidden" for="step-up-code">"Authentication code"</label>
                        <input id="step-up-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                            required maxlength="12" placeholder="123456" aria-label="Authentication code" />
                        <button class="button button--small" type="submit">"Confirm"</button>
                    </ActionForm>
                    {move || action.value().get().and_then(|r| r.err()).map(|e| view! {
                        <p class="step-up__error" data-test="step-up-error">{e.to_string()}</p>
                    })}
                }
            >
                <p data-test="stepped-up"><strong>"Confirmed."</strong>
                    {if then.is_some() {
                        " You will not be asked again for 10 minutes."
                    } else {
                        " For the next 10 minutes you will not be asked again: repeat what you were doing."
                    }}</p>
            </Show>
        </div>
    }
    .into_any()
}
