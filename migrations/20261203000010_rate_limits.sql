-- Rate limits shared by every app server: a fixed-window hit counter per bucket (a class of
-- request and who sends it: an IP, a user's session, a tenant). Platform table: a bucket holds no
-- tenant's business data, only counts; old windows are deleted by the job runner.
create table rate_limit_hits (
    bucket text not null,
    window_start timestamptz not null,
    hits int not null,
    primary key (bucket, window_start)
);
create index rate_limit_hits_window on rate_limit_hits (window_start);
grant select, insert, update, delete on rate_limit_hits to cadence_app;
