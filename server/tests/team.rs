//! Team and invitations through the core: invite, accept, resend, revoke, and every bad link.

mod common;
use cadence::access::{self, Principal, RoleCatalog};
use cadence::auth::Email;
use cadence::team::{self, Inviter};
use cadence::tenancy::TenantScope;
use common::*;

struct Ctx {
    catalog: RoleCatalog,
    principal: Principal,
    scope: TenantScope,
}

async fn ctx(app: &TestApp, user: cadence::Uuid, tenant: &cadence::tenancy::ResolvedTenant) -> Ctx {
    let catalog = access::load_catalog(&app.db).await.unwrap();
    let principal = access::principal(&app.db, user).await.unwrap();
    let scope = access::enter_tenant(&catalog, &principal, tenant.scope.tenant_id()).unwrap();
    Ctx {
        catalog,
        principal,
        scope,
    }
}

fn inviter<'a>(c: &'a Ctx, meta: &'a cadence::audit::RequestMeta) -> Inviter<'a> {
    Inviter {
        catalog: &c.catalog,
        principal: &c.principal,
        scope: &c.scope,
        meta,
        app_url: "http://cadence.test",
    }
}

/// The tenant id and token of the newest invitation link mailed to `email`.
async fn link_for(app: &TestApp, email: &str) -> (cadence::Uuid, String) {
    let body = app.last_mail(email).await.body_text;
    let t_start = body.find("t=").unwrap() + 2;
    let tenant: cadence::Uuid = body[t_start..t_start + 36].parse().unwrap();
    (tenant, token_in(&body))
}

#[tokio::test]
async fn an_invited_colleague_accepts_and_joins_with_the_role() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Team Co").await;
    let c = ctx(&app, owner.user_id, &owner.tenant).await;
    let meta = Default::default();
    let (colleague, email) = app.verified_user("Col League").await;
    team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&email).unwrap(),
        "manager",
    )
    .await
    .unwrap();
    let mail = app.last_mail(&email).await;
    assert_eq!(mail.subject, "You are invited to Team Co on Cadence");
    assert_eq!(
        team::pending_invitations(&app.db, &c.scope)
            .await
            .unwrap()
            .len(),
        1
    );

    let (tenant, token) = link_for(&app, &email).await;
    let preview = team::preview(&app.db, tenant, &token).await.unwrap();
    assert_eq!(
        (preview.tenant_name.as_str(), preview.role.as_str()),
        ("Team Co", "manager")
    );
    team::accept(&app.db, tenant, &token, colleague, &email, &meta)
        .await
        .unwrap();

    let members = team::members(&app.db, &c.scope).await.unwrap();
    assert!(
        members
            .iter()
            .any(|m| m.user_id == colleague && m.role == "manager")
    );
    assert!(
        team::pending_invitations(&app.db, &c.scope)
            .await
            .unwrap()
            .is_empty()
    );
    let events = cadence::audit::recent_for_tenant(&app.db, &c.scope, 20)
        .await
        .unwrap();
    for action in ["invitation.create", "invitation.accept"] {
        assert!(events.iter().any(|e| e.action == action), "{action}");
    }
    // A used link is refused.
    let e = team::accept(&app.db, tenant, &token, colleague, &email, &meta)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already used"), "{e}");
}

#[tokio::test]
async fn bad_links_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Links Ltd").await;
    let other = app.member_of_new_tenant("Other Ltd").await;
    let c = ctx(&app, owner.user_id, &owner.tenant).await;
    let meta = Default::default();
    let (user, email) = app.verified_user("In Vitee").await;
    team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&email).unwrap(),
        "viewer",
    )
    .await
    .unwrap();
    let (tenant, token) = link_for(&app, &email).await;

    // Tampered token, and the right token presented for another tenant.
    assert!(
        team::accept(
            &app.db,
            tenant,
            &format!("{}0", &token[1..]),
            user,
            &email,
            &meta
        )
        .await
        .is_err()
    );
    assert!(
        team::accept(
            &app.db,
            other.tenant.scope.tenant_id().0,
            &token,
            user,
            &email,
            &meta
        )
        .await
        .is_err()
    );
    // Someone else signed in cannot take it, and it stays usable for the invitee.
    let (stranger, stranger_email) = app.verified_user("Stran Ger").await;
    let e = team::accept(&app.db, tenant, &token, stranger, &stranger_email, &meta)
        .await
        .unwrap_err();
    assert!(e.to_string().contains(&format!("sent to {email}")), "{e}");

    // Expired.
    let mut owner_conn = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut owner_conn).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update invitations set expires_at = now() - interval '1 second'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        team::accept(&app.db, tenant, &token, user, &email, &meta)
            .await
            .is_err()
    );

    assert!(
        !team::members(&app.db, &c.scope)
            .await
            .unwrap()
            .iter()
            .any(|m| m.user_id == user || m.user_id == stranger)
    );
}

