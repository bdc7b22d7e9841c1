//! Test helpers: one throwaway migrated database per test binary (in a shared private test
//! cluster), and a `TestApp` that drives the real router in-process.
#![allow(dead_code)]

use app::SiteConfig;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use cadence::db::Database;
use cadence::db::cluster::{Cluster, ClusterOptions};
use cadence::tenancy::{ResolvedTenant, TenantSlug, create_tenant};
use http_body_util::BodyExt;
use server::router::{AppState, build_router};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::OnceLock;
use tower::ServiceExt;

pub mod ads;
pub mod browser;

pub const BASE_DOMAIN: &str = "cadence.test";

/// Connection strings of this test binary's database.
pub struct TestDb {
    pub owner_url: String,
    pub app_url: String,
    pub data_dir: PathBuf,
}

/// The shared test cluster's directory: `CADENCE_TEST_PG_DIR`, or a folder under the temp dir.
pub fn test_cluster_dir() -> PathBuf {
    std::env::var_os("CADENCE_TEST_PG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("cadence-test-pg"))
}

/// Creates (once per process) a fresh database in the test cluster and migrates it.
pub fn test_db() -> &'static TestDb {
    static DB: OnceLock<TestDb> = OnceLock::new();
    DB.get_or_init(|| {
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let dir = test_cluster_dir();
                let cluster = Cluster::ensure(&dir, ClusterOptions { fast_unsafe: true })
                    .await
                    .expect("the test cluster starts");
                let name = format!("cadence_test_{}", uuid::Uuid::now_v7().simple());
                let mut conn = sqlx::PgConnection::connect(&cluster.owner_url())
                    .await
                    .unwrap();
                sqlx::query(&format!("create database {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                let owner_url = cluster.owner_url_for(&name);
                cadence::db::migrate(&owner_url)
                    .await
                    .expect("migrations apply");
                TestDb {
                    app_url: cluster.app_url_for(&name),
                    owner_url,
                    data_dir: dir,
                }
            })
        })
        .join()
        .expect("test database set-up")
    })
}

/// The application under test, with its own pool on this binary's database.
pub struct TestApp {
    pub db: Database,
    pub media: cadence::media::MediaStore,
    /// The master keys this app seals credentials with.
    pub keys: cadence::admin::keys::Keyring,
    /// Its one master key, as a key-file entry (`test-key-…:…`), for rotation tests.
    pub key_entry: String,
    router: axum::Router,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let dir = std::env::temp_dir().join(format!("cadence-test-media-{}", uuid::Uuid::now_v7()));
        Self::spawn_with_media(cadence::media::MediaStore::local(&dir).unwrap()).await
    }

    /// The app with its images in `media` (a local directory or a fake S3).
    pub async fn spawn_with_media(media: cadence::media::MediaStore) -> TestApp {
        let options = leptos::prelude::LeptosOptions::builder()
            .output_name("cadence")
            .site_root("target/site")
            .build();
        Self::spawn_with(media, options).await
    }

    /// The app serving the built site in `site` (its files, hashed names, precompressed copies),
    /// set up as the server sets it up.
    pub async fn spawn_with_site(site: &std::path::Path) -> TestApp {
        let dir = std::env::temp_dir().join(format!("cadence-test-media-{}", uuid::Uuid::now_v7()));
        let options = server::assets::site_options(site, "127.0.0.1:3000".parse().unwrap());
        Self::spawn_with(cadence::media::MediaStore::local(&dir).unwrap(), options).await
    }

    async fn spawn_with(
        media: cadence::media::MediaStore,
        leptos_options: leptos::prelude::LeptosOptions,
    ) -> TestApp {
        let t = test_db();
        let db = Database::connect(&t.app_url, 5)
            .await
            .expect("the app role connects");
        let key_entry = test_key_entry(&format!("test-key-{}", uuid::Uuid::now_v7().simple()));
        let keys = cadence::admin::keys::Keyring::new(
            cadence::admin::keys::LocalKeys::parse(&key_entry).unwrap(),
        );
        let state = AppState {
            leptos_options,
            db: db.clone(),
            site: SiteConfig {
                base_domain: BASE_DOMAIN.into(),
                public_port: None,
                dev_mailbox: true,
            },
            secure_cookies: false,
            catalog: std::sync::Arc::new(cadence::access::load_catalog(&db).await.unwrap()),
            media: media.clone(),
            keys: keys.clone(),
            metrics_token: Some("test-metrics-token".into()),
        };
        TestApp {
            db,
            media,
            keys,
            key_entry,
            router: build_router(state),
        }
    }

    /// Sends a request through the real router.
    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        let what = format!("{} {}", req.method(), req.uri());
        // A request that never answers fails its test here instead of stalling the whole run.
        tokio::time::timeout(
            std::time::Duration::from_secs(30),
            self.router.clone().oneshot(req),
        )
        .await
        .unwrap_or_else(|_| panic!("the router did not answer {what} within 30 s"))
        .expect("the router answers")
    }

    /// GET a path on a host (the platform's base domain, or `{slug}.{base domain}`).
    pub async fn get(&self, host: &str, path: &str) -> (StatusCode, String) {
        let res = self
            .send(
                Request::get(path)
                    .header(header::HOST, host)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let status = res.status();
        (status, body_text(res).await)
    }

    /// A new tenant with a random slug, so tests never collide.
    pub async fn new_tenant(&self, name: &str) -> ResolvedTenant {
        let slug = TenantSlug::parse(&random_slug()).unwrap();
        create_tenant(&self.db, &slug, name)
            .await
            .expect("tenant created")
    }

    /// GET on the REST API with an API key: status and JSON body.
    pub async fn api_get(&self, path: &str, key: Option<&str>) -> (StatusCode, serde_json::Value) {
        let mut req = Request::get(path).header(header::HOST, BASE_DOMAIN);
        if let Some(k) = key {
            req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
        }
        let res = self.send(req.body(Body::empty()).unwrap()).await;
        let status = res.status();
        let body = body_text(res).await;
        (
            status,
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}")),
        )
    }

    /// A connection as the owner role, for test set-up that has no product path yet.
    pub async fn owner_conn(&self) -> sqlx::PgConnection {
        sqlx::PgConnection::connect(&test_db().owner_url)
            .await
            .unwrap()
    }

    /// A connection as the application role, for probing row-level security directly.
    pub async fn app_conn(&self) -> sqlx::PgConnection {
        sqlx::PgConnection::connect(&test_db().app_url)
            .await
            .unwrap()
    }
}

