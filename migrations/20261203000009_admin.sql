-- The admin panel: plans and entitlements, tenant suspension, envelope-encrypted platform
-- credentials, API keys for integrations, and impersonation with consent.
--
-- Platform staff reach tenants through the core's platform door, a transaction that sets
-- `app.platform = 'on'` only after the policy decision point allowed a platform privilege (and,
-- for an action on one tenant, `app.tenant_id` too, so the audit row lands in that tenant's log).

-- Plans: feature flags and limits. A tenant's own overrides beat its plan; the server's
-- environment defaults are the floor (applied in the core).
create table plans (
    name text primary key,
    label text not null,
    rank int not null,
    features jsonb not null,
    limits jsonb not null
);
grant select on plans to cadence_app;
insert into plans (name, label, rank, features, limits) values
    ('starter', 'Starter', 10,
     '{"csv_export": false, "api_access": false, "portfolio": false}', '{"seats": 3, "api_keys": 0}'),
    ('growth', 'Growth', 20,
     '{"csv_export": true, "api_access": true, "portfolio": false}', '{"seats": 10, "api_keys": 5}'),
    ('agency', 'Agency', 30,
     '{"csv_export": true, "api_access": true, "portfolio": true}', '{"seats": 50, "api_keys": 25}');

alter table tenants
    add column plan text not null default 'growth' references plans (name),
    add column overrides jsonb not null default '{}'::jsonb,
    add column suspended_reason text check (length(suspended_reason) <= 500),
    add column suspended_at timestamptz,
    add column suspended_by uuid references users (id);

-- The platform door reads and changes every tenant's registry row (never its business data).
create policy tenants_platform on tenants
    using (current_setting('app.platform', true) = 'on')
    with check (current_setting('app.platform', true) = 'on');

-- Usage figures for the platform's tenant list: counts and sizes only, no business data, and
-- only inside the platform door.
create function platform_tenant_usage(p_tenants uuid[])
returns table (tenant_id uuid, members bigint, records bigint, storage_bytes bigint, last_activity timestamptz)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select t.id,
           (select count(*) from role_bindings b where b.tenant_id = t.id and b.scope_kind = 'tenant'),
           (select count(*) from orders o where o.tenant_id = t.id)
             + (select count(*) from donations d where d.tenant_id = t.id)
             + (select count(*) from pledges p where p.tenant_id = t.id)
             + (select count(*) from catalog_items c where c.tenant_id = t.id),
           coalesce((select sum(m.byte_size) from media m where m.tenant_id = t.id), 0)::bigint,
           (select max(a.at) from audit_log a where a.tenant_id = t.id)
      from tenants t
     where t.id = any (p_tenants)
       and current_setting('app.platform', true) = 'on'
$$;
revoke all on function platform_tenant_usage(uuid[]) from public;
grant execute on function platform_tenant_usage(uuid[]) to cadence_app;
-- The function runs as the owner, whom forced row-level security confines too: the owner may
-- read these tables whole (the app role still may not).
create policy role_bindings_owner_usage on role_bindings for select to current_user using (true);
create policy orders_owner_usage on orders for select to current_user using (true);
create policy donations_owner_usage on donations for select to current_user using (true);
create policy pledges_owner_usage on pledges for select to current_user using (true);
create policy catalog_items_owner_usage on catalog_items for select to current_user using (true);
create policy media_owner_usage on media for select to current_user using (true);
create policy audit_log_owner_usage on audit_log for select to current_user using (true);

-- Envelope encryption: each tenant's data key (AES-256-GCM), wrapped by a master key that the
-- key provider holds (named by its id, so keys can be rotated one tenant at a time).
create table tenant_data_keys (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    master_key_id text not null,
    wrapped_key bytea not null,
    created_at timestamptz not null default now(),
    rewrapped_at timestamptz
);
alter table tenant_data_keys enable row level security;
alter table tenant_data_keys force row level security;
create policy tenant_data_keys_tenant on tenant_data_keys
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update on tenant_data_keys to cadence_app;

-- Platform credentials, encrypted with the tenant's data key (nonce ‖ ciphertext ‖ tag).
create table tenant_credentials (
    tenant_id uuid not null references tenants (id) on delete cascade,
    kind text not null check (kind in ('meta', 'google_ads', 'linkedin', 'tiktok', 'smtp', 'telegram')),
    sealed bytea not null,
    last_four text not null check (length(last_four) <= 4),
    set_by uuid references users (id),
    set_at timestamptz not null default now(),
    primary key (tenant_id, kind)
);
alter table tenant_credentials enable row level security;
alter table tenant_credentials force row level security;
create policy tenant_credentials_tenant on tenant_credentials
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update, delete on tenant_credentials to cadence_app;

-- API keys: only a SHA-256 of the secret is kept; a key acts as a service principal holding one
-- tenant role.
create table api_keys (
    id uuid primary key,
    tenant_id uuid not null references tenants (id) on delete cascade,
    name text not null check (length(name) between 1 and 80),
    role text not null references roles (name),
    prefix text not null,
    secret_hash bytea not null unique,
    created_by uuid references users (id),
    created_at timestamptz not null default now(),
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by uuid references users (id)
);
create index api_keys_tenant on api_keys (tenant_id, created_at desc);
alter table api_keys enable row level security;
alter table api_keys force row level security;
create policy api_keys_tenant on api_keys
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy api_keys_owner_lookup on api_keys for select to current_user using (true);
grant select, insert, update on api_keys to cadence_app;

-- Who a presented key is: looked up by hash before any tenant is known.
create function api_key_lookup(p_hash bytea)
returns table (id uuid, tenant_id uuid, role text, expires_at timestamptz, revoked_at timestamptz,
               tenant_name text, tenant_status text)
language sql stable security definer
set search_path = public, pg_temp
as $$ select k.id, k.tenant_id, k.role, k.expires_at, k.revoked_at, t.name, t.status
        from api_keys k join tenants t on t.id = k.tenant_id where k.secret_hash = p_hash $$;
revoke all on function api_key_lookup(bytea) from public;
grant execute on function api_key_lookup(bytea) to cadence_app;

-- Impersonation with consent: support staff ask for a user's account in one tenant with a reason;
-- the user approves or refuses; an approved session is time-limited and either side can end it.
create table impersonation_grants (
    id uuid primary key,
    tenant_id uuid not null references tenants (id) on delete cascade,
    staff_user_id uuid not null references users (id),
    user_id uuid not null references users (id),
    reason text not null check (length(reason) between 10 and 500),
    status text not null default 'requested'
        check (status in ('requested', 'approved', 'refused', 'ended', 'cancelled')),
    requested_at timestamptz not null default now(),
    decided_at timestamptz,
    expires_at timestamptz,
    ended_at timestamptz,
    ended_by uuid references users (id)
);
create index impersonation_grants_user on impersonation_grants (user_id, requested_at desc);
create index impersonation_grants_staff on impersonation_grants (staff_user_id, requested_at desc);
alter table impersonation_grants enable row level security;
alter table impersonation_grants force row level security;
-- The user asked about and the staff member asking see their own grants, and the tenant's
-- members see the tenant's; the parties (or the tenant's owners, in the tenant) answer and end
-- them; only the platform door creates them.
create policy impersonation_grants_read on impersonation_grants for select
    using (user_id = app_current_user() or staff_user_id = app_current_user()
           or tenant_id = app_current_tenant() or current_setting('app.platform', true) = 'on');