#[tokio::test]
async fn a_revoked_invitation_stops_working_and_a_resent_one_replaces_its_link() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Revoke Co").await;
    let c = ctx(&app, owner.user_id, &owner.tenant).await;
    let meta = Default::default();
    let (user, email) = app.verified_user("Re Voked").await;
    let id = team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&email).unwrap(),
        "analyst",
    )
    .await
    .unwrap();
    let (tenant, first) = link_for(&app, &email).await;
    team::resend(&app.db, &inviter(&c, &meta), id)
        .await
        .unwrap();
    let (_, second) = link_for(&app, &email).await;
    assert_ne!(first, second);
    assert!(
        team::preview(&app.db, tenant, &first).await.is_err(),
        "the old link stopped working"
    );
    team::revoke(&app.db, &inviter(&c, &meta), id)
        .await
        .unwrap();
    assert!(
        team::accept(&app.db, tenant, &second, user, &email, &meta)
            .await
            .is_err()
    );
    assert!(matches!(
        team::revoke(&app.db, &inviter(&c, &meta), id).await,
        Err(cadence::Error::NotFound)
    ));
}

#[tokio::test]
async fn members_and_duplicate_invitations_are_refused_with_a_reason() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Dupes Inc").await;
    let c = ctx(&app, owner.user_id, &owner.tenant).await;
    let meta = Default::default();
    let e = team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&owner.email).unwrap(),
        "viewer",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("already a member"), "{e}");
    let email = random_email();
    team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&email).unwrap(),
        "viewer",
    )
    .await
    .unwrap();
    let e = team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&email.to_uppercase()).unwrap(),
        "viewer",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("pending invitation"), "{e}");
    let e = team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&random_email()).unwrap(),
        "superuser",
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("not a role you can invite to"),
        "{e}"
    );
    let e = team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&random_email()).unwrap(),
        "agency_member",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("agency role"), "{e}");
}

#[tokio::test]
async fn roles_above_ones_own_cannot_be_invited_and_owners_are_guarded() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Guard Co").await;
    let c = ctx(&app, owner.user_id, &owner.tenant).await;
    let meta = Default::default();
    let (admin_id, _) = app.verified_user("Ad Min").await;
    admit(&app, &c.catalog, &c.principal, &c.scope, admin_id, "admin").await;
    let admin = ctx(&app, admin_id, &owner.tenant).await;
    let e = team::invite(
        &app.db,
        &inviter(&admin, &meta),
        &Email::parse(&random_email()).unwrap(),
        "owner",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, cadence::Error::Forbidden(_)), "{e:?}");

    // An admin cannot demote the owner; the last owner cannot demote themselves.
    let e = access::grant_role(
        &app.db,
        &admin.catalog,
        &admin.principal,
        &admin.scope,
        owner.user_id,
        "viewer",
        &meta,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, cadence::Error::Forbidden(_)), "{e:?}");
    let e = access::grant_role(
        &app.db,
        &c.catalog,
        &c.principal,
        &c.scope,
        owner.user_id,
        "admin",
        &meta,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("at least one owner"), "{e}");

    // With a second owner, the first may step down.
    access::grant_role(
        &app.db,
        &c.catalog,
        &c.principal,
        &c.scope,
        admin_id,
        "owner",
        &meta,
    )
    .await
    .unwrap();
    access::grant_role(
        &app.db,
        &c.catalog,
        &c.principal,
        &c.scope,
        owner.user_id,
        "admin",
        &meta,
    )
    .await
    .unwrap();
    let roles: Vec<_> = team::members(&app.db, &c.scope)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.user_id, m.role))
        .collect();
    assert!(
        roles.contains(&(admin_id, "owner".into()))
            && roles.contains(&(owner.user_id, "admin".into()))
    );
}

#[tokio::test]
async fn a_new_person_joins_from_the_link_with_a_verified_account() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Newcomers Ltd").await;
    let c = ctx(&app, owner.user_id, &owner.tenant).await;
    let meta = Default::default();
    let email = random_email();
    team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&email).unwrap(),
        "manager",
    )
    .await
    .unwrap();
    let (tenant, token) = link_for(&app, &email).await;
    let password = cadence::auth::NewPassword::parse(PASSWORD).unwrap();
    let joined = team::join_as_new_user(&app.db, tenant, &token, "New Comer", &password, &meta)
        .await
        .unwrap();
    assert_eq!(joined.user.email, email);
    let members = team::members(&app.db, &c.scope).await.unwrap();
    assert!(
        members
            .iter()
            .any(|m| m.email == email && m.role == "manager")
    );
    // The account is verified: logging in works at once.
    assert!(
        app.session_for(&email)
            .await
            .starts_with("cadence_session=")
    );
    // The link is used up.
    assert!(
        team::join_as_new_user(&app.db, tenant, &token, "Again", &password, &meta)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn joining_as_new_is_refused_when_the_address_already_has_an_account() {
    let app = TestApp::spawn().await;
    let owner = app.member_of_new_tenant("Existing Co").await;
    let c = ctx(&app, owner.user_id, &owner.tenant).await;
    let meta = Default::default();
    let (_, email) = app.verified_user("Al Ready").await;
    team::invite(
        &app.db,
        &inviter(&c, &meta),
        &Email::parse(&email).unwrap(),
        "viewer",
    )
    .await
    .unwrap();
    let (tenant, token) = link_for(&app, &email).await;
    let password = cadence::auth::NewPassword::parse("another long passphrase").unwrap();
    let e = team::join_as_new_user(&app.db, tenant, &token, "Impostor", &password, &meta)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    // Nothing changed: the invitation is still pending for the real owner of the address.
    assert_eq!(
        team::pending_invitations(&app.db, &c.scope)
            .await
            .unwrap()
            .len(),
        1
    );
}
