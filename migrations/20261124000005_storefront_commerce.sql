-- The storefront's commerce: catalog items (products, services, donation campaigns), visits with
-- their UTM attribution, orders with their lines, donations and pledges, per-tenant gapless
-- numbers, and the storefront's publish switch and look. Money is NUMERIC in the tenant's currency,
-- never floating point; every table is a tenant table with row-level security forced.

alter table storefront_settings
    add column contact_email text check (length(contact_email) <= 254),
    add column contact_phone text check (length(contact_phone) <= 40);

-- Whether the storefront is open to visitors. It sits on the tenants row so the directory (which
-- resolves every storefront request) answers it without reading tenant data.
alter table tenants add column storefront_published boolean not null default true;
drop function tenant_directory(text);
create function tenant_directory(p_slug text)
returns table (id uuid, slug text, name text, status text, published boolean)
language sql stable security definer
set search_path = public, pg_temp
as $$ select t.id, t.slug, t.name, t.status, t.storefront_published from tenants t where t.slug = lower(p_slug) $$;
revoke all on function tenant_directory(text) from public;
grant execute on function tenant_directory(text) to cadence_app;

create table catalog_items (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    kind text not null check (kind in ('product', 'service', 'donation')),
    title text not null check (length(title) between 1 and 160),
    description text not null default '' check (length(description) <= 5000),
    currency text not null check (currency ~ '^[A-Z]{3}$'),
    -- Products and services have a price; donation campaigns have suggested amounts and a goal.
    price numeric(20, 4) check (price >= 0),
    suggested_amounts numeric(20, 4)[] not null default '{}',
    min_amount numeric(20, 4) check (min_amount >= 0),
    goal numeric(20, 4) check (goal > 0),
    active boolean not null default true,
    sort_order int not null default 0,
    archived_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    check ((kind = 'donation') = (price is null))
);
create index catalog_items_listing on catalog_items (tenant_id, sort_order, created_at);

-- A visit: how a visitor arrived (first-party cookie), for first- and last-touch attribution.
create table visits (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    visitor_id uuid not null,
    utm_source text check (length(utm_source) <= 200),
    utm_medium text check (length(utm_medium) <= 200),
    utm_campaign text check (length(utm_campaign) <= 200),
    utm_term text check (length(utm_term) <= 200),
    utm_content text check (length(utm_content) <= 200),
    gclid text check (length(gclid) <= 300),
    fbclid text check (length(fbclid) <= 300),
    referrer text check (length(referrer) <= 1000),
    landing_path text not null check (length(landing_path) <= 1000),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create index visits_visitor on visits (tenant_id, visitor_id, created_at);

-- Gapless per-tenant numbers: the counter row is incremented inside the submission's transaction,
-- so a rolled-back submission gives its number back and concurrent ones queue on the row.
create table tenant_counters (
    tenant_id uuid not null references tenants (id) on delete cascade,
    kind text not null check (kind in ('order', 'donation', 'pledge')),
    last_value int not null,
    primary key (tenant_id, kind)
);

create table orders (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    number int not null,
    idempotency_token uuid not null,
    status text not null default 'pending'
        check (status in ('pending', 'confirmed', 'fulfilled', 'cancelled')),
    currency text not null,
    total numeric(20, 4) not null check (total >= 0),
    customer_name text not null check (length(customer_name) between 1 and 120),
    customer_email text not null check (length(customer_email) <= 254),
    customer_phone text check (length(customer_phone) <= 40),
    note text check (length(note) <= 2000),
    first_visit_id uuid,
    last_visit_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, number),
    unique (tenant_id, idempotency_token)
);
create index orders_listing on orders (tenant_id, created_at desc);

create table order_lines (
    tenant_id uuid not null references tenants (id) on delete cascade,
    order_id uuid not null,
    line int not null,
    item_id uuid not null,
    title text not null,
    unit_price numeric(20, 4) not null,
    quantity int not null check (quantity between 1 and 1000),
    line_total numeric(20, 4) not null,
    primary key (tenant_id, order_id, line),
    foreign key (tenant_id, order_id) references orders (tenant_id, id) on delete cascade
);

create table donations (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    number int not null,
    idempotency_token uuid not null,
    campaign_id uuid not null,
    status text not null default 'pending' check (status in ('pending', 'received', 'refunded')),
    currency text not null,
    amount numeric(20, 4) not null check (amount > 0),
    donor_name text not null check (length(donor_name) between 1 and 120),
    donor_email text not null check (length(donor_email) <= 254),
    note text check (length(note) <= 2000),
    first_visit_id uuid,
    last_visit_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, number),
    unique (tenant_id, idempotency_token)
);

create table pledges (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    number int not null,
    idempotency_token uuid not null,
    campaign_id uuid not null,
    status text not null default 'open'
        check (status in ('open', 'partially_fulfilled', 'fulfilled', 'cancelled')),
    currency text not null,
    amount numeric(20, 4) not null check (amount > 0),
    fulfilled_amount numeric(20, 4) not null default 0 check (fulfilled_amount >= 0),
    target_date date not null,
    pledger_name text not null check (length(pledger_name) between 1 and 120),
    pledger_email text not null check (length(pledger_email) <= 254),
    note text check (length(note) <= 2000),
    first_visit_id uuid,
    last_visit_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, number),
    unique (tenant_id, idempotency_token)
);

do $$
declare t text;
begin
    foreach t in array array['catalog_items', 'visits', 'tenant_counters', 'orders', 'order_lines',
                             'donations', 'pledges'] loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy %I on %I using (tenant_id = app_current_tenant())
                        with check (tenant_id = app_current_tenant())', t || '_tenant', t);
        execute format('grant select, insert, update on %I to cadence_app', t);
    end loop;
end $$;

-- A campaign's amount raised is summed on every storefront view.
create index donations_campaign on donations (tenant_id, campaign_id) include (amount, status);
