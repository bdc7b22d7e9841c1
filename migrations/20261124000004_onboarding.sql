-- Onboarding: a user's wizard progress (saved at every step), the profile a tenant was set up
-- with (branding, audience, guidelines, portfolio, rate card, social links), agencies' own home
-- tenants, and agency-scoped role bindings managed from the agency's home tenant.

-- Where a tenant is: the agency's company country, for example.
alter table tenants add column country text check (country ~ '^[A-Z]{2}$');

-- An agency works from a tenant of its own (profile type 'agency'): its team and client list
-- are managed there.
alter table agencies add column home_tenant_id uuid unique references tenants (id) on delete cascade;

-- A user's wizard, before any tenant exists: it belongs to the user, not to a tenant.
create table onboarding_progress (
    user_id uuid primary key references users (id) on delete cascade,
    profile_type text check (profile_type in ('agency', 'brand', 'creator')),
    step text not null default 'profile',
    answers jsonb not null default '{}'::jsonb,
    started_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    finished_at timestamptz,
    tenant_id uuid references tenants (id) on delete set null
);
alter table onboarding_progress enable row level security;
alter table onboarding_progress force row level security;
create policy onboarding_progress_own on onboarding_progress
    using (user_id = app_current_user())
    with check (user_id = app_current_user());
grant select, insert, update on onboarding_progress to cadence_app;

-- What the tenant told us about itself during onboarding; edited later in settings.
create table tenant_profiles (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    logo_url text,
    primary_colour text check (primary_colour ~ '^#[0-9a-f]{6}$'),
    accent_colour text check (accent_colour ~ '^#[0-9a-f]{6}$'),
    details jsonb not null default '{}'::jsonb,
    updated_at timestamptz not null default now()
);
alter table tenant_profiles enable row level security;
alter table tenant_profiles force row level security;
create policy tenant_profiles_tenant on tenant_profiles
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update on tenant_profiles to cadence_app;

-- Agency bindings (agency_admin, agency_member) are read and changed inside the agency's home
-- tenant. `agencies` has no row-level security, so these policies cannot recurse.
create policy role_bindings_agency_read on role_bindings for select
    using (scope_kind = 'agency' and exists (
        select 1 from agencies a where a.id = role_bindings.agency_id and a.home_tenant_id = app_current_tenant()));
create policy role_bindings_agency_write on role_bindings for insert
    with check (scope_kind = 'agency' and exists (
        select 1 from agencies a where a.id = role_bindings.agency_id and a.home_tenant_id = app_current_tenant()));
create policy role_bindings_agency_change on role_bindings for update
    using (scope_kind = 'agency' and exists (
        select 1 from agencies a where a.id = role_bindings.agency_id and a.home_tenant_id = app_current_tenant()))
    with check (scope_kind = 'agency' and exists (
        select 1 from agencies a where a.id = role_bindings.agency_id and a.home_tenant_id = app_current_tenant()));
create policy role_bindings_agency_remove on role_bindings for delete
    using (scope_kind = 'agency' and exists (
        select 1 from agencies a where a.id = role_bindings.agency_id and a.home_tenant_id = app_current_tenant()));

-- An agency's home tenant adds clients to its own list (the client tenant's id goes in as the
-- explicit list while it is being created).
create policy agency_clients_home_write on agency_clients for insert
    with check (exists (select 1 from agencies a
                         where a.id = agency_clients.agency_id and a.home_tenant_id = app_current_tenant()));
create policy agency_clients_home_read on agency_clients for select
    using (exists (select 1 from agencies a
                    where a.id = agency_clients.agency_id and a.home_tenant_id = app_current_tenant()));
