-- Every tenant table's unique keys carry tenant_id, so the schema can be distributed by tenant
-- (docs/scale-out.md). What must be found before any tenant is known (an API key by its hash)
-- moves to a small global look-up table; the tables that stay global are named, with the reason,
-- in docs/scale-out.md and in the catalog test's allow-list (server/tests/catalog.rs).

-- API keys: keyed by tenant. Nothing references a key by id alone; every read of a key happens in
-- its tenant's transaction, except the look-up of a presented secret, which goes through the
-- hash table below.
alter table api_keys drop constraint api_keys_pkey, add primary key (tenant_id, id);
alter table api_keys drop constraint api_keys_secret_hash_key;

-- Which key a presented secret is (by the SHA-256 of the secret): global, because a request
-- presents only the secret. Written by the trigger on api_keys (so every way of making a key
-- records it), read only by `api_key_lookup()`; the application role has no access at all.
create table api_key_hashes (
    secret_hash bytea primary key,
    tenant_id uuid not null references tenants (id) on delete cascade,
    key_id uuid not null
);
alter table api_key_hashes enable row level security;
alter table api_key_hashes force row level security;
-- The owner (the trigger and the look-up run as the owner) is the only reader and writer.
create policy api_key_hashes_owner on api_key_hashes to current_user using (true) with check (true);
insert into api_key_hashes (secret_hash, tenant_id, key_id)
select secret_hash, tenant_id, id from api_keys;

create function api_key_hash_keep() returns trigger
language plpgsql security definer
set search_path = public, pg_temp
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from api_key_hashes where secret_hash = old.secret_hash;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        -- A secret used twice is refused here, as the unique column on api_keys refused it.
        insert into api_key_hashes (secret_hash, tenant_id, key_id)
        values (new.secret_hash, new.tenant_id, new.id);
    end if;
    return null;
end $$;
revoke all on function api_key_hash_keep() from public;
create trigger api_key_hashes_kept after insert or delete or update of secret_hash, tenant_id, id
    on api_keys for each row execute function api_key_hash_keep();

-- Who a presented key is: the hash table names the tenant and key, the key row says the rest.
create or replace function api_key_lookup(p_hash bytea)
returns table (id uuid, tenant_id uuid, role text, expires_at timestamptz, revoked_at timestamptz,
               tenant_name text, tenant_status text)
language sql stable security definer
set search_path = public, pg_temp
as $$ select k.id, k.tenant_id, k.role, k.expires_at, k.revoked_at, t.name, t.status
        from api_key_hashes h
        join api_keys k on k.tenant_id = h.tenant_id and k.id = h.key_id
        join tenants t on t.id = k.tenant_id
       where h.secret_hash = p_hash $$;

-- Support-access requests: keyed by tenant. Look-ups by id alone (the staff member starting or
-- ending a session) stay correct: ids are UUIDv7s made by the server.
alter table impersonation_grants drop constraint impersonation_grants_pkey,
    add primary key (tenant_id, id);

-- Invitations: every use of a token names its tenant (the emailed link carries the tenant id), so
-- the token is unique within its tenant.
alter table invitations drop constraint invitations_token_hash_key;
create unique index invitations_token on invitations (tenant_id, token_hash);
