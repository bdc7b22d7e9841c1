//! Components shared by pages.

mod access_requests;
mod form_error;
mod impersonation_bar;
mod not_found;
mod slug_checker;
mod step_up;
mod tenant_switcher;

pub use access_requests::AccessRequests;
pub use form_error::form_error;
pub use impersonation_bar::ImpersonationBar;
pub use not_found::NotFound;
pub use slug_checker::{SlugChecker, SlugStatus};
pub use step_up::StepUpForm;
pub use tenant_switcher::TenantSwitcher;
