//! The tenant scope: proof that a request was resolved to one tenant, and the only key to its data.

use super::TenantId;
use uuid::Uuid;

/// Which tenant (and, when signed in, which user) a piece of work runs for.
///
/// Only the core builds scopes (after resolving a tenant), so holding one means the tenant exists
/// and the caller was allowed to enter it. Every tenant-data function takes it first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantScope {
    tenant_id: TenantId,
    user_id: Option<Uuid>,
}

impl TenantScope {
    pub(crate) fn new(tenant_id: TenantId, user_id: Option<Uuid>) -> Self {
        Self { tenant_id, user_id }
    }

    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    pub fn user_id(&self) -> Option<Uuid> {
        self.user_id
    }
}
