-- Ad accounts become each tenant's own labels, and which tenant receives an account's synced data
-- is an operator's decision: `ad_account_assignments`, set by platform staff (the platform panel,
-- `cadence ads assign`) or, later, by a verified connection (an OAuth grant listing the account).
-- Before this, the first tenant to type an account id owned it, and the Airbyte load routed that
-- account's rows to whoever typed it first.

-- A tenant may name any account id (for its own uploads); another tenant naming the same id
-- neither blocks it nor learns anything. The primary key (tenant_id, platform, account_id) stays.
alter table ad_accounts drop constraint ad_accounts_platform_account_id_key;

-- Nobody needs to read every tenant's accounts any more (routing reads the assignments).
drop policy ad_accounts_owner_directory on ad_accounts;

-- Which tenant an ad account's synced rows go to: one tenant per (platform, account), set only
-- through the platform door. A small global look-up table (a reference table when distributed:
-- see docs/scale-out.md); it holds no business data.
create table ad_account_assignments (
    platform text not null check (platform in ('meta', 'google_ads', 'linkedin', 'tiktok')),
    account_id text not null check (account_id ~ '^[0-9A-Za-z_-]{1,64}$'),
    tenant_id uuid not null references tenants (id) on delete cascade,
    -- How the assignment was proven: `operator` (platform staff or the command line decided) or
    -- `oauth_grant` (a platform's OAuth grant listed the account: not built yet).
    verified_via text not null check (verified_via in ('operator', 'oauth_grant')),
    -- The staff member who assigned it (null: the command line, or a verified connection).
    assigned_by uuid references users (id) on delete set null,
    assigned_at timestamptz not null default now(),
    primary key (platform, account_id)
);
create index ad_account_assignments_tenant on ad_account_assignments (tenant_id);
alter table ad_account_assignments enable row level security;
alter table ad_account_assignments force row level security;
-- A tenant sees which of its accounts are synced to it (never anyone else's).
create policy ad_account_assignments_tenant on ad_account_assignments for select
    using (tenant_id = app_current_tenant());
-- Only the platform door assigns and unassigns.
create policy ad_account_assignments_platform on ad_account_assignments
    using (current_setting('app.platform', true) = 'on')
    with check (current_setting('app.platform', true) = 'on');
-- The routing function below runs as the owner, whom forced row-level security confines too.
create policy ad_account_assignments_owner_routing on ad_account_assignments for select
    to current_user using (true);
grant select, insert, update, delete on ad_account_assignments to cadence_app;

-- The first-come claims made so far are not carried over: none was verified. Until an operator
-- assigns them (`cadence ads assign`), a sync reports their rows as unassigned and loads them
-- nowhere.

-- The tenant an account's synced rows go to: its assignment, never a tenant's own claim.
create or replace function ad_account_tenant(p_platform text, p_account_id text)
returns uuid
language sql stable security definer
set search_path = public, pg_temp
as $$ select tenant_id from ad_account_assignments
       where platform = p_platform and account_id = p_account_id $$;
