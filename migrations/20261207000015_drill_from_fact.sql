-- The campaign drill-down (ad sets, ads) reads the fact through a narrow index instead of a copy of
-- it: the ad × day rollup held one row per whole-ad fact row (a million ad-days cost a million
-- rollup rows and two index entries each on every load, a third of a load's time).
drop table rollup_ad_day;
create index fact_performance_campaign on fact_performance (tenant_id, campaign_id, day)
    where breakdown = 'none';
