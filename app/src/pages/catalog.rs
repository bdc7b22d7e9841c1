//! The catalog page: an interactive table of every item (search, filter by kind and state, sort by
//! any column, pages of 10; all in the browser once hydrated), and the add / edit form with the
//! item's images (uploaded as a plain multipart form, so it also works before hydration).

use crate::api::commerce::{
    AdminItem, RemoveMedia, SaveCatalogItem, SetItemArchived, load_catalog_admin,
};
use crate::components::form_error;
use crate::error::AppError;
use crate::nav::Redirect;
use crate::nav::query_map as use_query_map;
use cadence::media::app_media_url;
use leptos::prelude::*;
use leptos_meta::Title;

const PAGE_SIZE: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Title,
    Kind,
    Amount,
    Position,
    State,
}

fn state_of(i: &AdminItem) -> &'static str {
    if i.archived {
        "archived"
    } else if i.active {
        "on sale"
    } else {
        "hidden"
    }
}

/// The rows the controls select, in the chosen order.
fn select(
    items: &[AdminItem],
    search: &str,
    kind: &str,
    state: &str,
    (column, ascending): (Column, bool),
) -> Vec<AdminItem> {
    let needle = search.trim().to_lowercase();
    let mut rows: Vec<AdminItem> = items
        .iter()
        .filter(|i| {
            needle.is_empty()
                || i.title.to_lowercase().contains(&needle)
                || i.description.to_lowercase().contains(&needle)
        })
        .filter(|i| kind.is_empty() || i.kind == kind)
        .filter(|i| match state {
            "" => !i.archived,
            "all" => true,
            s => state_of(i) == s,
        })
        .cloned()
        .collect();
    rows.sort_by(|a, b| {
        let o = match column {
            Column::Title => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
            Column::Kind => a.kind_label.cmp(&b.kind_label),
            Column::Amount => a.amount_minor.cmp(&b.amount_minor),
            Column::Position => a.sort_order.cmp(&b.sort_order),
            Column::State => state_of(a).cmp(state_of(b)),
        };
        let o = o.then_with(|| a.title.cmp(&b.title));
        if ascending { o } else { o.reverse() }
    });
    rows
}

