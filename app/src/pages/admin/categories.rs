//! The category tree, editable: add (a name and slug per language), rename, move under
//! another parent, reorder among siblings, delete (moving its products elsewhere).
//! Plain forms throughout; a failed post comes back with the form it came from open,
//! filled in as typed, and the message beside its field.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::{AdminFrame, AdminSection, loaded};
use crate::components::form::{FormAlert, LangField, Notice, message_text, returned_error};
use crate::error::AppError;
use crate::i18n::{Locale, use_locale};
use crate::pages::account::query;
use crate::server::admin::categories::{
    AdminCreateCategory, AdminDeleteCategory, AdminMoveCategory, AdminRenameCategory,
    AdminShiftCategory, CategoriesDto, CategoryName, CategoryRow, get_admin_categories,
};
use crate::tr;

/// Every field of the page's forms: an error about one of them is shown beside it.
const FIELDS: &[&str] = &[
    "name_en",
    "slug_en",
    "name_pt_br",
    "slug_pt_br",
    "name_es",
    "slug_es",
    "name_zh_cn",
    "slug_zh_cn",
    "parent",
    "move_to",
];

const INPUT: &str = "rounded-md border border-stone-300 px-2 py-1";
const BUTTON: &str = "rounded-md border border-stone-300 px-3 py-1";

/// The form that failed, its error and what was typed into it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Failed {
    path: String,
    error: Option<AppError>,
    typed: Vec<(String, String)>,
}

