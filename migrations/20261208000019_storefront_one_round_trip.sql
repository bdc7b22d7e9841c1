-- Storefront reads in one round trip, and change notices for every app server's storefront cache.
--
-- 1. Read functions. The tenant door is BEGIN + settings, the query, COMMIT: three round trips. A
--    storefront read sends one statement instead: a function (security invoker, so the caller's row-
--    level security applies, forced as before) whose first act sets `app.tenant_id` transaction-
--    locally and whose second is the query. Called outside a transaction, the statement is its own
--    transaction: the setting ends with it, so a pooled connection carries nothing to its next user.
-- 2. Change notices. Every write to what a storefront page shows NOTIFYs `cadence_storefront` with
--    the tenant's id; PostgreSQL delivers it when (and only if) the writing transaction commits.
--    Every app server LISTENs and drops that tenant's cached pages.

create function storefront_items(p_tenant uuid, p_ids uuid[])
returns table (
    id uuid, kind text, title text, description text, currency text, price numeric,
    suggested_amounts numeric[], min_amount numeric, goal numeric, active boolean, sort_order int,
    archived boolean, raised numeric, image_ids uuid[]
)
language plpgsql volatile security invoker
as $$
#variable_conflict use_column
begin
    perform set_config('app.tenant_id', p_tenant::text, true);
    return query
    select i.id, i.kind, i.title, i.description, i.currency, i.price::numeric,
           i.suggested_amounts::numeric[], i.min_amount::numeric, i.goal::numeric, i.active,
           i.sort_order, i.archived_at is not null,
           coalesce((select sum(d.amount) from donations d
                      where d.campaign_id = i.id and d.status <> 'refunded'), 0)::numeric,
           array(select im.media_id from catalog_item_images im
                  where im.item_id = i.id order by im.position, im.media_id)
      from catalog_items i
     where i.id = any(p_ids);
end $$;
revoke all on function storefront_items(uuid, uuid[]) from public;
grant execute on function storefront_items(uuid, uuid[]) to cadence_app;

create function storefront_receipt(p_tenant uuid, p_kind text, p_token uuid)
returns table (id uuid, number int, total numeric, currency text)
language plpgsql volatile security invoker
as $$
#variable_conflict use_column
begin
    perform set_config('app.tenant_id', p_tenant::text, true);
    if p_kind = 'order' then
        return query select o.id, o.number, o.total::numeric, o.currency
                       from orders o where o.idempotency_token = p_token;
    elsif p_kind = 'donation' then
        return query select d.id, d.number, d.amount::numeric, d.currency
                       from donations d where d.idempotency_token = p_token;
    elsif p_kind = 'pledge' then
        return query select p.id, p.number, p.amount::numeric, p.currency
                       from pledges p where p.idempotency_token = p_token;
    end if;
end $$;
revoke all on function storefront_receipt(uuid, text, uuid) from public;
grant execute on function storefront_receipt(uuid, text, uuid) to cadence_app;

create function storefront_changed() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('cadence_storefront', old.tenant_id::text);
    else
        perform pg_notify('cadence_storefront', new.tenant_id::text);
    end if;
    return null;
end $$;

create function storefront_tenant_changed() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('cadence_storefront', old.id::text);
    else
        perform pg_notify('cadence_storefront', new.id::text);
    end if;
    return null;
end $$;

do $$
declare t text;
begin
    foreach t in array array['storefront_settings', 'catalog_items', 'catalog_item_images', 'media',
                             'donations'] loop
        execute format('create trigger storefront_changed after insert or update or delete on %I
                        for each row execute function storefront_changed()', t);
    end loop;
end $$;
create trigger storefront_changed after update or delete on tenants
    for each row execute function storefront_tenant_changed();
