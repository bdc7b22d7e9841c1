-- Campaign totals per calendar month, kept by the same load transaction as the other rollups: the
-- campaign table reads the whole months of a range from here and only the days at its edges from
-- the day rollup (a 90-day range: about 31 rows per campaign instead of 90).
create table rollup_campaign_month (
    tenant_id uuid not null references tenants (id) on delete cascade,
    -- The first day of the month.
    month date not null check (extract(day from month) = 1),
    platform text not null,
    campaign_id text not null,
    currency text not null,
    impressions bigint not null,
    clicks bigint not null,
    spend_micros bigint not null,
    conversions numeric(20, 6) not null,
    conversion_value_micros bigint not null,
    primary key (tenant_id, month, platform, campaign_id, currency)
);

alter table rollup_campaign_month enable row level security;
alter table rollup_campaign_month force row level security;
create policy rollup_campaign_month_tenant on rollup_campaign_month
    using (tenant_id = app_current_tenant()) with check (tenant_id = app_current_tenant());
grant select, insert, update, delete on rollup_campaign_month to cadence_app;

-- Filled from the day rollup, tenant by tenant (row-level security is forced, also for the owner
-- running this migration).
do $$
declare t record;
begin
    for t in select id from tenants loop
        perform set_config('app.tenant_id', t.id::text, true);
        insert into rollup_campaign_month (tenant_id, month, platform, campaign_id, currency,
                impressions, clicks, spend_micros, conversions, conversion_value_micros)
        select tenant_id, date_trunc('month', day)::date, platform, campaign_id, currency,
               sum(impressions), sum(clicks), sum(spend_micros), sum(conversions),
               sum(conversion_value_micros)
          from rollup_campaign_day group by 1, 2, 3, 4, 5;
    end loop;
    perform set_config('app.tenant_id', '', true);
end $$;
