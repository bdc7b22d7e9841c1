//! Components shared by pages.

mod form_error;
mod not_found;
mod slug_checker;
mod tenant_switcher;

pub use form_error::form_error;
pub use not_found::NotFound;
pub use slug_checker::{SlugChecker, SlugStatus};
pub use tenant_switcher::TenantSwitcher;
