//! The onboarding wizard: one step at a time, drawn from the shared step specs, saved on the
//! server at every step so a person can leave and resume where they were.

use crate::api::auth::LogOut;
use crate::api::onboarding::{load_onboarding, save_onboarding_step};
use crate::components::SlugStatus;
use crate::error::AppError;
use crate::nav::Redirect;
use cadence::onboarding::{
    FieldError, FieldSpec, Fields, Go, Kind, PROFILE_STEP, SaveOutcome, StepAnswer, StepSpec,
    WizardState, social_network, steps_for,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[island(lazy)]
pub fn OnboardingPage() -> impl IntoView {
    crate::nav::island_ready();
    let state = Resource::new(|| (), |_| load_onboarding());
    let log_out = ServerAction::<LogOut>::new();
    view! {
        <Title text="Set up your workspace — Cadence" />
        <Suspense fallback=|| view! { <p class="muted">"Loading your setup…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(s) if s.finished => view! {
                        <section class="panel panel--narrow" data-test="setup-done">
                            <h1>"You are all set"</h1>
                            <p class="muted">"Your workspace is ready."</p>
                            <a class="button" href="/app">"Go to your dashboard"</a>
                        </section>
                    }.into_any(),
                    Ok(s) => view! {
                        <Wizard initial=s />
                        <div class="wizard__aside">
                            <p class="muted">"Invited to join a team? Open the link in your invitation email instead; you can set up your own workspace later."</p>
                            <ActionForm action=log_out>
                                <button class="button button--ghost button--small" type="submit" data-test="log-out">"Log out"</button>
                            </ActionForm>
                        </div>
                    }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/onboarding" /> }.into_any(),
                    Err(e) => view! { <p class="alert alert--error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The step's saved answer, with one blank row to type into when it has rows and none yet.
fn draft_for(state: &WizardState) -> StepAnswer {
    let mut d = state.answers.get(&state.step).cloned().unwrap_or_default();
    d.skipped = false;
    let has_rows = steps_for(state.profile)
        .iter()
        .any(|s| s.key == state.step && s.rows.is_some());
    if has_rows && d.rows.is_empty() {
        d.rows.push(Fields::new());
    }
    d
}

fn current_spec(state: &WizardState) -> &'static StepSpec {
    steps_for(state.profile)
        .into_iter()
        .find(|s| s.key == state.step)
        .unwrap_or(&PROFILE_STEP)
}

#[component]
fn Wizard(initial: WizardState) -> impl IntoView {
    let draft = RwSignal::new(draft_for(&initial));
    let state = RwSignal::new(initial);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The form is rebuilt only when the step changes, never on a keystroke.
    let step_key = Memo::new(move |_| state.with(|s| s.step.clone()));

    let submit = move |go: Go| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let step = step_key.get_untracked();
        let answer = draft.get_untracked();
        leptos::task::spawn_local(async move {
            match save_onboarding_step(step, answer, go).await {
                Ok(SaveOutcome::Saved(next)) => {
                    errors.set(Vec::new());
                    failure.set(None);
                    draft.set(draft_for(&next));
                    state.set(next);
                }
                Ok(SaveOutcome::Invalid { step, errors: list }) => {
                    if step != step_key.get_untracked() {
                        state.update(|s| s.step = step);
                        draft.set(state.with_untracked(draft_for));
                    }
                    errors.set(list);
                }
                Ok(SaveOutcome::Finished { .. }) => {
                    // A full load, so the header shows the new tenant.
                    let _ = window().location().set_href("/app");
                    return;
                }
                Err(e) => failure.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };

    let progress = move || {
        state.with(|s| {
            let steps = steps_for(s.profile);
            let here = s.position();
            // Before a profile is chosen, the length is unknown: count the profile step and "…".
            let total = if s.profile.is_none() { 4 } else { steps.len() };
            (steps, here, total)
        })
    };

    view! {
        <section class="wizard" data-test="wizard" data-step=move || step_key.get()>
            <header class="wizard__head">
                <p class="eyebrow">"Set up your workspace"</p>
                {move || {
                    let (steps, here, total) = progress();
                    let pct = ((here + 1) * 100 / total.max(1)).min(100);
                    view! {
                        <div class="wizard__bar" role="progressbar" aria-valuemin="1"
                            aria-valuemax=total aria-valuenow=here + 1
                            aria-label=format!("Step {} of {}", here + 1, total)>
                            <span style=format!("width: {pct}%")></span>
                        </div>
                        <ol class="wizard__steps">
                            {steps.iter().enumerate().map(|(i, s)| view! {
                                <li class:done={i < here} class:current={i == here}
                                    aria-current=if i == here { Some("step") } else { None }>
                                    {s.title}
                                </li>
                            }).collect_view()}
                        </ol>
                        <p class="muted" data-test="step-count">{format!("Step {} of {}", here + 1, total)}</p>
                    }
                }}
            </header>
            {move || {
                let key = step_key.get();
                let spec = state.with_untracked(current_spec);
                debug_assert_eq!(spec.key, key);
                let first = state.with_untracked(|s| s.position() == 0);
                let last = state.with_untracked(|s| {
                    s.profile.is_some() && s.position() + 1 == steps_for(s.profile).len()
                });
                view! {
                    <form class="form wizard__form" novalidate
                        on:submit=move |ev| { ev.prevent_default(); submit(Go::Next); }>
                        <h1>{spec.title}</h1>
                        <p class="muted">{spec.intro}</p>
                        {spec.fields.iter().map(|f| field_view(f, None, draft, errors)).collect_view()}
                        {spec.rows.as_ref().map(|rows| rows_view(rows, draft, errors))}
                        {move || failure.get().map(|m| view! {
                            <p class="alert alert--error" role="alert" data-test="form-error">{m}</p>
                        })}
                        {move || (!errors.with(Vec::is_empty)).then(|| view! {
                            <p class="alert alert--error" role="alert" data-test="step-invalid">
                                "Please fix the highlighted fields."
                            </p>
                        })}
                        <div class="wizard__actions">
                            {(!first).then(|| view! {
                                <button type="button" class="button button--secondary" data-test="back"
                                    disabled=move || busy.get() on:click=move |_| submit(Go::Back)>"Back"</button>
                            })}
                            <span class="wizard__spacer"></span>
                            {spec.optional.then(|| view! {
                                <button type="button" class="button button--ghost" data-test="skip"
                                    disabled=move || busy.get() on:click=move |_| submit(Go::Skip)>"Skip this step"</button>
                            })}
                            <button type="submit" class="button" data-test="next" disabled=move || busy.get()>
                                {if last { "Finish setup" } else { "Next" }}
                            </button>
                        </div>
                    </form>
                }
            }}
        </section>
    }
}

/// The text of a field: `row` picks a row of a repeated group.
fn value_of(d: &StepAnswer, name: &str, row: Option<usize>) -> String {
    match row {
        None => d.fields.get(name).cloned(),
        Some(i) => d.rows.get(i).and_then(|r| r.get(name).cloned()),
    }
    .unwrap_or_default()
}

fn set_value(draft: RwSignal<StepAnswer>, name: &'static str, row: Option<usize>, v: String) {
    draft.update(|d| match row {
        None => {
            d.fields.insert(name.to_string(), v);
        }
        Some(i) => {
            if let Some(r) = d.rows.get_mut(i) {
                r.insert(name.to_string(), v);
            }
        }
    });
}

/// One labelled control with its help text and its server message.
fn field_view(
    f: &'static FieldSpec,
    row: Option<usize>,
    draft: RwSignal<StepAnswer>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let key = match row {
        Some(i) => format!("rows.{i}.{}", f.name),
        None => f.name.to_string(),
    };
    let id = format!("f-{}", key.replace('.', "-"));
    let error = {
        let key = key.clone();
        Memo::new(move |_| {
            errors.with(|e| e.iter().find(|x| x.field == key).map(|x| x.message.clone()))
        })
    };
    let value = Signal::derive(move || draft.with(|d| value_of(d, f.name, row)));
    let on_input = move |ev| set_value(draft, f.name, row, event_target_value(&ev));
    let err_id = format!("{id}-error");
    let described = err_id.clone();
    let control = match f.kind {
        Kind::Cards(options) => view! {
            <div class="choice-cards" role="radiogroup" aria-label=f.label>
                {options.iter().map(|(v, label)| {
                    let (title, blurb) = label.split_once(" — ").unwrap_or((label, ""));
                    view! {
                        <label class="choice-card" class:selected=move || value.get() == *v>
                            <input type="radio" name=f.name value=*v
                                prop:checked=move || value.get() == *v
                                on:change=move |_| set_value(draft, f.name, row, v.to_string()) />
                            <strong>{title}</strong>
                            <span class="muted">{blurb}</span>
                        </label>
                    }
                }).collect_view()}
            </div>
        }
        .into_any(),
        Kind::Currency | Kind::TimeZone | Kind::Country | Kind::Language | Kind::Select(_) => {
            let options = f.kind.options();
            view! {
                <select id=id.clone() name=f.name prop:value=value on:change=on_input
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=described.clone()>
                    <option value="">"Choose…"</option>
                    {options.into_iter().map(|(v, label)| {
                        let text = if v == label || matches!(f.kind, Kind::Select(_) | Kind::Language) {
                            label.to_string()
                        } else {
                            format!("{label} ({v})")
                        };
                        view! { <option value=v selected=move || value.get() == v>{text}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        Kind::LongText { max } => view! {
            <textarea id=id.clone() name=f.name rows="4" maxlength=max prop:value=value on:input=on_input
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described.clone()></textarea>
        }
        .into_any(),
        Kind::Colour => view! {
            <div class="colour-field">
                <input type="color" aria-label=format!("{} picker", f.label)
                    prop:value=move || { let v = value.get(); if v.len() == 7 { v } else { "#1f6feb".into() } }
                    on:input=on_input />
                <input id=id.clone() name=f.name type="text" placeholder="#1f6feb" maxlength="7"
                    prop:value=value on:input=on_input
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=described.clone() />
            </div>
        }
        .into_any(),
        kind => {
            let (input_type, placeholder, inputmode) = match kind {
                Kind::Url => ("url", "https://", "url"),
                Kind::Email => ("email", "name@example.com", "email"),
                Kind::Money => ("text", "0.00", "decimal"),
                Kind::Slug => ("text", "your-brand", "text"),
                _ => ("text", "", "text"),
            };
            view! {
                <input id=id.clone() name=f.name type=input_type placeholder=placeholder inputmode=inputmode
                    autocomplete="off" spellcheck=if kind == Kind::Slug { "false" } else { "true" }
                    prop:value=value on:input=on_input
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=described.clone() />
            }
            .into_any()
        }
    };
    let is_cards = matches!(f.kind, Kind::Cards(_));
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some() data-field=key>
            {(!is_cards).then(|| view! {
                <label for=id.clone()>
                    {f.label}
                    {(!f.required).then(|| view! { <span class="muted">" (optional)"</span> })}
                </label>
            })}
            {control}
            {(f.kind == Kind::Slug).then(|| view! { <SlugStatus value=value /> })}
            {(!f.help.is_empty()).then(|| view! { <p class="field__help">{f.help}</p> })}
            <p class="field__error" id=err_id data-test="field-error">{move || error.get()}</p>
        </div>
    }
}

/// A repeated group: one line per row, add and remove buttons.
fn rows_view(
    rows: &'static cadence::onboarding::RowsSpec,
    draft: RwSignal<StepAnswer>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|d| d.rows.len()));
    let group_error = Memo::new(move |_| {
        errors.with(|e| {
            e.iter()
                .find(|x| x.field == "rows")
                .map(|x| x.message.clone())
        })
    });
    let is_url_list = rows.fields.len() == 1 && rows.fields[0].kind == Kind::Url;
    view! {
        <div class="rows" data-test="rows">
            {move || (0..count.get()).map(|i| view! {
                <div class="rows__row" data-test="row">
                    {rows.fields.iter().map(|f| field_view(f, Some(i), draft, errors)).collect_view()}
                    {is_url_list.then(|| view! {
                        <span class="badge" data-test="network">
                            {move || draft.with(|d| social_network(&value_of(d, "url", Some(i))))}
                        </span>
                    })}
                    <button type="button" class="button button--ghost button--small" data-test="remove-row"
                        aria-label=format!("Remove {} {}", rows.noun, i + 1)
                        on:click=move |_| draft.update(|d| { if i < d.rows.len() { d.rows.remove(i); } })>
                        "Remove"
                    </button>
                </div>
            }).collect_view()}
            <p class="field__error" data-test="rows-error">{move || group_error.get()}</p>
            <button type="button" class="button button--secondary button--small" data-test="add-row"
                disabled=move || { count.get() >= rows.max }
                on:click=move |_| draft.update(|d| d.rows.push(Fields::new()))>
                {format!("Add a {}", rows.noun)}
            </button>
        </div>
    }
}
