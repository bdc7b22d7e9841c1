//! The team page (members, roles, invitations) and the invitation page a link opens.

use crate::api::team::{
    AcceptInvitation, ChangeMemberRole, InviteMember, JoinWithInvitation, RemoveMember,
    ResendInvitation, RevokeInvitation, load_invitation, load_team,
};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use leptos::prelude::*;
use leptos_meta::Title;

/// Members and their roles; invitations for those who may manage the team.
#[island(lazy)]
pub fn TeamPage() -> impl IntoView {
    crate::nav::island_ready();
    let invite = ServerAction::<InviteMember>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let team = Resource::new(
        move || {
            (
                invite.version().get(),
                resend.version().get(),
                revoke.version().get(),
                change.version().get(),
                remove.version().get(),
            )
        },
        |_| load_team(),
    );
    view! {
        <Title text="Team — Cadence" />
        <p class="crumbs"><a href="/app">"← Your workspace"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the team…"</p> }>
            {move || Suspend::new(async move {
                let t = match team.await {
                    Ok(t) => t,
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/team" /> }.into_any(),
                    Err(AppError::NotFound) => return view! {
                        <div class="empty-state empty-state--soft"><h2>"No tenant yet"</h2><p>"Join or create a tenant to have a team."</p></div>
                    }.into_any(),
                    Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                };
                let can_manage = t.manage_denied.is_none();
                let roles = t.assignable.clone();
                view! {
                    <section class="panel">
                        <div class="panel__head">
                            <div>
                                <h1>{format!("Team of {}", t.tenant)}</h1>
                                <p class="muted">{format!("{} member(s)", t.members.len())}</p>
                            </div>
                        </div>
                        {form_error(change.value())}
                        {form_error(remove.value())}
                        <table class="table" data-test="members">
                            <thead><tr><th>"Name"</th><th>"Email"</th><th>"Role"</th><th></th></tr></thead>
                            <tbody>
                                {t.members.into_iter().map(|m| {
                                    let roles = roles.clone();
                                    let id = m.user_id.to_string();
                                    let current = m.role.clone();
                                    view! {
                                        <tr data-test="member">
                                            <td>{m.name.clone()}{m.is_you.then(|| view! { <span class="badge">" you"</span> })}</td>
                                            <td>{m.email.clone()}</td>
                                            <td>
                                                {if can_manage && !m.agency_staff {
                                                    let id2 = id.clone();
                                                    view! {
                                                        <ActionForm action=change attr:class="inline-form">
                                                            <input type="hidden" name="user_id" value=id2 />
                                                            <select name="role" aria-label=format!("Role of {}", m.name)>
                                                                {roles.iter().map(|r| view! {
                                                                    <option value=r.clone() selected=*r == current>{r.clone()}</option>
                                                                }).collect_view()}
                                                            </select>
                                                            <button class="button button--small button--secondary" type="submit">"Save"</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                } else {
                                                    view! {
                                                        <span data-test="role">{m.role.replace('_', " ")}</span>
                                                        {m.agency_staff.then(|| view! { <span class="badge">"agency"</span> })}
                                                    }.into_any()
                                                }}
                                            </td>
                                            <td>
                                                {(can_manage && !m.agency_staff).then(|| view! {
                                                    <ActionForm action=remove attr:class="inline-form">
                                                        <input type="hidden" name="user_id" value=id.clone() />
                                                        <button class="button button--small button--danger" type="submit">
                                                            {if m.is_you { "Leave" } else { "Remove" }}
                                                        </button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                    {match t.manage_denied {
                        Some(why) => view! { <p class="alert alert--warn" data-test="manage-denied">{why}</p> }.into_any(),
                        None => view! {
                            <section class="panel">
                                <h2>"Invite a colleague"</h2>
                                <ActionForm action=invite attr:class="form form--row">
                                    <div>
                                        <label for="invite-email">"Email"</label>
                                        <input id="invite-email" name="email" type="email" required />
                                    </div>
                                    <div>
                                        <label for="invite-role">"Role"</label>
                                        <select id="invite-role" name="role">
                                            {t.invite_roles.iter().map(|r| view! {
                                                <option value=r.clone() selected=r == "viewer">{r.replace('_', " ")}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <button class="button" type="submit">"Send invitation"</button>
                                </ActionForm>
                                {form_error(invite.value())}
                                <Show when=move || matches!(invite.value().get(), Some(Ok(())))>
                                    <p class="alert alert--ok" data-test="invited">"Invitation sent. The link works for 7 days."</p>
                                </Show>
                                <h2 class="section-title">"Pending invitations"</h2>
                                {form_error(resend.value())}
                                {form_error(revoke.value())}
                                {if t.invitations.is_empty() {
                                    view! { <p class="muted">"No pending invitations."</p> }.into_any()
                                } else {
                                    view! {
                                        <table class="table" data-test="invitations">
                                            <thead><tr><th>"Email"</th><th>"Role"</th><th>"Expires"</th><th></th></tr></thead>
                                            <tbody>
                                                {t.invitations.into_iter().map(|i| {
                                                    let id = i.id.to_string();
                                                    let id2 = id.clone();
                                                    view! {
                                                        <tr data-test="invitation">
                                                            <td>{i.email}</td><td>{i.role.replace('_', " ")}</td><td>{i.expires}</td>
                                                            <td class="actions">
                                                                <ActionForm action=resend attr:class="inline-form">
                                                                    <input type="hidden" name="id" value=id2 />
                                                                    <button class="button button--small button--secondary" type="submit">"Resend"</button>
                                                                </ActionForm>
                                                                <ActionForm action=revoke attr:class="inline-form">
                                                                    <input type="hidden" name="id" value=id />
                                                                    <button class="button button--small button--danger" type="submit">"Revoke"</button>
                                                                </ActionForm>
                                                            </td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

/// What an invitation link opens: who invites you to what, and how to accept.
#[island(lazy)]
pub fn InvitePage() -> impl IntoView {
    crate::nav::island_ready();
    let query = use_query_map();
    let accept = ServerAction::<AcceptInvitation>::new();
    let join = ServerAction::<JoinWithInvitation>::new();
    let params = move || {
        let q = query.read();
        (
            q.get("t").unwrap_or_default(),
            q.get("token").unwrap_or_default(),
        )
    };
    let invitation = Resource::new(params, |(t, token)| async move {
        let t = t
            .parse()
            .map_err(|_| AppError::Validation("This invitation link is incomplete.".into()))?;
        load_invitation(t, token).await
    });
    view! {
        <Title text="Invitation — Cadence" />
        <section class="auth-card">
            <Suspense fallback=|| view! { <p class="muted">"Checking your invitation…"</p> }>
                {move || Suspend::new(async move {
                    let (t, token) = params();
                    let here = format!("/invite?t={t}&token={token}");
                    match invitation.await {
                        Ok(i) => {
                            let heading = format!("Join {}", i.tenant);
                            let intro = format!("You are invited as {} ({}).", i.role, i.email);
                            view! {
                                <h1 data-test="invite-title">{heading}</h1>
                                <p>{intro}</p>
                                {match i.signed_in_as {
                                    Some(_) => view! {
                                        <ActionForm action=accept attr:class="form">
                                            <input type="hidden" name="t" value=t.clone() />
                                            <input type="hidden" name="token" value=token.clone() />
                                            {form_error(accept.value())}
                                            <button class="button button--block" type="submit">"Accept invitation"</button>
                                        </ActionForm>
                                    }.into_any(),
                                    None => {
                                        let login = format!("/login?next={}", urlencode(&here));
                                        view! {
                                            <h2 class="section-title">"New to Cadence?"</h2>
                                            <p class="muted">{format!("Create your account for {} and join in one step.", i.email)}</p>
                                            <ActionForm action=join attr:class="form">
                                                <input type="hidden" name="t" value=t.clone() />
                                                <input type="hidden" name="token" value=token.clone() />
                                                <label for="display_name">"Your name"</label>
                                                <input id="display_name" name="display_name" type="text" autocomplete="name" required />
                                                <label for="password">"Choose a password"</label>
                                                <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required />
                                                <p class="hint">"At least 12 characters."</p>
                                                {form_error(join.value())}
                                                <button class="button button--block" type="submit">"Create account and join"</button>
                                            </ActionForm>
                                            <p class="auth-card__alt">"Already have an account? "<a href=login>"Log in to accept"</a></p>
                                        }.into_any()
                                    }
                                }}
                            }.into_any()
                        }
                        Err(e) => view! {
                            <h1>"Invitation"</h1>
                            <p class="alert alert--error" data-test="form-error">{e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
