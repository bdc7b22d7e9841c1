-- Idempotency keys for the REST API's writes: the first answer to a key is stored and replayed for
-- the same key; the same key with another request is refused. Kept at least 24 hours (the job
-- runner deletes keys older than 48).
create table idempotency_keys (
    tenant_id uuid not null references tenants (id) on delete cascade,
    key text not null check (length(key) between 1 and 255),
    request_hash bytea not null,
    status_code int,
    response_body text,
    created_at timestamptz not null default now(),
    completed_at timestamptz,
    primary key (tenant_id, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
alter table idempotency_keys enable row level security;
alter table idempotency_keys force row level security;
create policy idempotency_keys_tenant on idempotency_keys
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update, delete on idempotency_keys to cadence_app;

-- Expiry across all tenants, for the job runner only: deletes old keys, reads nothing.
create policy idempotency_keys_owner_expiry on idempotency_keys for delete to current_user using (true);
create policy idempotency_keys_owner_expiry_read on idempotency_keys for select to current_user using (true);
create function forget_idempotency_keys() returns bigint
language sql volatile security definer
set search_path = public, pg_temp
as $$
    with gone as (delete from idempotency_keys where created_at < now() - interval '48 hours' returning 1)
    select count(*) from gone
$$;
revoke all on function forget_idempotency_keys() from public;
grant execute on function forget_idempotency_keys() to cadence_app;