#[island(lazy)]
pub fn CatalogPage() -> impl IntoView {
    crate::nav::island_ready();
    let save = ServerAction::<SaveCatalogItem>::new();
    let archive = ServerAction::<SetItemArchived>::new();
    let remove = ServerAction::<RemoveMedia>::new();
    let items = Resource::new(
        move || {
            (
                save.version().get(),
                archive.version().get(),
                remove.version().get(),
            )
        },
        |_| load_catalog_admin(),
    );
    let query = use_query_map();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    view! {
        <Title text="Catalog — Cadence" />
        <p class="crumbs"><a href="/app/sales">"← Sales"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Loading the catalog…"</p> }>
            {move || Suspend::new(async move {
                let c = match items.await {
                    Ok(c) => c,
                    Err(AppError::Unauthenticated) => return view! { <Redirect path="/login?next=/app/catalog" /> }.into_any(),
                    Err(e) => return view! { <p class="alert alert--warn" data-test="denied">{e.to_string()}</p> }.into_any(),
                };
                let can_write = c.write_denied.is_none();
                let editing = c.items.iter().find(|i| i.id.to_string() == param("edit")).cloned();
                view! {
                    <section class="panel">
                        <div class="panel__head">
                            <div>
                                <h1>"Catalog"</h1>
                                <p class="muted">"What your storefront offers. Archived items leave the storefront but stay on past orders."</p>
                            </div>
                            {can_write.then(|| view! { <a class="button" href="/app/catalog#item-form" data-test="add-item">"Add an item"</a> })}
                        </div>
                        {form_error(archive.value())}
                        {if c.items.is_empty() {
                            view! {
                                <div class="empty-state empty-state--soft" data-test="no-items">
                                    <h2>"No items yet"</h2>
                                    <p class="muted">"Add a product, a service or a donation campaign below; it appears on your storefront at once."</p>
                                </div>
                            }.into_any()
                        } else {
                            view! { <CatalogTable items=c.items.clone() can_write=can_write archive=archive /> }.into_any()
                        }}
                    </section>
                    {match c.write_denied.clone() {
                        Some(why) => view! { <p class="alert alert--warn">{why}</p> }.into_any(),
                        None => view! {
                            <ItemForm editing=editing currency=c.currency.clone() save=save remove=remove
                                uploaded=param("uploaded") upload_error=param("error") />
                        }.into_any(),
                    }}
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn CatalogTable(
    items: Vec<AdminItem>,
    can_write: bool,
    archive: ServerAction<SetItemArchived>,
) -> impl IntoView {
    let items = StoredValue::new(items);
    let search = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    let sort = RwSignal::new((Column::Position, true));
    let page = RwSignal::new(0usize);
    let rows = Memo::new(move |_| {
        items.with_value(|all| select(all, &search.get(), &kind.get(), &state.get(), sort.get()))
    });
    let pages = move || rows.with(|r| r.len().div_ceil(PAGE_SIZE).max(1));
    // Changing what is shown goes back to the first page.
    Effect::new(move |_| {
        search.track();
        kind.track();
        state.track();
        page.set(0);
    });
    let header = move |label: &'static str, column: Column, numeric: bool| {
        let aria = move || match sort.get() {
            (c, true) if c == column => "ascending",
            (c, false) if c == column => "descending",
            _ => "none",
        };
        let arrow = move || match sort.get() {
            (c, true) if c == column => " ▲",
            (c, false) if c == column => " ▼",
            _ => "",
        };
        view! {
            <th class:num=numeric aria-sort=aria>
                <button type="button" class="th-sort" data-test=format!("sort-{label}")
                    on:click=move |_| sort.update(|(c, asc)| {
                        if *c == column { *asc = !*asc } else { *c = column; *asc = true }
                    })>
                    {label}{arrow}
                </button>
            </th>
        }
    };
    view! {
        <div class="table-tools" role="search">
            <input type="search" placeholder="Search titles and descriptions" aria-label="Search the catalog"
                data-test="catalog-search" prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev)) />
            <select aria-label="Kind" data-test="catalog-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                <option value="">"All kinds"</option>
                <option value="product">"Products"</option>
                <option value="service">"Services"</option>
                <option value="donation">"Donation campaigns"</option>
            </select>
            <select aria-label="State" data-test="catalog-state" on:change=move |ev| state.set(event_target_value(&ev))>
                <option value="">"Live (on sale or hidden)"</option>
                <option value="on sale">"On sale"</option>
                <option value="hidden">"Hidden"</option>
                <option value="archived">"Archived"</option>
                <option value="all">"Everything"</option>
            </select>
        </div>
        <table class="table" data-test="catalog-items">
            <thead><tr>
                <th class="thumb-col"><span class="sr-only">"Image"</span></th>
                {header("Item", Column::Title, false)}
                {header("Kind", Column::Kind, false)}
                {header("Price", Column::Amount, true)}
                {header("Position", Column::Position, true)}
                {header("State", Column::State, false)}
                <th><span class="sr-only">"Actions"</span></th>
            </tr></thead>
            <tbody>
                {move || {
                    let start = page.get() * PAGE_SIZE;
                    let shown: Vec<AdminItem> = rows.with(|r| r.iter().skip(start).take(PAGE_SIZE).cloned().collect());
                    if shown.is_empty() {
                        return view! {
                            <tr><td colspan="7" class="muted empty-row" data-test="no-match">"No items match. Clear the search or choose another filter."</td></tr>
                        }.into_any();
                    }
                    shown.into_iter().map(|i| view! {
                        <tr data-test="catalog-item" class:muted=i.archived>
                            <td class="thumb-col">{match i.images.first() {
                                Some(id) => view! { <img class="thumb" src=app_media_url(*id, true) alt="" loading="lazy" /> }.into_any(),
                                None => view! { <span class="thumb thumb--empty" aria-hidden="true"></span> }.into_any(),
                            }}</td>
                            <td><strong data-test="item-title">{i.title.clone()}</strong></td>
                            <td>{i.kind_label.clone()}</td>
                            <td class="num">{i.price.clone()}</td>
                            <td class="num">{i.sort_order}</td>
                            <td><span class="badge" class:badge--ok=(!i.archived && i.active)>{state_of(&i)}</span></td>
                            <td class="actions">{can_write.then(|| view! {
                                <a class="button button--small button--secondary" href=format!("/app/catalog?edit={}#item-form", i.id) data-test="edit-item">"Edit"</a>
                                <ActionForm action=archive attr:class="inline-form">
                                    <input type="hidden" name="id" value=i.id.to_string() />
                                    <input type="hidden" name="archived" value=(!i.archived).to_string() />
                                    <button class="button button--small button--secondary" type="submit">
                                        {if i.archived { "Restore" } else { "Archive" }}
                                    </button>
                                </ActionForm>
                            })}</td>
                        </tr>
                    }).collect_view().into_any()
                }}
            </tbody>
        </table>
        <div class="pager" data-test="pager">
            <span class="muted" data-test="pager-status">{move || {
                let total = rows.with(|r| r.len());
                if total == 0 {
                    "No items".to_string()
                } else {
                    let start = page.get() * PAGE_SIZE;
                    format!("{}–{} of {total}", start + 1, (start + PAGE_SIZE).min(total))
                }
            }}</span>
            <button type="button" class="button button--small button--secondary" data-test="pager-prev"
                disabled=move || { page.get() == 0 } on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"← Previous"</button>
            <button type="button" class="button button--small button--secondary" data-test="pager-next"
                disabled=move || { page.get() + 1 >= pages() } on:click=move |_| page.update(|p| *p += 1)>"Next →"</button>
        </div>
    }
}

#[component]
fn ItemForm(
    editing: Option<AdminItem>,
    currency: String,
    save: ServerAction<SaveCatalogItem>,
    remove: ServerAction<RemoveMedia>,
    uploaded: String,
    upload_error: String,
) -> impl IntoView {
    // The kind chosen in the form; empty until changed (then the edited item's kind applies).
    let kind = RwSignal::new(String::new());
    let initial_kind = editing
        .as_ref()
        .map(|i| i.kind.clone())
        .unwrap_or_else(|| "product".into());
    let donation = {
        let initial = initial_kind.clone();
        move || {
            let k = kind.get();
            if k.is_empty() {
                initial == "donation"
            } else {
                k == "donation"
            }
        }
    };
    let field = |f: fn(&AdminItem) -> String| editing.as_ref().map(f).unwrap_or_default();
    let (title, description, price, suggested, min, goal) = (
        field(|i| i.title.clone()),
        field(|i| i.description.clone()),
        field(|i| i.price_input.clone()),
        field(|i| i.suggested_input.clone()),
        field(|i| i.min_input.clone()),
        field(|i| i.goal_input.clone()),
    );
    let position = editing.as_ref().map(|i| i.sort_order).unwrap_or(0);
    let active = editing.as_ref().is_none_or(|i| i.active);
    let editing_id = editing.as_ref().map(|i| i.id.to_string());
    let price_label = if currency.is_empty() {
        "Price".to_string()
    } else {
        format!("Price ({currency})")
    };
    view! {
        <section class="panel panel--narrow" id="item-form">
            <h2>{if editing_id.is_some() { "Edit item" } else { "Add an item" }}</h2>
            <ActionForm action=save attr:class="form" attr:data-test="item-form">
                {editing_id.clone().map(|id| view! { <input type="hidden" name="id" value=id /> })}
                <label for="item-kind">"Kind"</label>
                <select id="item-kind" name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                    {[("product", "Product"), ("service", "Service"), ("donation", "Donation campaign")].into_iter().map(|(v, l)| view! {
                        <option value=v selected=initial_kind == v>{l}</option>
                    }).collect_view()}
                </select>
                <label for="item-title">"Title"</label>
                <input id="item-title" name="title" type="text" required maxlength="160" value=title />
                <label for="item-description">"Description"</label>
                <textarea id="item-description" name="description" rows="3" maxlength="5000">{description}</textarea>
                <Show when=move || !donation()
                    fallback=move || view! {
                        <label for="item-suggested">"Suggested amounts"</label>
                        <input id="item-suggested" name="suggested_amounts" type="text" placeholder="10, 25, 50" value=suggested.clone() />
                        <label for="item-min">"Smallest donation"</label>
                        <input id="item-min" name="min_amount" type="text" inputmode="decimal" value=min.clone() />
                        <label for="item-goal">"Goal"</label>
                        <input id="item-goal" name="goal" type="text" inputmode="decimal" value=goal.clone() />
                    }>
                    <label for="item-price">{price_label.clone()}</label>
                    <input id="item-price" name="price" type="text" inputmode="decimal" value=price.clone() />
                </Show>
                <label for="item-position">"Position " <span class="muted">"(lower comes first on the storefront)"</span></label>
                <input id="item-position" name="sort_order" type="number" min="-100000" max="100000" value=position />
                <label class="check"><input type="checkbox" name="active" value="on" checked=active /> " On sale"</label>
                {form_error(save.value())}
                <Show when=move || matches!(save.value().get(), Some(Ok(())))>
                    <p class="alert alert--ok" data-test="item-saved">"Saved."</p>
                </Show>
                <div class="button-row">
                    <button class="button" type="submit">{if editing_id.is_some() { "Save changes" } else { "Add item" }}</button>
                    {editing_id.is_some().then(|| view! { <a class="button button--ghost" href="/app/catalog">"Cancel"</a> })}
                </div>
            </ActionForm>
            {editing.map(|item| view! {
                <ItemImages item=item remove=remove uploaded=uploaded upload_error=upload_error />
            })}
        </section>
    }
}

/// An item's images: thumbnails with a remove button, and the upload form.
#[component]
fn ItemImages(
    item: AdminItem,
    remove: ServerAction<RemoveMedia>,
    uploaded: String,
    upload_error: String,
) -> impl IntoView {
    let id = item.id.to_string();
    view! {
        <div class="media-block" data-test="item-images">
            <h3>"Images"</h3>
            <p class="muted">"The first image is the item's cover on the storefront. PNG, JPEG, GIF or WebP, up to 10 MB each."</p>
            {(!upload_error.is_empty()).then(|| view! { <p class="alert alert--error" role="alert" data-test="upload-error">{upload_error.clone()}</p> })}
            {(!uploaded.is_empty() && upload_error.is_empty()).then(|| view! { <p class="alert alert--ok" data-test="upload-ok">"Image added."</p> })}
            {form_error(remove.value())}
            {if item.images.is_empty() {
                view! { <p class="muted" data-test="no-images">"No images yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="media-grid">
                        {item.images.clone().into_iter().map(|m| view! {
                            <li data-test="item-image">
                                <img src=app_media_url(m, true) alt="" />
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="id" value=m.to_string() />
                                    <button class="button button--small button--ghost" type="submit">"Remove"</button>
                                </ActionForm>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action="/app/media" enctype="multipart/form-data" class="form form--row" data-test="image-upload">
                <input type="hidden" name="purpose" value="item" />
                <input type="hidden" name="item_id" value=id.clone() />
                <input type="hidden" name="return_to" value=format!("/app/catalog?edit={id}") />
                <div>
                    <label for="item-image">"Add an image"</label>
                    <input id="item-image" name="file" type="file" accept="image/png,image/jpeg,image/gif,image/webp" required />
                </div>
                <button class="button button--secondary" type="submit">"Upload"</button>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, kind: &str, minor: i64, order: i32, archived: bool) -> AdminItem {
        AdminItem {
            id: cadence::Uuid::nil(),
            kind: kind.into(),
            kind_label: kind.into(),
            title: title.into(),
            description: String::new(),
            price: String::new(),
            price_input: String::new(),
            suggested_input: String::new(),
            min_input: String::new(),
            goal_input: String::new(),
            active: true,
            archived,
            sort_order: order,
            amount_minor: minor,
            images: vec![],
        }
    }

    #[test]
    fn the_table_filters_searches_and_sorts_exactly() {
        let items = vec![
            item("Mug", "product", 1250, 2, false),
            item("Tea", "product", 105, 1, false),
            item("Old mug", "product", 900, 3, true),
            item("Fund", "donation", 50000, 4, false),
        ];
        let titles = |rows: Vec<AdminItem>| rows.into_iter().map(|i| i.title).collect::<Vec<_>>();
        assert_eq!(
            titles(select(&items, "", "", "", (Column::Position, true))),
            ["Tea", "Mug", "Fund"]
        );
        assert_eq!(
            titles(select(&items, "MUG", "", "all", (Column::Amount, false))),
            ["Mug", "Old mug"]
        );
        assert_eq!(
            titles(select(&items, "", "product", "", (Column::Amount, true))),
            ["Tea", "Mug"]
        );
        assert_eq!(
            titles(select(&items, "", "", "archived", (Column::Title, true))),
            ["Old mug"]
        );
    }
}
