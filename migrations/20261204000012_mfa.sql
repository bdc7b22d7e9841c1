-- Two-factor authentication: a user's TOTP secret (sealed under a master key, like tenant data keys)
-- and their single-use recovery codes (SHA-256 only). Users are not tenant-owned, so these tables
-- hold no tenant's data and carry no row-level security, like `users` itself.
create table user_mfa (
    user_id uuid primary key references users (id) on delete cascade,
    -- A per-user key wrapped by a master key, and the secret sealed with it (AES-256-GCM).
    master_key_id text not null,
    wrapped_key bytea not null,
    sealed_secret bytea not null,
    -- Null while enrolment waits for the first code from the authenticator app.
    enabled_at timestamptz,
    -- The last TOTP time step accepted: a code is never accepted twice.
    last_step bigint not null default 0,
    created_at timestamptz not null default now()
);
grant select, insert, update, delete on user_mfa to cadence_app;

create table user_recovery_codes (
    user_id uuid not null references users (id) on delete cascade,
    code_hash bytea not null,
    used_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (user_id, code_hash)
);
grant select, insert, update, delete on user_recovery_codes to cadence_app;
