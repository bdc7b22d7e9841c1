//! The error of a form's last submission, shown above its submit button (or, for a sensitive
//! action that needs a fresh second factor, the step-up form in its place).

use super::StepUpForm;
use crate::error::AppError;
use leptos::prelude::*;

/// Renders the last submission's error, if any (nothing while it succeeded or has not run).
pub fn form_error<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        value.get().and_then(|r| r.err()).map(|e| match e {
            AppError::StepUp => view! { <StepUpForm /> }.into_any(),
            AppError::MfaRequired => view! { <StepUpForm missing=true /> }.into_any(),
            e => view! { <p class="alert alert--error" role="alert" data-test="form-error">{e.to_string()}</p> }
                .into_any(),
        })
    }
}
