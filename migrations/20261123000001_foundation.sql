-- Foundation: grants for the application role, the tenants directory, and the first tenant-owned table.
--
-- Roles: this migration runs as the owner role. The application role `cadence_app` (or a role that
-- is a member of it) serves requests: it owns nothing, is not superuser and has no BYPASSRLS.
-- Tenant data is confined by row-level security on the transaction-local setting `app.tenant_id`.

revoke create on schema public from public;
grant usage on schema public to cadence_app;
grant select on _sqlx_migrations to cadence_app;

-- The current tenant of a transaction, or NULL outside the tenant door. After a transaction-local
-- setting ends its value is '' rather than NULL, hence the NULLIF.
create function app_current_tenant() returns uuid
language sql stable
as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

-- Tenants: the platform's registry. The application role sees and changes only the tenant of its
-- current scope; public look-ups by slug go through the security-definer functions below, which
-- return only directory fields. RLS is enabled (not forced) so that those functions, owned by the
-- owner role, can read the registry.
create table tenants (
    id uuid primary key,
    slug text not null unique check (slug ~ '^[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$' and length(slug) between 3 and 40),
    name text not null check (length(name) between 1 and 120),
    status text not null default 'active' check (status in ('active', 'suspended')),
    created_at timestamptz not null default now()
);
alter table tenants enable row level security;
create policy tenants_own_row on tenants
    using (id = app_current_tenant())
    with check (id = app_current_tenant());
grant select, insert, update on tenants to cadence_app;

create function tenant_directory(p_slug text)
returns table (id uuid, slug text, name text, status text)
language sql stable security definer
set search_path = public, pg_temp
as $$ select t.id, t.slug, t.name, t.status from tenants t where t.slug = lower(p_slug) $$;
revoke all on function tenant_directory(text) from public;
grant execute on function tenant_directory(text) to cadence_app;

-- Storefront settings: one row per tenant, the storefront's public face.
create table storefront_settings (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    display_name text not null check (length(display_name) between 1 and 120),
    tagline text check (length(tagline) <= 200),
    about text check (length(about) <= 5000),
    updated_at timestamptz not null default now()
);
alter table storefront_settings enable row level security;
alter table storefront_settings force row level security;
create policy storefront_settings_tenant on storefront_settings
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update, delete on storefront_settings to cadence_app;
