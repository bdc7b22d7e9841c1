-- Identity and access: tenant attributes, agencies and their clients, workspaces, users, roles and
-- privileges as data, role bindings, sessions, single-use tokens, the mail outbox, login throttling
-- and the append-only audit log.
--
-- Two kinds of table: tenant tables carry tenant_id and have RLS enabled AND forced; platform
-- tables (users, tokens, throttling, outbox, reference data) hold no tenant's business data and
-- are reached only through the core's auth and mail modules.

-- Tenants gain what every feature needs to know about them.
alter table tenants
    add column currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    add column time_zone text not null default 'UTC',
    add column locale text not null default 'en',
    add column profile_type text not null default 'brand'
        check (profile_type in ('agency', 'brand', 'creator'));

-- The current user of a transaction (set by the door next to app.tenant_id).
create function app_current_user() returns uuid
language sql stable
as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

-- An explicit list of tenant ids for agency-wide reads (comma-separated); never a bypass.
create function app_tenant_list() returns uuid[]
language sql stable
as $$ select coalesce(string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ',')::uuid[], '{}') $$;

create table users (
    id uuid primary key,
    email text not null,
    display_name text not null check (length(display_name) between 1 and 120),
    password_hash text not null,
    email_verified_at timestamptz,
    locale text not null default 'en',
    created_at timestamptz not null default now(),
    password_changed_at timestamptz not null default now(),
    last_login_at timestamptz
);
create unique index users_email_key on users (lower(email));
grant select, insert, update on users to cadence_app;

create table agencies (
    id uuid primary key,
    name text not null check (length(name) between 1 and 120),
    created_at timestamptz not null default now()
);
grant select, insert, update on agencies to cadence_app;

-- Roles and privileges are data: the policy decision point reads them.
create table privileges (
    name text primary key,
    description text not null
);
create table roles (
    name text primary key,
    scope_kind text not null check (scope_kind in ('platform', 'agency', 'tenant')),
    rank int not null,
    description text not null
);
create table role_privileges (
    role text not null references roles (name),
    privilege text not null references privileges (name),
    primary key (role, privilege)
);
grant select on privileges, roles, role_privileges to cadence_app;

insert into privileges (name, description) values
    ('tenant.read', 'see the tenant''s dashboards and records'),
    ('tenant.settings', 'change the tenant''s settings'),
    ('team.read', 'see the team and its roles'),
    ('team.manage', 'invite people, change roles, remove members'),
    ('catalog.read', 'see the catalog'),
    ('catalog.write', 'create, edit and archive catalog items'),
    ('orders.read', 'see orders, donations and pledges'),
    ('orders.write', 'update orders, donations and pledges'),
    ('analytics.read', 'see ad performance and conversions'),
    ('analytics.ingest', 'upload and map ad-platform data'),
    ('exports.create', 'export data to files'),
    ('credentials.manage', 'set platform credentials and API keys'),
    ('audit.read', 'read the audit log'),
    ('storefront.manage', 'configure and publish the storefront'),
    ('agency.manage', 'manage the agency and its client list'),
    ('platform.tenants.read', 'see every tenant (platform staff)'),
    ('platform.tenants.manage', 'suspend and reactivate tenants'),
    ('platform.impersonate', 'act as a user with consent'),
    ('platform.mailbox', 'read the development mailbox');

insert into roles (name, scope_kind, rank, description) values
    ('owner', 'tenant', 50, 'everything, including the team and credentials'),
    ('admin', 'tenant', 40, 'everything but ownership'),
    ('manager', 'tenant', 30, 'runs the catalog, orders, storefront and data'),
    ('analyst', 'tenant', 20, 'reads everything, changes nothing'),
    ('viewer', 'tenant', 10, 'reads dashboards'),
    ('agency_admin', 'agency', 40, 'manages the agency; admin in every client tenant'),
    ('agency_member', 'agency', 20, 'manager in every client tenant'),
    ('platform_admin', 'platform', 100, 'Cadence staff with full platform rights'),
    ('support_readonly', 'platform', 60, 'Cadence support, read-only');

insert into role_privileges (role, privilege)
select 'owner', name from privileges where name not like 'platform.%' and name <> 'agency.manage'
union all
select 'admin', name from privileges where name not like 'platform.%' and name <> 'agency.manage'
union all
select 'manager', unnest(array['tenant.read', 'team.read', 'catalog.read', 'catalog.write', 'orders.read',
    'orders.write', 'analytics.read', 'analytics.ingest', 'exports.create', 'storefront.manage'])
union all
select 'analyst', unnest(array['tenant.read', 'team.read', 'catalog.read', 'orders.read', 'analytics.read'])
union all
select 'viewer', unnest(array['tenant.read', 'catalog.read', 'analytics.read'])
union all
select 'agency_admin', name from privileges where name not like 'platform.%'
union all
select 'agency_member', unnest(array['tenant.read', 'team.read', 'catalog.read', 'catalog.write', 'orders.read',
    'orders.write', 'analytics.read', 'analytics.ingest', 'exports.create', 'storefront.manage'])
union all
select 'platform_admin', name from privileges
union all
select 'support_readonly', unnest(array['platform.tenants.read', 'platform.mailbox']);

