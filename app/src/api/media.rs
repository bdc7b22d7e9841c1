//! Media for the signed-in app: uploading an image (the storefront logo or a catalog item's) and
//! reading the current tenant's images. Plain async functions the server's upload and image
//! routes call inside [`in_request_context`], so they use the same session and scope as server
//! functions.

#[cfg(feature = "ssr")]
pub use ssr_side::*;

#[cfg(feature = "ssr")]
mod ssr_side {
    use crate::api::commerce::ssr::Parts;
    use crate::error::AppError;
    use cadence::media::{MediaStore, MediaView, Purpose};
    use leptos::prelude::*;

    /// Runs `fut` with the request's context (its parts, and what `provide` adds), as Leptos does
    /// for server functions, so session and scope helpers work in plain axum handlers.
    pub async fn in_request_context<T>(
        parts: http::request::Parts,
        provide: impl Fn(),
        fut: impl std::future::Future<Output = T>,
    ) -> T {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(parts);
            provide_context(leptos_axum::ResponseOptions::default());
            provide();
        });
        owner
            .with(|| leptos::reactive::computed::ScopedFuture::new(fut))
            .await
    }

    fn store() -> Result<MediaStore, AppError> {
        use_context::<MediaStore>().ok_or(AppError::Internal)
    }

    /// Checks, stores and records an upload for the signed-in staff member's current tenant.
    pub async fn upload(
        purpose: Purpose,
        original_name: &str,
        bytes: Vec<u8>,
    ) -> Result<MediaView, AppError> {
        let p = Parts::current().await?;
        Ok(
            cadence::media::upload(&p.db, &store()?, &p.staff(), purpose, original_name, bytes)
                .await?,
        )
    }

    /// One of the current tenant's images (or its thumbnail): content type and bytes.
    pub async fn read(id: cadence::Uuid, thumb: bool) -> Result<(String, Vec<u8>), AppError> {
        let p = Parts::current().await?;
        Ok(cadence::media::read(&p.db, &store()?, &p.scope, id, thumb).await?)
    }
}