create policy impersonation_grants_answer on impersonation_grants for update
    using (user_id = app_current_user() or staff_user_id = app_current_user()
           or tenant_id = app_current_tenant())
    with check (user_id = app_current_user() or staff_user_id = app_current_user()
                or tenant_id = app_current_tenant());
create policy impersonation_grants_request on impersonation_grants for insert
    with check (current_setting('app.platform', true) = 'on' and staff_user_id = app_current_user());
grant select, insert, update on impersonation_grants to cadence_app;

-- The access review: the staff of every agency that manages the current tenant (their bindings
-- are the agency's, so the tenant's own row-level security does not show them).
create policy agency_clients_owner_review on agency_clients for select to current_user using (true);
create function agency_staff_of_tenant(p_tenant uuid)
returns table (user_id uuid, agency_id uuid, role text, created_at timestamptz)
language sql stable security definer
set search_path = public, pg_temp
as $$
    select b.user_id, b.agency_id, b.role, b.created_at
      from role_bindings b
     where p_tenant = app_current_tenant()
       and b.scope_kind = 'agency'
       and b.agency_id in (select c.agency_id from agency_clients c where c.tenant_id = p_tenant
                           union select a.id from agencies a where a.home_tenant_id = p_tenant)
$$;
revoke all on function agency_staff_of_tenant(uuid) from public;
grant execute on function agency_staff_of_tenant(uuid) to cadence_app;

-- Platform roles are granted only by the owner role (the `cadence staff grant` command), never
-- through the application.
create policy role_bindings_owner_platform on role_bindings for insert to current_user
    with check (scope_kind = 'platform');

-- The audit log's filters.
create index audit_log_tenant_action on audit_log (tenant_id, action, at desc);
