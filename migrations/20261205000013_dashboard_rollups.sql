-- Two small rollups for the dashboard's most common reads, kept by the same load transaction as the
-- others: the tenant's totals per day (platform × currency) for the daily series and the previous
-- period, and per parish per day without the campaign, for the map when no campaign is chosen.
-- Each replaces a scan of thousands of campaign-day rows with one of a few hundred. And indexes for
-- a chosen campaign or parish.
create table rollup_day (
    tenant_id uuid not null references tenants (id) on delete cascade,
    day date not null,
    platform text not null,
    currency text not null,
    impressions bigint not null,
    clicks bigint not null,
    spend_micros bigint not null,
    conversions numeric(20, 6) not null,
    conversion_value_micros bigint not null,
    primary key (tenant_id, day, platform, currency)
);

create table rollup_parish_day (
    tenant_id uuid not null references tenants (id) on delete cascade,
    day date not null,
    platform text not null,
    -- '' for a region key no lookup knows yet (its spend is kept, never dropped).
    region_code text not null,
    currency text not null,
    impressions bigint not null,
    clicks bigint not null,
    spend_micros bigint not null,
    conversions numeric(20, 6) not null,
    conversion_value_micros bigint not null,
    primary key (tenant_id, day, platform, region_code, currency)
);

-- A campaign or a parish chosen: its own days, not a scan of every campaign's or parish's days.
create index rollup_campaign_day_by_campaign on rollup_campaign_day (tenant_id, campaign_id, day)
    include (platform, currency, impressions, clicks, spend_micros, conversions,
             conversion_value_micros);
create index rollup_region_day_by_region on rollup_region_day (tenant_id, region_code, day)
    include (platform, campaign_id, currency, impressions, clicks, spend_micros, conversions,
             conversion_value_micros);
create index rollup_region_day_by_campaign on rollup_region_day (tenant_id, campaign_id, day)
    include (platform, region_code, currency, impressions, clicks, spend_micros, conversions,
             conversion_value_micros);

do $$
declare t text;
begin
    foreach t in array array['rollup_day', 'rollup_parish_day'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy %I on %I using (tenant_id = app_current_tenant())
                        with check (tenant_id = app_current_tenant())', t || '_tenant', t);
        execute format('grant select, insert, update, delete on %I to cadence_app', t);
    end loop;
end $$;

-- Fill both from the existing rollups, tenant by tenant (row-level security is forced, also for
-- the owner running this migration).
do $$
declare t record;
begin
    for t in select id from tenants loop
        perform set_config('app.tenant_id', t.id::text, true);
        insert into rollup_day (tenant_id, day, platform, currency, impressions, clicks,
                spend_micros, conversions, conversion_value_micros)
        select tenant_id, day, platform, currency, sum(impressions), sum(clicks), sum(spend_micros),
               sum(conversions), sum(conversion_value_micros)
          from rollup_campaign_day group by tenant_id, day, platform, currency;
        insert into rollup_parish_day (tenant_id, day, platform, region_code, currency, impressions,
                clicks, spend_micros, conversions, conversion_value_micros)
        select tenant_id, day, platform, coalesce(region_code, ''), currency, sum(impressions),
               sum(clicks), sum(spend_micros), sum(conversions), sum(conversion_value_micros)
          from rollup_region_day group by tenant_id, day, platform, coalesce(region_code, ''), currency;
    end loop;
    perform set_config('app.tenant_id', '', true);
end $$;
