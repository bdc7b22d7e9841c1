//! Components shared by pages.

mod not_found;
mod slug_checker;
mod tenant_switcher;

pub use not_found::NotFound;
pub use slug_checker::SlugChecker;
pub use tenant_switcher::TenantSwitcher;
