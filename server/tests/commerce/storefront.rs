//! Commerce: an unpublished storefront, and branding (checked, saved, shown; Arabic right to left).

use super::*;

#[tokio::test]
async fn an_unpublished_storefront_shows_unavailable_and_no_data() {
    let shop = Shop::new("USD").await;
    shop.item("product", "Hidden lamp", "30.00").await;
    let host = storefront_host(&shop.owner.tenant.slug);
    let (status, body) = shop.app.get(&host, "/").await;
    assert_eq!(status, axum::http::StatusCode::OK);
    assert!(body.contains("Hidden lamp"));
    let meta = Default::default();
    let mut s = cadence::storefront::settings(&shop.app.db, &shop.scope)
        .await
        .unwrap();
    s.published = false;
    cadence::storefront::save_settings(&shop.app.db, &shop.staff(&meta), &s)
        .await
        .unwrap();
    for path in ["/", "/cart"] {
        let (status, body) = shop.app.get(&host, path).await;
        assert_eq!(
            status,
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "{path}"
        );
        assert!(
            !body.contains("Hidden lamp") && !body.contains("Souq Shop"),
            "{path}"
        );
    }
    // A bad contact email is refused and changes nothing.
    s.published = true;
    s.contact_email = "nope".into();
    assert!(
        cadence::storefront::save_settings(&shop.app.db, &shop.staff(&meta), &s)
            .await
            .is_err()
    );
    assert!(
        !cadence::storefront::settings(&shop.app.db, &shop.scope)
            .await
            .unwrap()
            .published
    );
}

#[tokio::test]
async fn branding_is_checked_saved_and_shown_and_arabic_reads_right_to_left() {
    let shop = Shop::new("KWD").await;
    let item = shop.item("product", "Dates box", "1250.5").await;
    let host = storefront_host(&shop.owner.tenant.slug);
    // The home is cached per tenant: load it once so the test proves writes refresh it.
    let (_, before) = shop.app.get(&host, "/").await;
    assert!(before.contains("lang=\"en\" dir=\"ltr\"") && before.contains("1,250.500 KWD"));

    let meta = Default::default();
    let who = shop.staff(&meta);
    let db = &shop.app.db;
    let good = || async {
        cadence::storefront::settings(db, &shop.scope)
            .await
            .unwrap()
    };

    // Each bad value is refused with its reason, and nothing changes.
    let mut s = good().await;
    s.brand_color = "#ffee88".into();
    let err = cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("too light"), "{err}");
    let mut s = good().await;
    s.header_color = "blue".into();
    assert!(
        cadence::storefront::save_settings(db, &who, &s)
            .await
            .unwrap_err()
            .to_string()
            .contains("#1f6feb")
    );
    let mut s = good().await;
    s.social_links = vec![("instagram".into(), "https://evil.example/x".into())];
    assert!(
        cadence::storefront::save_settings(db, &who, &s)
            .await
            .unwrap_err()
            .to_string()
            .contains("instagram.com")
    );
    let mut s = good().await;
    s.language = "fr".into();
    assert!(
        cadence::storefront::save_settings(db, &who, &s)
            .await
            .is_err()
    );
    // The currency cannot change while live items are priced in another one.
    let mut s = good().await;
    s.currency = "USD".into();
    let err = cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1 catalog item is priced in another currency"),
        "{err}"
    );
    let unchanged = good().await;
    assert_eq!(
        (
            unchanged.currency.as_str(),
            unchanged.language.as_str(),
            unchanged.brand_color.as_str()
        ),
        ("KWD", "en", "")
    );

    // Good values are normalised, saved, and the storefront shows them at once.
    let mut s = good().await;
    s.brand_color = "#075".into();
    s.header_color = "#0b1f3a".into();
    s.social_links = vec![
        ("instagram".into(), "https://www.instagram.com/souq".into()),
        ("website".into(), "".into()),
    ];
    s.language = "ar".into();
    cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap();
    let saved = good().await;
    assert_eq!(saved.brand_color, "#007755");
    assert_eq!(
        saved.social_links,
        vec![(
            "instagram".to_string(),
            "https://www.instagram.com/souq".to_string()
        )]
    );
    let (_, home) = shop.app.get(&host, "/").await;
    assert!(
        home.contains("lang=\"ar\" dir=\"rtl\""),
        "Arabic storefronts read right to left"
    );
    assert!(
        home.contains("١٬٢٥٠٫٥٠٠ KWD"),
        "prices in Arabic digits, still exact"
    );
    assert!(home.contains("--c-primary:#007755") && home.contains("--c-header-ink:#ffffff"));
    assert!(home.contains("https://www.instagram.com/souq") && home.contains("المتجر"));
    let (_, page) = shop.app.get(&host, &format!("/items/{item}")).await;
    assert!(
        page.contains("أضف إلى السلة"),
        "the item page is in Arabic too"
    );
    let (_, cart) = shop
        .app
        .get(&host, "/cart?error=Your%20cart%20is%20empty.")
        .await;
    assert!(
        cart.contains("سلتك فارغة."),
        "a refusal reason reads in Arabic"
    );

    // After archiving the KWD item the currency can change; new prices use it.
    commerce::set_archived(db, &who, item, true).await.unwrap();
    let mut s = good().await;
    s.currency = "USD".into();
    cadence::storefront::save_settings(db, &who, &s)
        .await
        .unwrap();
    let id = shop.item("product", "Mug", "4.50").await;
    assert_eq!(
        commerce::item(db, &shop.public(), id)
            .await
            .unwrap()
            .currency,
        "USD"
    );
    let (_, home) = shop.app.get(&host, "/").await;
    assert!(
        home.contains("٤٫٥٠ USD") && !home.contains("Dates box"),
        "new item shown, archived one gone"
    );
}