/// A master-key entry with a chosen id and a random key.
pub fn test_key_entry(id: &str) -> String {
    let entry = cadence::admin::keys::LocalKeys::generate_entry();
    format!("{id}:{}", entry.split_once(':').unwrap().1)
}

pub fn storefront_host(slug: &str) -> String {
    format!("{slug}.{BASE_DOMAIN}")
}

pub fn random_slug() -> String {
    format!("t-{}", &uuid::Uuid::now_v7().simple().to_string()[20..])
}

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The answer to a server-function call or form post.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    /// The session cookie this answer set, if any (`name=value`).
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("cadence_session="))
            .map(|c| c.split(';').next().unwrap_or("").to_string())
    }
}

impl TestApp {
    /// Calls a server function (URL-encoded form body) on the platform host, with a cookie.
    pub async fn call(&self, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Answer {
        self.call_on(BASE_DOMAIN, path, form, cookie).await
    }

    /// Calls a server function on a given host.
    pub async fn call_on(
        &self,
        host: &str,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Answer {
        self.call_from(None, host, path, form, cookie).await
    }

    /// Calls a server function as if from a client address (what the server's listener records).
    pub async fn call_from(
        &self,
        client: Option<std::net::SocketAddr>,
        host: &str,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Answer {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = Request::post(path)
            .header(header::HOST, host)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        if let Some(addr) = client {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
        }
        let res = self.send(req).await;
        let status = res.status();
        let headers = res.headers().clone();
        Answer {
            status,
            headers,
            body: body_text(res).await,
        }
    }

    /// The newest mail to an address, from the outbox.
    pub async fn last_mail(&self, to: &str) -> cadence::notify::OutboxMessage {
        cadence::notify::recent(&self.db, Some(to), 1)
            .await
            .unwrap()
            .pop()
            .expect("a mail was sent")
    }
}

/// The token in the first link of a mail body (`...?token=...`).
pub fn token_in(body: &str) -> String {
    let start = body.find("token=").expect("a link with a token") + "token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

pub fn random_email() -> String {
    format!(
        "u{}@example.com",
        &uuid::Uuid::now_v7().simple().to_string()[16..]
    )
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub const PASSWORD: &str = "a long enough passphrase";

/// A signed-in owner of a fresh tenant.
#[derive(Clone)]
pub struct Member {
    pub user_id: uuid::Uuid,
    pub email: String,
    pub cookie: String,
    pub tenant: ResolvedTenant,
}

impl TestApp {
    /// Signs up and verifies an account through the core; returns its id and email.
    pub async fn verified_user(&self, name: &str) -> (uuid::Uuid, String) {
        let email = random_email();
        let meta = cadence::audit::RequestMeta::default();
        cadence::auth::sign_up(
            &self.db,
            &cadence::auth::Email::parse(&email).unwrap(),
            name,
            &cadence::auth::NewPassword::parse(PASSWORD).unwrap(),
            &meta,
            "http://test",
        )
        .await
        .unwrap();
        let token = token_in(&self.last_mail(&email).await.body_text);
        cadence::auth::verify_email(&self.db, &token, &meta)
            .await
            .unwrap();
        let mut c = self.owner_conn().await;
        let id: uuid::Uuid = sqlx::query_scalar("select id from users where email = $1")
            .bind(&email)
            .fetch_one(&mut c)
            .await
            .unwrap();
        (id, email)
    }

    /// Logs in through the server function and returns the session cookie.
    pub async fn session_for(&self, email: &str) -> String {
        let path = <app::api::auth::LogIn as leptos::server_fn::ServerFn>::PATH;
        self.call(path, &[("email", email), ("password", PASSWORD)], None)
            .await
            .session_cookie()
            .expect("logged in")
    }

    /// An API key of `m`'s tenant, created by `m` through the core; returns the secret.
    pub async fn api_key(&self, m: &Member, name: &str, role: &str, days: Option<u32>) -> String {
        let p = StaffParts::of(self, m).await;
        cadence::admin::api_keys::create(
            &self.db,
            &p.catalog,
            &p.principal,
            &p.scope,
            &cadence::admin::api_keys::NewKey {
                name,
                role,
                expires_in_days: days,
            },
            &Default::default(),
        )
        .await
        .unwrap()
        .secret
    }

    /// Turns two-factor on for `m` (through the core) and gives their session a fresh code, as
    /// sensitive actions need; returns the base32 secret, the test's "phone".
    pub async fn step_up(&self, m: &Member) -> String {
        let meta = cadence::audit::RequestMeta::default();
        let e = cadence::auth::mfa::begin(&self.db, &self.keys, m.user_id, &m.email)
            .await
            .unwrap();
        let now = chrono::Utc::now().timestamp() as u64;
        let code = cadence::auth::mfa::code_at(&e.secret_base32, now).unwrap();
        cadence::auth::mfa::confirm(&self.db, &self.keys, m.user_id, &code, &meta)
            .await
            .unwrap();
        // The next step's code: the first one is used up.
        let next = cadence::auth::mfa::code_at(&e.secret_base32, now + 30).unwrap();
        let path = <app::api::mfa::StepUp as leptos::server_fn::ServerFn>::PATH;
        let r = self.call(path, &[("code", &next)], Some(&m.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "step-up: {}", r.body);
        e.secret_base32
    }

    /// A new user who owns a new tenant, signed in.
    pub async fn member_of_new_tenant(&self, name: &str) -> Member {
        let (user_id, email) = self.verified_user(&format!("Owner of {name}")).await;
        let slug = TenantSlug::parse(&random_slug()).unwrap();
        let tenant = cadence::tenancy::create_tenant_owned_by(&self.db, &slug, name, user_id)
            .await
            .unwrap();
        let cookie = self.session_for(&email).await;
        Member {
            user_id,
            email,
            cookie,
            tenant,
        }
    }
}

/// Makes `user` a member of the scope's tenant with `role` the only way a person joins: the
/// scope's user invites their address and they accept the mailed link.
pub async fn admit(
    app: &TestApp,
    catalog: &cadence::access::RoleCatalog,
    principal: &cadence::access::Principal,
    scope: &cadence::tenancy::TenantScope,
    user: uuid::Uuid,
    role: &str,
) {
    let meta = cadence::audit::RequestMeta::default();
    let mut c = app.owner_conn().await;
    let email: String = sqlx::query_scalar("select email from users where id = $1")
        .bind(user)
        .fetch_one(&mut c)
        .await
        .unwrap();
    let who = cadence::team::Inviter {
        catalog,
        principal,
        scope,
        meta: &meta,
        app_url: "http://cadence.test",
    };
    cadence::team::invite(
        &app.db,
        &who,
        &cadence::auth::Email::parse(&email).unwrap(),
        role,
    )
    .await
    .expect("the invitation is sent");
    let token = token_in(&app.last_mail(&email).await.body_text);
    cadence::team::accept(&app.db, scope.tenant_id().0, &token, user, &email, &meta)
        .await
        .expect("the invitation is accepted");
}

/// What core calls need to act as a member in their tenant: the role catalog, their principal and
/// their scope.
pub struct StaffParts {
    pub catalog: cadence::access::RoleCatalog,
    pub principal: cadence::access::Principal,
    pub scope: cadence::tenancy::TenantScope,
}

impl StaffParts {
    pub async fn of(app: &TestApp, m: &Member) -> StaffParts {
        let catalog = cadence::access::load_catalog(&app.db).await.unwrap();
        let principal = cadence::access::principal(&app.db, m.user_id)
            .await
            .unwrap();
        let scope = cadence::access::enter_tenant(&catalog, &principal, m.tenant.scope.tenant_id())
            .unwrap();
        StaffParts {
            catalog,
            principal,
            scope,
        }
    }

    pub fn staff<'a>(
        &'a self,
        meta: &'a cadence::audit::RequestMeta,
    ) -> cadence::commerce::Staff<'a> {
        cadence::commerce::Staff {
            catalog: &self.catalog,
            principal: &self.principal,
            scope: &self.scope,
            meta,
        }
    }
}
