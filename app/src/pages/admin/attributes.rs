//! Attributes (material, brand: the storefront's filters) and option types (size,
//! colour: what variants are made of), each with its values: create, rename per
//! language, reorder, delete when unused. Plain forms; a failed post comes back with
//! its form open as typed and the message beside the field.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::{AdminFrame, AdminSection, loaded};
use crate::components::form::{FormAlert, LangField, Notice, message_text, returned_error};
use crate::error::AppError;
use crate::i18n::{Locale, use_locale};
use crate::pages::account::query;
use crate::server::admin::attributes::{
    AdminCreateAttribute, AdminDeleteAttribute, AdminRenameAttribute, AdminShiftAttribute,
    AttributesDto, GroupDto, ValueDto, get_admin_attributes,
};
use crate::tr;

const FIELDS: &[&str] = &["code", "name_en", "name_pt_br", "name_es", "name_zh_cn"];
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
    fn get(&self, name: &str) -> String {
        self.typed
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The error, when the failed form was `S` about `target` and (`key`, `value`).
    fn of<S: ServerFn>(&self, target: &str, key: &str, value: &str) -> Option<AppError> {
        (self.path == S::PATH && self.get("target") == target && self.get(key) == value)
            .then(|| self.error.clone())
            .flatten()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Loaded {
    data: AttributesDto,
    failed: Failed,
}

fn failure() -> Option<(&'static str, AppError)> {
    fn one<S: ServerFn<Error = AppError>>() -> Option<(&'static str, AppError)> {
        returned_error::<S>().map(|e| (S::PATH, e))
    }
    one::<AdminCreateAttribute>()
        .or_else(one::<AdminRenameAttribute>)
        .or_else(one::<AdminShiftAttribute>)
        .or_else(one::<AdminDeleteAttribute>)
}

#[component]
pub fn AttributesPage() -> impl IntoView {
    let locale = use_locale();
    let failure = failure();
    let error = failure.as_ref().map(|(_, e)| e.clone());
    let lang = locale.slug().to_string();
    let data = OnceResource::new(async move {
        let data = get_admin_attributes(lang.clone()).await?;
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
        Ok::<_, AppError>(Loaded { data, failed })
    });
    let saved = query("saved");
    view! {
        <AdminFrame title=tr!("admin.attributes.title") current=AdminSection::Attributes>
            {saved.map(|what| view! { <Notice text=if what == "deleted" { tr!("admin.categories.deleted_other") } else { tr!("admin.categories.saved") } /> })}
            <FormAlert error=error fields=FIELDS />
            {loaded(data, move |page: Loaded| view! {
                <Kind
                    heading=tr!("admin.attributes.attributes")
                    intro=tr!("admin.attributes.attributes_intro")
                    group="attribute" value="attribute_value" users="products"
                    groups=page.data.attributes.clone() failed=page.failed.clone() />
                <Kind
                    heading=tr!("admin.attributes.option_types")
                    intro=tr!("admin.attributes.option_types_intro")
                    group="option_type" value="option_value" users="variants"
                    groups=page.data.option_types.clone() failed=page.failed.clone() />
            }.into_any())}
        </AdminFrame>
    }
}

/// One kind (attributes, or option types) with its add form.
#[component]
fn Kind(
    heading: String,
    intro: String,
    group: &'static str,
    value: &'static str,
    users: &'static str,
    groups: Vec<GroupDto>,
    failed: Failed,
) -> impl IntoView {
    let count = groups.len();
    let cards = groups
        .into_iter()
        .enumerate()
        .map(|(at, g)| {
            view! { <GroupCard target=group value_target=value users group=g first=at == 0 last=at + 1 == count failed=failed.clone() /> }
        })
        .collect_view();
    view! {
        <section class="flex flex-col gap-3" data-testid=format!("kind-{group}")>
            <h2 class="text-lg font-semibold">{heading}</h2>
            <p class="text-sm text-stone-500">{intro}</p>
            {cards}
            <AddForm target=group parent=String::new() failed=failed.clone() label=tr!("admin.attributes.add") />
        </section>
    }
}

fn used_text(users: &str, used: i64) -> String {
    if users == "products" {
        tr!("admin.attributes.used_products", count = used.to_string())
    } else {
        tr!("admin.attributes.used_variants", count = used.to_string())
    }
}

#[component]
fn GroupCard(
    target: &'static str,
    value_target: &'static str,
    users: &'static str,
    group: GroupDto,
    first: bool,
    last: bool,
    failed: Failed,
) -> impl IntoView {
    let count = group.values.len();
    let values = group
        .values
        .iter()
        .enumerate()
        .map(|(at, v)| {
            view! { <ValueRow target=value_target users value=v.clone() first=at == 0 last=at + 1 == count failed=failed.clone() /> }
        })
        .collect_view();
    view! {
        <article class="flex flex-col gap-2 rounded-md border border-stone-200 bg-white p-3 text-sm" data-testid="attribute-group" data-code=group.code.clone()>
            <Line target id=group.id.clone() code=group.code.clone() name=group.name.clone() names=group.names.clone()
                used=used_text(users, group.used) can_delete=group.used == 0 first last failed=failed.clone() strong=true />
            <ul class="ml-4 flex flex-col divide-y divide-stone-100 border-l border-stone-200 pl-3">{values}</ul>
            <div class="ml-4 pl-3">
                <AddForm target=value_target parent=group.id.clone() failed label=tr!("admin.attributes.add_value") />
            </div>
        </article>
    }
}

#[component]
fn ValueRow(
    target: &'static str,
    users: &'static str,
    value: ValueDto,
    first: bool,
    last: bool,
    failed: Failed,
) -> impl IntoView {
    view! {
        <li class="py-1" data-testid="attribute-value" data-code=value.code.clone()>
            <Line target id=value.id.clone() code=value.code.clone() name=value.name.clone() names=value.names.clone()
                used=used_text(users, value.used) can_delete=value.used == 0 first last failed strong=false />
        </li>
    }
}

/// One attribute, option type or value: its name, code and use, up/down, and its
/// rename and delete forms behind "Edit".
#[component]
fn Line(
    target: &'static str,
    id: String,
    code: String,
    name: String,
    names: Vec<(String, String)>,
    used: String,
    can_delete: bool,
    first: bool,
    last: bool,
    failed: Failed,
    strong: bool,
) -> impl IntoView {
    let rename_error = failed.of::<AdminRenameAttribute>(target, "id", &id);
    let delete_error = failed.of::<AdminDeleteAttribute>(target, "id", &id);
    let open = rename_error.is_some();
    let names = if open {
        Locale::ALL
            .iter()
            .map(|l| (l.tag().to_string(), failed.get(&field(*l))))
            .collect()
    } else {
        names
    };
    let shift = |direction: &'static str, label: String, disabled: bool| {
        view! {
            <form method="post" action=AdminShiftAttribute::url()>
                <LangField />
                <input type="hidden" name="target" value=target />
                <input type="hidden" name="id" value=id.clone() />
                <input type="hidden" name="direction" value=direction />
                <button type="submit" class=BUTTON disabled=disabled aria-label=label.clone() title=label data-testid=format!("shift-{direction}")>
                    {if direction == "up" { "↑" } else { "↓" }}
                </button>
            </form>
        }
    };
    view! {
        <div class="flex flex-col gap-2">
            <div class="flex flex-wrap items-center gap-3">
                <span class:font-semibold=strong data-testid="attribute-name">{name}</span>
                <code class="text-xs text-stone-500">{code}</code>
                <span class="text-xs text-stone-500" data-testid="attribute-used">{used}</span>
                <span class="ml-auto flex gap-1">
                    {shift("up", tr!("admin.categories.up"), first)}
                    {shift("down", tr!("admin.categories.down"), last)}
                </span>
            </div>
            {delete_error.map(|e| view! { <p role="alert" class="text-sm text-red-700" data-testid="delete-error">{crate::components::form::error_text(&e)}</p> })}
            <details open=open>
                <summary class="cursor-pointer text-stone-600 underline">{tr!("admin.attributes.edit")}</summary>
                <div class="mt-2 flex flex-col gap-3">
                    <form method="post" action=AdminRenameAttribute::url() class="flex flex-col gap-2" data-testid="rename-attribute">
                        <LangField />
                        <input type="hidden" name="target" value=target />
                        <input type="hidden" name="id" value=id.clone() />
                        <NameInputs prefix="edit" names error=rename_error />
                        <div><button type="submit" class=BUTTON>{tr!("admin.categories.save_names")}</button></div>
                    </form>
                    {can_delete.then(|| view! {
                        <form method="post" action=AdminDeleteAttribute::url() data-testid="delete-attribute">
                            <LangField />
                            <input type="hidden" name="target" value=target />
                            <input type="hidden" name="id" value=id.clone() />
                            <button type="submit" class="rounded-md border border-red-300 px-3 py-1 text-red-800">{tr!("admin.categories.delete")}</button>
                        </form>
                    })}
                </div>
            </details>
        </div>
    }
}

/// The form field of the name in `locale`: `name_pt_br`.
fn field(locale: Locale) -> String {
    format!("name_{}", locale.slug().replace('-', "_"))
}

fn field_message(error: &Option<AppError>, name: &str) -> Option<String> {
    error
        .as_ref()
        .and_then(|e| e.for_field(name))
        .map(|m| message_text(&m))
}

#[component]
fn NameInputs(
    prefix: &'static str,
    names: Vec<(String, String)>,
    error: Option<AppError>,
) -> impl IntoView {
    Locale::ALL
        .into_iter()
        .map(|locale| {
            let name = field(locale);
            let current = names
                .iter()
                .find(|(l, _)| l == locale.tag())
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            let message = field_message(&error, &name);
            let label = format!("{} · {}", tr!("admin.categories.name"), locale.native_name());
            view! {
                <label class="flex flex-col gap-1" lang=locale.tag()>
                    <span class="text-xs text-stone-500">{label}</span>
                    <input name=name.clone() value=current maxlength="100" class=INPUT
                        aria-invalid=message.is_some().then_some("true") data-testid=format!("{prefix}-{name}") />
                    <span class="text-sm text-red-700" data-testid=format!("error-{name}")>{message}</span>
                </label>
            }
        })
        .collect_view()
}

/// Adds an attribute or option type (no `parent`), or a value of `parent`.
#[component]
fn AddForm(target: &'static str, parent: String, failed: Failed, label: String) -> impl IntoView {
    let error = failed.of::<AdminCreateAttribute>(target, "parent", &parent);
    let typed = error.is_some();
    let code_message = field_message(&error, "code");
    let names: Vec<(String, String)> = Locale::ALL
        .iter()
        .map(|l| {
            let name = if typed {
                failed.get(&field(*l))
            } else {
                String::new()
            };
            (l.tag().to_string(), name)
        })
        .collect();
    let code = if typed {
        failed.get("code")
    } else {
        String::new()
    };
    view! {
        <details open=typed class="text-sm" data-testid=format!("add-{target}")>
            <summary class="cursor-pointer font-medium underline">{label.clone()}</summary>
            <form method="post" action=AdminCreateAttribute::url() class="mt-2 grid gap-2 sm:grid-cols-2">
                <LangField />
                <input type="hidden" name="target" value=target />
                <input type="hidden" name="parent" value=parent />
                <label class="flex flex-col gap-1">
                    <span class="text-xs text-stone-500">{tr!("admin.attributes.code")}</span>
                    <input name="code" value=code maxlength="64" class=INPUT placeholder=tr!("admin.attributes.code_hint")
                        aria-invalid=code_message.is_some().then_some("true") data-testid=format!("add-{target}-code") />
                    <span class="text-sm text-red-700" data-testid="error-code">{code_message}</span>
                </label>
                <NameInputs prefix="add" names error />
                <div><button type="submit" class="rounded-md bg-stone-900 px-4 py-1.5 text-white">{label}</button></div>
            </form>
        </details>
    }
}
