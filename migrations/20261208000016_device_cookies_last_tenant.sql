-- Log-in throttling that does not lock out an office, and the tenant a person used last.
--
-- Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies") are signed with a
-- server key held here wrapped by a master key, like tenant data keys and second-factor keys: one
-- per master key (a rotation starts a new one; cookies signed before it just stop counting). It is
-- the platform's, not a tenant's, so the table carries no row-level security (like `users`).
create table auth_secrets (
    purpose text not null,
    master_key_id text not null,
    wrapped_key bytea not null,
    created_at timestamptz not null default now(),
    primary key (purpose, master_key_id)
);
grant select, insert on auth_secrets to cadence_app;

-- The tenant a person entered last, where their next log-in lands while they can still enter it
-- (a tenant out of their reach by then is skipped when the value is read). Both tables are
-- platform tables (reference tables in docs/scale-out.md), so the foreign key stays possible.
alter table users add column last_tenant_id uuid references tenants (id) on delete set null;
