-- Ad performance, first part: ad accounts mapped to tenants, ingest runs with their rejects, the
-- regions (Jamaica's parishes) with the platform geo lookup, and the daily fact at
-- day × platform × account × ad × breakdown grain. Money is exact: spend in micros of the account
-- currency. Every tenant table has row-level security forced.

create table ad_accounts (
    tenant_id uuid not null references tenants (id) on delete cascade,
    platform text not null check (platform in ('meta', 'google_ads', 'linkedin', 'tiktok')),
    account_id text not null check (account_id ~ '^[0-9A-Za-z_-]{1,64}$'),
    name text not null default '' check (length(name) <= 200),
    currency text check (currency ~ '^[A-Z]{3}$'),
    created_at timestamptz not null default now(),
    primary key (tenant_id, platform, account_id),
    -- An account belongs to one tenant at most.
    unique (platform, account_id)
);
alter table ad_accounts enable row level security;
alter table ad_accounts force row level security;
create policy ad_accounts_tenant on ad_accounts
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update, delete on ad_accounts to cadence_app;

-- Which tenant an account is mapped to (for a source that mixes accounts), without reading any
-- tenant's data.
create function ad_account_tenant(p_platform text, p_account_id text)
returns uuid
language sql stable security definer
set search_path = public, pg_temp
as $$ select tenant_id from ad_accounts where platform = p_platform and account_id = p_account_id $$;
revoke all on function ad_account_tenant(text, text) from public;
grant execute on function ad_account_tenant(text, text) to cadence_app;

create table ingest_runs (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    source text not null check (length(source) between 1 and 200),
    stream text not null check (length(stream) between 1 and 100),
    -- The SHA-256 of an uploaded file: the same file twice changes nothing.
    file_sha256 text,
    status text not null check (status in ('running', 'succeeded', 'failed')),
    window_from date,
    window_to date,
    rows_read int not null default 0,
    rows_loaded int not null default 0,
    rows_rejected int not null default 0,
    rows_unmapped int not null default 0,
    error text,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    started_by uuid,
    primary key (tenant_id, id)
);
create index ingest_runs_recent on ingest_runs (tenant_id, started_at desc);
create index ingest_runs_file on ingest_runs (tenant_id, file_sha256);

create table ingest_rejects (
    tenant_id uuid not null references tenants (id) on delete cascade,
    run_id uuid not null,
    line int not null,
    reason text not null,
    raw text not null check (length(raw) <= 2000),
    primary key (tenant_id, run_id, line),
    foreign key (tenant_id, run_id) references ingest_runs (tenant_id, id) on delete cascade
);

-- Regions: reference data (no tenant), and how each platform names them.
create table dim_geo (
    region_code text primary key,
    name text not null,
    country text not null
);
create table geo_lookup (
    platform text not null,
    geo_key text not null,
    region_code text not null references dim_geo (region_code),
    primary key (platform, geo_key)
);
grant select on dim_geo, geo_lookup to cadence_app;

insert into dim_geo (region_code, name, country) values
    ('JM-01', 'Kingston', 'JM'), ('JM-02', 'Saint Andrew', 'JM'), ('JM-03', 'Saint Thomas', 'JM'),
    ('JM-04', 'Portland', 'JM'), ('JM-05', 'Saint Mary', 'JM'), ('JM-06', 'Saint Ann', 'JM'),
    ('JM-07', 'Trelawny', 'JM'), ('JM-08', 'Saint James', 'JM'), ('JM-09', 'Hanover', 'JM'),
    ('JM-10', 'Westmoreland', 'JM'), ('JM-11', 'Saint Elizabeth', 'JM'), ('JM-12', 'Manchester', 'JM'),
    ('JM-13', 'Clarendon', 'JM'), ('JM-14', 'Saint Catherine', 'JM');
-- Google Ads criteria ids confirmed in Google's public geotargets list (the others are added as
-- they are confirmed). Names are matched loosely in code ("St." = "Saint", " Parish" optional).
insert into geo_lookup (platform, geo_key, region_code) values
    ('google_ads', '9070379', 'JM-02'), ('google_ads', '9070378', 'JM-08'),
    ('google_ads', '9070375', 'JM-14');

-- The fact carries no foreign key to tenants (a per-row check costs a third of the load time on
-- this hardware); tenant deletion removes its rows explicitly. Its primary key starts with the day
-- so date-range reads use it and no second index is maintained on every load.
create table fact_performance (
    tenant_id uuid not null,
    day date not null,
    platform text not null,
    account_id text not null,
    campaign_id text not null,
    adset_id text not null,
    ad_id text not null,
    -- 'none' for whole-ad rows, 'region' for the region breakdown (never summed together).
    breakdown text not null check (breakdown in ('none', 'region')),
    -- The platform's own key for the breakdown ('' for none), and the region it maps to.
    geo_key text not null default '',
    region_code text,
    campaign_name text not null default '',
    adset_name text not null default '',
    ad_name text not null default '',
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    impressions bigint not null check (impressions >= 0),
    clicks bigint not null check (clicks >= 0),
    spend_micros bigint not null check (spend_micros >= 0),
    conversions numeric(20, 6) not null default 0,
    conversion_value_micros bigint not null default 0,
    -- Not additive across days or breakdowns.
    reach bigint,
    run_id uuid not null,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, day, platform, account_id, ad_id, breakdown, geo_key)
);

-- Rollups for the dashboards, rebuilt for the loaded days in the load's own transaction (tables with
-- policies: materialized views cannot carry row-level security).
create table rollup_campaign_day (
    tenant_id uuid not null,
    day date not null,
    platform text not null,
    campaign_id text not null,
    campaign_name text not null,
    currency text not null,
    impressions bigint not null,
    clicks bigint not null,
    spend_micros bigint not null,
    conversions numeric(20, 6) not null,
    conversion_value_micros bigint not null,
    primary key (tenant_id, day, platform, campaign_id, currency)
);
create table rollup_region_day (
    tenant_id uuid not null,
    day date not null,
    platform text not null,
    -- null: a region key no lookup knows yet (its spend is kept, never dropped).
    region_code text,
    currency text not null,
    impressions bigint not null,
    clicks bigint not null,
    spend_micros bigint not null
);
create index rollup_region_day_key on rollup_region_day (tenant_id, day, platform);

do $$
declare t text;
begin
    foreach t in array array['ingest_runs', 'ingest_rejects', 'fact_performance', 'rollup_campaign_day', 'rollup_region_day'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy %I on %I using (tenant_id = app_current_tenant())
                        with check (tenant_id = app_current_tenant())', t || '_tenant', t);
        execute format('grant select, insert, update on %I to cadence_app', t);
        if t like 'rollup_%' then
            execute format('grant delete on %I to cadence_app', t);
        end if;
    end loop;
end $$;
