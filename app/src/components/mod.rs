//! Components shared by pages.

mod not_found;
mod slug_checker;

pub use not_found::NotFound;
pub use slug_checker::SlugChecker;
