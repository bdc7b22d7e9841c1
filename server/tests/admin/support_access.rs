//! Admin: impersonation needs consent, is confined and time-limited, and either side ends it.

use super::*;

#[tokio::test]
async fn impersonation_needs_consent_is_confined_and_time_limited_and_either_side_ends_it() {
    let app = TestApp::spawn().await;
    let user = app.member_of_new_tenant("Consent Co").await;
    let other = app.member_of_new_tenant("Elsewhere Co").await;
    let (staff_id, read_only) = staff(&app, "support_readonly").await;
    let _ = staff_id;
    let t = user.tenant.scope.tenant_id().0;
    let reason = "Ticket 1234: imports show no spend";
    assert!(matches!(
        impersonation::request(&app.db, &read_only, t, user.user_id, reason, &meta()).await,
        Err(cadence::Error::Forbidden(_))
    ));
    let (sid, support) = staff(&app, "platform_admin").await;
    // Someone who is not a member of that tenant cannot be asked for.
    assert!(matches!(
        impersonation::request(&app.db, &support, t, other.user_id, reason, &meta()).await,
        Err(cadence::Error::NotFound)
    ));
    assert!(matches!(
        impersonation::request(&app.db, &support, t, user.user_id, "short", &meta()).await,
        Err(cadence::Error::Validation(_))
    ));
    let grant = impersonation::request(&app.db, &support, t, user.user_id, reason, &meta())
        .await
        .unwrap();
    assert!(app.last_mail(&user.email).await.body_text.contains(reason));
    // Not live before consent.
    assert!(
        impersonation::active(&app.db, sid, grant)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        impersonation::start(&app.db, &support, grant, &meta())
            .await
            .is_err()
    );
    // Another tenant's owner cannot answer it.
    let op = StaffParts::of(&app, &other).await;
    assert!(matches!(
        impersonation::answer(
            &app.db,
            &op.catalog,
            &op.principal,
            &op.scope,
            grant,
            true,
            &meta()
        )
        .await,
        Err(cadence::Error::NotFound)
    ));
    let up = StaffParts::of(&app, &user).await;
    impersonation::answer(
        &app.db,
        &up.catalog,
        &up.principal,
        &up.scope,
        grant,
        true,
        &meta(),
    )
    .await
    .unwrap();
    // Answering twice changes nothing.
    assert!(
        impersonation::answer(
            &app.db,
            &up.catalog,
            &up.principal,
            &up.scope,
            grant,
            false,
            &meta()
        )
        .await
        .is_err()
    );
    let live = impersonation::start(&app.db, &support, grant, &meta())
        .await
        .unwrap();
    assert_eq!(live.tenant_id, t);
    assert_eq!(live.user_id, user.user_id);
    let minutes = (live.expires_at - chrono::Utc::now()).num_minutes();
    assert!((28..=30).contains(&minutes), "{minutes}");
    // Actions in the session are audited with both identities, and no credential changes.
    let in_session = RequestMeta {
        impersonator: Some(sid),
        ..meta()
    };
    assert!(matches!(
        credentials::set(
            &app.db,
            &app.keys,
            &up.scope,
            CredentialKind::Telegram,
            &Secret::parse("123456:bot-token").unwrap(),
            &in_session
        )
        .await,
        Err(cadence::Error::Forbidden(_))
    ));
    impersonation::record_action(&app.db, &live, "POST /api/save_item", &meta())
        .await
        .unwrap();
    let rows = cadence::audit::review::search(
        &app.db,
        &up.scope,
        &cadence::audit::review::AuditFilter::parse("", "impersonation.", "", "").unwrap(),
        None,
        50,
    )
    .await
    .unwrap();
    let actions: Vec<_> = rows.iter().map(|r| r.action.as_str()).collect();
    for a in [
        "impersonation.requested",
        "impersonation.approved",
        "impersonation.started",
        "impersonation.action",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let action = rows
        .iter()
        .find(|r| r.action == "impersonation.action")
        .unwrap();
    assert_eq!(action.actor.as_deref(), Some("Support Person"));
    assert_eq!(action.acting_as.as_deref(), Some("Owner of Consent Co"));
    // The user ends it from their side: at once, the staff session is no longer live.
    impersonation::end_in_tenant(&app.db, &up.scope, grant, &meta())
        .await
        .unwrap();
    assert!(
        impersonation::active(&app.db, sid, grant)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        impersonation::end_in_tenant(&app.db, &up.scope, grant, &meta())
            .await
            .is_err()
    );

    // A second grant runs out on its own.
    let second = impersonation::request(&app.db, &support, t, user.user_id, reason, &meta())
        .await
        .unwrap();
    impersonation::answer(
        &app.db,
        &up.catalog,
        &up.principal,
        &up.scope,
        second,
        true,
        &meta(),
    )
    .await
    .unwrap();
    let mut c = app.owner_conn().await;
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(t.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "update impersonation_grants set expires_at = now() - interval '1 second' where id = $1",
    )
    .bind(second)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(
        impersonation::active(&app.db, sid, second)
            .await
            .unwrap()
            .is_none()
    );
    let mine = impersonation::for_staff(&app.db, &support).await.unwrap();
    assert_eq!(
        mine.iter().find(|g| g.id == second).unwrap().state(),
        "expired"
    );
    assert_eq!(
        mine.iter().find(|g| g.id == grant).unwrap().state(),
        "ended"
    );
}
