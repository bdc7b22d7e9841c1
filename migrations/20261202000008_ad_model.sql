-- Ad performance, second part: SCD2 dimensions for campaigns, ad sets and ads; the ad × day rollup;
-- per-tenant conversion action types, region lookups and staleness threshold; each run's unmapped
-- region keys with their spend. Every tenant table has row-level security forced.

-- Slowly changing dimensions (type 2): a new row whenever name, status, objective or budget
-- changes; the old row is closed (valid_to set, is_current false), never overwritten.
create table dim_campaign (
    tenant_id uuid not null references tenants (id) on delete cascade,
    platform text not null,
    account_id text not null,
    campaign_id text not null,
    name text not null default '',
    status text,
    objective text,
    budget_micros bigint check (budget_micros >= 0),
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null default true,
    primary key (tenant_id, platform, campaign_id, valid_from),
    check (valid_to is null or valid_to > valid_from),
    check (is_current = (valid_to is null))
);
create unique index dim_campaign_current on dim_campaign (tenant_id, platform, campaign_id) where is_current;

create table dim_adset (
    tenant_id uuid not null references tenants (id) on delete cascade,
    platform text not null,
    account_id text not null,
    adset_id text not null,
    campaign_id text not null default '',
    name text not null default '',
    status text,
    objective text,
    budget_micros bigint check (budget_micros >= 0),
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null default true,
    primary key (tenant_id, platform, adset_id, valid_from),
    check (valid_to is null or valid_to > valid_from),
    check (is_current = (valid_to is null))
);
create unique index dim_adset_current on dim_adset (tenant_id, platform, adset_id) where is_current;

create table dim_ad (
    tenant_id uuid not null references tenants (id) on delete cascade,
    platform text not null,
    account_id text not null,
    ad_id text not null,
    adset_id text not null default '',
    campaign_id text not null default '',
    name text not null default '',
    status text,
    objective text,
    budget_micros bigint check (budget_micros >= 0),
    valid_from timestamptz not null,
    valid_to timestamptz,
    is_current boolean not null default true,
    primary key (tenant_id, platform, ad_id, valid_from),
    check (valid_to is null or valid_to > valid_from),
    check (is_current = (valid_to is null))
);
create unique index dim_ad_current on dim_ad (tenant_id, platform, ad_id) where is_current;

create table rollup_ad_day (
    tenant_id uuid not null,
    day date not null,
    platform text not null,
    campaign_id text not null,
    adset_id text not null,
    ad_id text not null,
    ad_name text not null,
    currency text not null,
    impressions bigint not null,
    clicks bigint not null,
    spend_micros bigint not null,
    conversions numeric(20, 6) not null,
    conversion_value_micros bigint not null,
    primary key (tenant_id, day, platform, ad_id, currency)
);

-- The region rollup gains the campaign (so the map follows a campaign filter) and conversions
-- (Google's geo rows carry them; Meta's region rows never do).
alter table rollup_region_day add column campaign_id text not null default '';
alter table rollup_region_day add column conversions numeric(20, 6) not null default 0;
alter table rollup_region_day add column conversion_value_micros bigint not null default 0;

-- Covering indexes for the dashboard's range reads (index-only scans of a tenant's days), and the
-- ad rollup by campaign for drill-downs.
create index rollup_campaign_day_cover on rollup_campaign_day (tenant_id, day)
    include (platform, campaign_id, currency, impressions, clicks, spend_micros, conversions,
             conversion_value_micros);
drop index rollup_region_day_key;
create index rollup_region_day_cover on rollup_region_day (tenant_id, day)
    include (platform, campaign_id, region_code, currency, impressions, clicks, spend_micros,
             conversions, conversion_value_micros);
create index rollup_ad_day_campaign on rollup_ad_day (tenant_id, campaign_id, day)
    include (platform, adset_id, ad_id, currency, impressions, clicks, spend_micros, conversions,
             conversion_value_micros);

-- Which action types count as conversions for a tenant (Meta's actions arrays). None listed: the
-- defaults (purchases and leads).
create table conversion_actions (
    tenant_id uuid not null references tenants (id) on delete cascade,
    platform text not null check (platform in ('meta', 'google_ads', 'linkedin', 'tiktok')),
    action_type text not null check (action_type ~ '^[a-z0-9_.:-]{1,100}$'),
    primary key (tenant_id, platform, action_type)
);

-- A tenant's own region keys (added by its admins for keys the shared lookup does not know).
create table tenant_geo_lookup (
    tenant_id uuid not null references tenants (id) on delete cascade,
    platform text not null check (platform in ('meta', 'google_ads', 'linkedin', 'tiktok')),
    -- Normalised for names ("saint andrew"), the bare criteria id for Google.
    geo_key text not null check (length(geo_key) between 1 and 200),
    region_code text not null references dim_geo (region_code),
    created_at timestamptz not null default now(),
    primary key (tenant_id, platform, geo_key)
);

create table ingest_settings (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    -- A source is flagged stale when its last successful load is older than this.
    stale_after_hours int not null default 36 check (stale_after_hours between 1 and 2160),
    updated_at timestamptz not null default now()
);

-- The platform of a run, and the region keys it could not map with their spend in micros.
alter table ingest_runs add column platform text;
alter table ingest_runs add column unmapped_regions jsonb not null default '[]';
create index ingest_runs_platform on ingest_runs (tenant_id, platform, finished_at desc);

do $$
declare t text;
begin
    foreach t in array array['dim_campaign', 'dim_adset', 'dim_ad', 'rollup_ad_day', 'conversion_actions',
                             'tenant_geo_lookup', 'ingest_settings'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy %I on %I using (tenant_id = app_current_tenant())
                        with check (tenant_id = app_current_tenant())', t || '_tenant', t);
        execute format('grant select, insert, update, delete on %I to cadence_app', t);
    end loop;
end $$;

-- `ad_account_tenant()` (routing an Airbyte table's accounts to their tenants) runs as the owner,
-- which forced row-level security confines too: the owner, and only the owner, may read every
-- mapping. The application role still sees only its tenant's accounts.
create policy ad_accounts_owner_directory on ad_accounts for select to current_user using (true);