impl Failed {
    fn get(&self, name: &str) -> Option<String> {
        self.typed
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// The error, when the failed form was `S` about category `id` (`""`: the add form).
    fn of<S: ServerFn>(&self, id: &str) -> Option<AppError> {
        (self.path == S::PATH && self.get("id").unwrap_or_default() == id)
            .then(|| self.error.clone())
            .flatten()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Loaded {
    tree: CategoriesDto,
    failed: Failed,
}

/// The post that came back failed, if any: which form and its error.
fn failure() -> Option<(&'static str, AppError)> {
    fn one<S: ServerFn<Error = AppError>>() -> Option<(&'static str, AppError)> {
        returned_error::<S>().map(|e| (S::PATH, e))
    }
    one::<AdminCreateCategory>()
        .or_else(one::<AdminRenameCategory>)
        .or_else(one::<AdminMoveCategory>)
        .or_else(one::<AdminShiftCategory>)
        .or_else(one::<AdminDeleteCategory>)
}

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let locale = use_locale();
    let failure = failure();
    let error = failure.as_ref().map(|(_, e)| e.clone());
    let lang = locale.slug().to_string();
    let data = OnceResource::new(async move {
        let tree = get_admin_categories(lang.clone()).await?;
        let failed = match failure {
            Some((path, error)) => Failed {
                path: path.to_string(),
                typed: crate::server::account::get_typed(lang, path.to_string())
                    .await
                    .unwrap_or_default(),
                error: Some(error),
            },
            None => Failed::default(),
        };
        Ok::<_, AppError>(Loaded { tree, failed })
    });
    let saved = query("saved");
    view! {
        <AdminFrame title=tr!("admin.categories.title") current=AdminSection::Categories>
            {saved.map(|what| view! { <Notice text=saved_text(&what) /> })}
            <FormAlert error=error fields=FIELDS />
            {loaded(data, move |page: Loaded| view! {
                <AddForm rows=page.tree.rows.clone() max_levels=page.tree.max_levels failed=page.failed.clone() />
                <Tree page />
            }.into_any())}
        </AdminFrame>
    }
}

fn saved_text(what: &str) -> String {
    match what {
        "created" => tr!("admin.categories.created"),
        "deleted" => tr!("admin.categories.deleted"),
        _ => tr!("admin.categories.saved"),
    }
}

#[component]
fn AddForm(rows: Vec<CategoryRow>, max_levels: usize, failed: Failed) -> impl IntoView {
    let error = failed.of::<AdminCreateCategory>("");
    let typed = (failed.path == AdminCreateCategory::PATH).then_some(failed.clone());
    let chosen = typed
        .as_ref()
        .and_then(|t| t.get("parent"))
        .unwrap_or_default();
    let parents: Vec<(String, String)> = rows
        .iter()
        .filter(|r| r.level < max_levels)
        .map(|r| (r.id.clone(), indented(r)))
        .collect();
    let names = blank_names(typed.as_ref());
    view! {
        <section class="rounded-md border border-stone-200 bg-white p-4" data-testid="add-category">
            <h2 class="mb-3 text-lg font-semibold">{tr!("admin.categories.add")}</h2>
            <form method="post" action=AdminCreateCategory::url() class="flex flex-col gap-3 text-sm">
                <LangField />
                <ParentSelect name="parent" label=tr!("admin.categories.parent") options=parents chosen top=true error=error.clone() prefix="new" />
                <NameInputs prefix="new" names error />
                <div><button type="submit" class="rounded-md bg-stone-900 px-4 py-2 text-white" data-testid="add-category-submit">{tr!("admin.categories.add_submit")}</button></div>
            </form>
        </section>
    }
}

/// The names of each language (as typed, when the form failed; else blank).
fn blank_names(typed: Option<&Failed>) -> Vec<CategoryName> {
    Locale::ALL
        .iter()
        .map(|l| {
            let get = |what: &str| {
                typed
                    .and_then(|t| t.get(&field(what, *l)))
                    .unwrap_or_default()
            };
            CategoryName {
                locale: l.tag().to_string(),
                name: get("name"),
                slug: get("slug"),
            }
        })
        .collect()
}

/// The form field of `what` (`name`, `slug`) in `locale`: `name_pt_br`.
fn field(what: &str, locale: Locale) -> String {
    format!("{what}_{}", locale.slug().replace('-', "_"))
}

fn indented(row: &CategoryRow) -> String {
    format!("{}{}", "— ".repeat(row.level.saturating_sub(1)), row.name)
}

fn field_message(error: &Option<AppError>, name: &str) -> Option<String> {
    error
        .as_ref()
        .and_then(|e| e.for_field(name))
        .map(|m| message_text(&m))
}

/// A name and a slug per language, each with its own message.
#[component]
fn NameInputs(
    prefix: &'static str,
    names: Vec<CategoryName>,
    error: Option<AppError>,
) -> impl IntoView {
    let rows = Locale::ALL
        .into_iter()
        .map(|locale| {
            let current = names
                .iter()
                .find(|n| n.locale == locale.tag())
                .cloned()
                .unwrap_or(CategoryName {
                    locale: locale.tag().into(),
                    name: String::new(),
                    slug: String::new(),
                });
            let (name_field, slug_field) = (field("name", locale), field("slug", locale));
            let name_message = field_message(&error, &name_field);
            let slug_message = field_message(&error, &slug_field);
            let name_id = format!("{prefix}-{name_field}");
            let slug_id = format!("{prefix}-{slug_field}");
            view! {
                <div class="grid gap-2 sm:grid-cols-[10rem_1fr_1fr]" lang=locale.tag()>
                    <span class="pt-1 font-medium">{locale.native_name()}</span>
                    <div class="flex flex-col gap-1">
                        <label for=name_id.clone() class="text-xs text-stone-500">{tr!("admin.categories.name")}</label>
                        <input id=name_id name=name_field.clone() value=current.name maxlength="200" class=INPUT
                            aria-invalid=name_message.is_some().then_some("true") data-testid=format!("{prefix}-{name_field}") />
                        <p class="text-sm text-red-700" data-testid=format!("error-{name_field}")>{name_message}</p>
                    </div>
                    <div class="flex flex-col gap-1">
                        <label for=slug_id.clone() class="text-xs text-stone-500">{tr!("admin.categories.slug")}</label>
                        <input id=slug_id name=slug_field.clone() value=current.slug maxlength="200" class=INPUT
                            placeholder=tr!("admin.categories.slug_hint")
                            aria-invalid=slug_message.is_some().then_some("true") data-testid=format!("{prefix}-{slug_field}") />
                        <p class="text-sm text-red-700" data-testid=format!("error-{slug_field}")>{slug_message}</p>
                    </div>
                </div>
            }
        })
        .collect_view();
    view! { <fieldset class="flex flex-col gap-2"><legend class="mb-1 font-medium">{tr!("admin.categories.names")}</legend>{rows}</fieldset> }
}

/// A choice of category (with "top level" first when `top`), with its message.
#[component]
fn ParentSelect(
    name: &'static str,
    label: String,
    options: Vec<(String, String)>,
    chosen: String,
    top: bool,
    error: Option<AppError>,
    prefix: &'static str,
) -> impl IntoView {
    let message = field_message(&error, name);
    let id = format!("{prefix}-{name}");
    let first = if top {
        tr!("admin.categories.top_level")
    } else {
        tr!("admin.categories.choose")
    };
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="font-medium">{label}</label>
            <select id=id name=name class=INPUT data-testid=format!("{prefix}-{name}") aria-invalid=message.is_some().then_some("true")>
                <option value="">{first}</option>
                {options.into_iter().map(|(value, text)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
            <p class="text-sm text-red-700" data-testid=format!("error-{name}")>{message}</p>
        </div>
    }
}

#[component]
fn Tree(page: Loaded) -> impl IntoView {
    let rows = page.tree.rows.clone();
    if rows.is_empty() {
        return view! { <p class="text-stone-500" data-testid="no-categories">{tr!("admin.categories.empty")}</p> }.into_any();
    }
    let items = rows
        .iter()
        .enumerate()
        .map(|(at, row)| {
            view! { <TreeRow row=row.clone() at all=rows.clone() max_levels=page.tree.max_levels failed=page.failed.clone() /> }
        })
        .collect_view();
    view! { <ol class="flex flex-col divide-y divide-stone-200 rounded-md border border-stone-200 bg-white" data-testid="category-tree">{items}</ol> }.into_any()
}

/// The rows below `at` that are inside its subtree (rows come parents first).
fn subtree(all: &[CategoryRow], at: usize) -> Vec<String> {
    let level = all[at].level;
    let mut ids = vec![all[at].id.clone()];
    ids.extend(
        all[at + 1..]
            .iter()
            .take_while(|r| r.level > level)
            .map(|r| r.id.clone()),
    );
    ids
}

#[component]
fn TreeRow(
    row: CategoryRow,
    at: usize,
    all: Vec<CategoryRow>,
    max_levels: usize,
    failed: Failed,
) -> impl IntoView {
    let inside = subtree(&all, at);
    let height = all[at + 1..]
        .iter()
        .take_while(|r| r.level > row.level)
        .map(|r| r.level - row.level)
        .max()
        .unwrap_or(0)
        + 1;
    let outside: Vec<&CategoryRow> = all.iter().filter(|r| !inside.contains(&r.id)).collect();
    let parents: Vec<(String, String)> = outside
        .iter()
        .filter(|r| r.level + height <= max_levels)
        .map(|r| (r.id.clone(), indented(r)))
        .collect();
    let targets: Vec<(String, String)> = outside
        .iter()
        .map(|r| (r.id.clone(), indented(r)))
        .collect();
    let id = row.id.clone();
    let rename_error = failed.of::<AdminRenameCategory>(&id);
    let move_error = failed.of::<AdminMoveCategory>(&id);
    let delete_error = failed.of::<AdminDeleteCategory>(&id);
    let open = rename_error.is_some() || move_error.is_some() || delete_error.is_some();
    let names = if rename_error.is_some() {
        blank_names(Some(&failed))
    } else {
        row.names.clone()
    };
    let siblings: Vec<&CategoryRow> = all
        .iter()
        .filter(|r| r.parent_id == row.parent_id)
        .collect();
    let first = siblings.first().is_some_and(|r| r.id == id);
    let last = siblings.last().is_some_and(|r| r.id == id);
    let empty = row.products == 0 && row.subcategories == 0;
    // Classes, not a style attribute: the shop's CSP refuses inline styles.
    let indent = match row.level {
        1 => "pl-3",
        2 => "pl-10",
        _ => "pl-16",
    };
    let slugs: String = row
        .names
        .iter()
        .filter(|n| !n.slug.is_empty())
        .map(|n| format!("{}: /{}", n.locale, n.slug))
        .collect::<Vec<_>>()
        .join(" · ");
    let current_parent = row.parent_id.clone().unwrap_or_default();
    let shift = move |direction: &'static str, label: String, disabled: bool| {
        let id = id.clone();
        view! {
            <form method="post" action=AdminShiftCategory::url()>
                <LangField />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="direction" value=direction />
                <button type="submit" class=BUTTON disabled=disabled aria-label=label.clone() title=label data-testid=format!("shift-{direction}")>
                    {if direction == "up" { "↑" } else { "↓" }}
                </button>
            </form>
        }
    };
    view! {
        <li class=format!("flex flex-col gap-2 py-2 pr-3 text-sm {indent}") data-testid="category-row" data-id=row.id.clone() data-level=row.level>
            <div class="flex flex-wrap items-center gap-3">
                <span class="font-medium" data-testid="category-name">{row.name.clone()}</span>
                <span class="text-xs text-stone-500">{tr!("admin.categories.counts", products = row.products.to_string(), subcategories = row.subcategories.to_string())}</span>
                <span class="text-xs text-stone-400">{slugs}</span>
                <span class="ml-auto flex gap-1">
                    {shift("up", tr!("admin.categories.up"), first)}
                    {shift("down", tr!("admin.categories.down"), last)}
                </span>
            </div>
            <details open=open>
                <summary class="cursor-pointer text-stone-600 underline" data-testid="edit-category">{tr!("admin.categories.edit")}</summary>
                <div class="mt-2 flex flex-col gap-4">
                    <form method="post" action=AdminRenameCategory::url() class="flex flex-col gap-2" data-testid="rename-category">
                        <LangField />
                        <input type="hidden" name="id" value=row.id.clone() />
                        <NameInputs prefix="edit" names error=rename_error />
                        <div><button type="submit" class=BUTTON>{tr!("admin.categories.save_names")}</button></div>
                    </form>
                    <form method="post" action=AdminMoveCategory::url() class="flex flex-wrap items-end gap-2" data-testid="move-category">
                        <LangField />
                        <input type="hidden" name="id" value=row.id.clone() />
                        <ParentSelect name="parent" label=tr!("admin.categories.move_under") options=parents chosen=current_parent top=true error=move_error prefix="move" />
                        <button type="submit" class=BUTTON>{tr!("admin.categories.move")}</button>
                    </form>
                    <form method="post" action=AdminDeleteCategory::url() class="flex flex-wrap items-end gap-2" data-testid="delete-category">
                        <LangField />
                        <input type="hidden" name="id" value=row.id.clone() />
                        {if empty {
                            view! { <input type="hidden" name="move_to" value="" /> }.into_any()
                        } else {
                            view! { <ParentSelect name="move_to" label=tr!("admin.categories.move_contents") options=targets chosen=String::new() top=false error=delete_error prefix="delete" /> }.into_any()
                        }}
                        <button type="submit" class="rounded-md border border-red-300 px-3 py-1 text-red-800">{tr!("admin.categories.delete")}</button>
                    </form>
                </div>
            </details>
        </li>
    }
}