-- Which tenants an agency manages.
create table agency_clients (
    tenant_id uuid not null references tenants (id) on delete cascade,
    agency_id uuid not null references agencies (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (tenant_id, agency_id)
);
alter table agency_clients enable row level security;
alter table agency_clients force row level security;
create policy agency_clients_tenant on agency_clients
    using (tenant_id = app_current_tenant() or tenant_id = any (app_tenant_list()))
    with check (tenant_id = app_current_tenant());
grant select, insert, delete on agency_clients to cadence_app;

-- Brands inside a tenant.
create table workspaces (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    name text not null check (length(name) between 1 and 120),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
alter table workspaces enable row level security;
alter table workspaces force row level security;
create policy workspaces_tenant on workspaces
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update, delete on workspaces to cadence_app;

-- Role bindings: user × scope × role. A user reads their own bindings everywhere (to know where
-- they may go); a tenant's bindings are read and changed inside that tenant's scope.
create table role_bindings (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    scope_kind text not null check (scope_kind in ('platform', 'agency', 'tenant', 'workspace')),
    agency_id uuid references agencies (id) on delete cascade,
    tenant_id uuid references tenants (id) on delete cascade,
    workspace_id uuid,
    role text not null references roles (name),
    granted_by uuid references users (id),
    created_at timestamptz not null default now(),
    check ((scope_kind = 'platform') = (agency_id is null and tenant_id is null)),
    check ((scope_kind = 'agency') = (agency_id is not null)),
    check ((scope_kind in ('tenant', 'workspace')) = (tenant_id is not null)),
    check ((scope_kind = 'workspace') = (workspace_id is not null))
);
create unique index role_bindings_unique on role_bindings
    (user_id, scope_kind, coalesce(agency_id, tenant_id, '00000000-0000-0000-0000-000000000000'::uuid),
     coalesce(workspace_id, '00000000-0000-0000-0000-000000000000'::uuid));
create index role_bindings_tenant on role_bindings (tenant_id) where tenant_id is not null;
alter table role_bindings enable row level security;
alter table role_bindings force row level security;
create policy role_bindings_read on role_bindings for select
    using (user_id = app_current_user() or tenant_id = app_current_tenant());
create policy role_bindings_write on role_bindings for insert
    with check (tenant_id = app_current_tenant());
create policy role_bindings_change on role_bindings for update
    using (tenant_id = app_current_tenant()) with check (tenant_id = app_current_tenant());
create policy role_bindings_remove on role_bindings for delete
    using (tenant_id = app_current_tenant());
grant select, insert, update, delete on role_bindings to cadence_app;

-- Agency staff read their own agencies' client lists (to know which tenants they may enter).
create policy agency_clients_staff on agency_clients for select
    using (exists (select 1 from role_bindings b
                    where b.agency_id = agency_clients.agency_id and b.user_id = app_current_user()));

-- A signed-in user sees the tenants they hold a binding in (the tenant switcher); agency staff
-- see their agency's clients through the explicit tenant list.
create policy tenants_member_read on tenants for select
    using (exists (select 1 from role_bindings b where b.tenant_id = tenants.id and b.user_id = app_current_user())
           or id = any (app_tenant_list()));

-- Sessions (tower-sessions' PostgreSQL store layout); created here because the app role may not
-- create schemas.
create schema tower_sessions;
create table tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);
grant usage on schema tower_sessions to cadence_app;
grant select, insert, update, delete on tower_sessions.session to cadence_app;

-- Single-use links (email verification, password reset): only a hash of the token is stored.
create table auth_tokens (
    token_hash bytea primary key,
    user_id uuid not null references users (id) on delete cascade,
    purpose text not null check (purpose in ('verify_email', 'reset_password')),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz
);
create index auth_tokens_user on auth_tokens (user_id, purpose);
grant select, insert, update, delete on auth_tokens to cadence_app;

-- Failed-login throttling per account and per IP, with back-off.
create table login_throttle (
    key text primary key,
    failures int not null default 0,
    last_failure_at timestamptz not null default now(),
    locked_until timestamptz
);
grant select, insert, update, delete on login_throttle to cadence_app;

-- Outgoing mail: written in the same transaction as the event, sent by the mailer.
create table mail_outbox (
    id uuid primary key,
    to_address text not null,
    subject text not null,
    body_text text not null,
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    attempts int not null default 0,
    last_attempt_at timestamptz,
    last_error text
);
grant select, insert, update on mail_outbox to cadence_app;

-- The audit log: append-only for the application role (insert and select, never update/delete).
create table audit_log (
    id uuid primary key,
    at timestamptz not null default now(),
    tenant_id uuid references tenants (id) on delete set null,
    actor_user_id uuid,
    acting_as_user_id uuid,
    action text not null,
    target text,
    outcome text not null check (outcome in ('success', 'failure', 'denied')),
    reason text,
    ip text,
    user_agent text,
    request_id text
);
create index audit_log_tenant_at on audit_log (tenant_id, at desc);
alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy audit_log_read on audit_log for select using (tenant_id = app_current_tenant());
-- Platform staff read every row through the core's platform door, which sets app.platform in a
-- transaction of its own (and audits that it did).
create policy audit_log_platform_read on audit_log for select
    using (current_setting('app.platform', true) = 'on');
create policy audit_log_append on audit_log for insert
    with check (tenant_id is null or tenant_id = app_current_tenant());
grant select, insert on audit_log to cadence_app;
