-- Media (uploaded images, stored in object storage under the tenant's prefix), catalog item images,
-- and the storefront's branding: logo, colours, social links and language.

create table media (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    content_type text not null
        check (content_type in ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
    byte_size int not null check (byte_size between 1 and 10485760),
    width int not null check (width > 0),
    height int not null check (height > 0),
    thumb_content_type text not null check (thumb_content_type in ('image/png', 'image/jpeg')),
    original_name text not null default '' check (length(original_name) <= 255),
    uploaded_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
alter table media enable row level security;
alter table media force row level security;
create policy media_tenant on media
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, delete on media to cadence_app;

-- An item's images in display order; the first is its cover on the storefront.
create table catalog_item_images (
    tenant_id uuid not null references tenants (id) on delete cascade,
    item_id uuid not null,
    media_id uuid not null,
    position int not null default 0,
    primary key (tenant_id, item_id, media_id),
    foreign key (tenant_id, item_id) references catalog_items (tenant_id, id) on delete cascade,
    foreign key (tenant_id, media_id) references media (tenant_id, id) on delete cascade
);
create index catalog_item_images_order on catalog_item_images (tenant_id, item_id, position);
alter table catalog_item_images enable row level security;
alter table catalog_item_images force row level security;
create policy catalog_item_images_tenant on catalog_item_images
    using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
grant select, insert, update, delete on catalog_item_images to cadence_app;

alter table storefront_settings
    add column logo_media_id uuid,
    add column brand_color text check (brand_color ~ '^#[0-9a-f]{6}$'),
    add column header_color text check (header_color ~ '^#[0-9a-f]{6}$'),
    -- {"instagram": "https://instagram.com/…", …}: one link per network.
    add column social_links jsonb not null default '{}'::jsonb
        check (jsonb_typeof(social_links) = 'object'),
    add column language text not null default 'en' check (language in ('en', 'ar')),
    add foreign key (tenant_id, logo_media_id) references media (tenant_id, id) on delete set null (logo_media_id);
