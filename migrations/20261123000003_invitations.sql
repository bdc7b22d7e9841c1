-- Invitations: a tenant invites a person by email with a role; the emailed link carries the tenant
-- id and a single-use token (only its SHA-256 is stored), valid for 7 days.
create table invitations (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    email text not null,
    role text not null references roles (name),
    token_hash bytea not null unique,
    invited_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz,
    accepted_by uuid references users (id) on delete set null,
    revoked_at timestamptz,
    primary key (tenant_id, id)
);
create unique index invitations_one_pending_per_email on invitations (tenant_id, lower(email))
    where accepted_at is null and revoked_at is null;
alter table invitations enable row level security;
alter table invitations force row level security;
create policy invitations_tenant on invitations
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update on invitations to cadence_app;
