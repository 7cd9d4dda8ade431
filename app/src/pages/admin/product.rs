//! The product editor: the four languages side by side (a missing one says so), status,
//! category, attributes, variants with their fixed prices, and the variant generator.
//! One plain form saves everything; deleting a variant and generating variants are
//! forms of their own (the delete buttons reach theirs through the `form` attribute,
//! since forms cannot nest). All of it works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AdminFrame, AdminSection, loaded};
use crate::components::form::{
    FormAlert, LangField, Notice, Typed, message_text, returned_error, with_typed,
};
use crate::error::AppError;
use crate::i18n::{Locale, use_locale};
use crate::page::{AdminPage, Page};
use crate::pages::account::query;
use crate::server::admin::product::{
    DeleteVariant, EditorDto, GenerateVariants, SaveProduct, TranslationDto, VariantDto,
    get_admin_product,
};
use crate::tr;

const FIELD: &str = "rounded-md border border-stone-300 px-2 py-1";

#[component]
pub fn ProductEditorPage(id: String) -> impl IntoView {
    let locale = use_locale();
    let data = OnceResource::new(get_admin_product(locale.slug().to_string(), id.clone()));
    let saved = query("saved").is_some();
    let generated = query("generated");
    let title = if id == "new" {
        tr!("admin.products.new")
    } else {
        tr!("admin.products.edit")
    };
    view! {
        <AdminFrame title=title current=AdminSection::Products>
            <a href=Page::Admin(AdminPage::Products).at(locale) class="text-sm underline">{tr!("admin.products.back")}</a>
            {saved.then(|| view! { <Notice text=tr!("admin.products.saved") /> })}
            {generated.map(|n| view! { <Notice text=tr!("admin.products.generated", count = n) /> })}
            {loaded(data, move |product: EditorDto| {
                let product_for_form = product.clone();
                view! {
                    {with_typed::<SaveProduct, _>(move |typed| editor_form(product_for_form.clone(), typed))}
                    {product.id.clone().map(|id| view! {
                        <DeleteForms id=id.clone() variants=product.variants.clone() />
                        <Generator product=product.clone() id />
                    })}
                }.into_any()
            })}
        </AdminFrame>
    }
}

/// The message for field `name`, if the last save failed there.
fn problem(error: &Option<AppError>, name: &str) -> Option<String> {
    error
        .as_ref()
        .and_then(|e| e.for_field(name))
        .map(|m| message_text(&m))
}

fn error_line(text: Option<String>, name: &str) -> impl IntoView + use<> {
    let testid = format!("error-{name}");
    text.map(|t| view! { <p class="text-sm text-red-700" data-testid=testid>{t}</p> })
}

fn editor_form(product: EditorDto, typed: Typed) -> AnyView {
    let error = returned_error::<SaveProduct>();
    let id = product.id.clone().unwrap_or_else(|| "new".into());
    let pick = |name: &str, saved: &str| typed.get(name).unwrap_or_else(|| saved.to_string());
    let status = pick("status", &product.status);
    let category = pick("category", &product.category);
    // Errors about fields this form shows beside them; anything else on top.
    let shown_beside =
        |e: &AppError| matches!(e, AppError::Validation { .. } | AppError::Fields(_));
    let alert = error.clone().filter(|e| !shown_beside(e));
    let statuses = ["draft", "active", "archived"];
    view! {
        <FormAlert error=alert fields=&[] />
        {error.clone().filter(shown_beside).map(|_| view! {
            <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-error">{tr!("admin.products.errors.see_fields")}</p>
        })}
        <form method="post" action=SaveProduct::url() class="flex flex-col gap-6" data-testid="product-form">
            <LangField />
            <input type="hidden" name="id" value=id.clone() />
            <section class="flex flex-wrap items-end gap-4 text-sm">
                <label class="flex flex-col gap-1">{tr!("admin.products.status_label")}
                    <select name="status" class=FIELD data-testid="status">
                        {statuses.map(|s| view! { <option value=s selected=status == s>{crate::i18n::translate(&format!("admin.products.status.{s}"))}</option> }).collect_view()}
                    </select>
                    {error_line(problem(&error, "status"), "status")}
                </label>
                <label class="flex flex-col gap-1">{tr!("admin.products.category")}
                    <select name="category" class=FIELD data-testid="category" required=true>
                        <option value="">"—"</option>
                        {product.categories.iter().map(|(cid, name)| view! { <option value=cid.clone() selected=*cid == category>{name.clone()}</option> }).collect_view()}
                    </select>
                    {error_line(problem(&error, "category"), "category")}
                </label>
                <label class="flex items-center gap-2">
                    <input type="checkbox" name="featured" checked=product.featured />
                    {tr!("admin.products.featured")}
                </label>
                {product.id.clone().map(|id| view! {
                    <a href=Page::Admin(AdminPage::ProductImages(id)).at(use_locale()) class="underline" data-testid="images-link">{tr!("admin.products.images")}</a>
                })}
            </section>
            <Languages translations=product.translations.clone() typed=typed.clone() error=error.clone() />
            <Attributes product=product.clone() />
            <Variants product=product.clone() typed=typed.clone() error=error.clone() />
            <div>
                <button type="submit" class="rounded-md bg-stone-900 px-4 py-2 text-white" data-testid="save-product">{tr!("admin.products.save")}</button>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn Languages(
    translations: Vec<TranslationDto>,
    typed: Typed,
    error: Option<AppError>,
) -> impl IntoView {
    let columns = translations
        .into_iter()
        .map(|t| {
            let l = t.locale.clone();
            let name_of = Locale::ALL
                .into_iter()
                .find(|x| x.tag() == l)
                .map_or(l.clone(), |x| x.native_name().to_string());
            let input = |field: &'static str, saved: &str, max: u32| {
                let name = format!("t[{l}][{field}]");
                let value = typed.get(&name).unwrap_or_else(|| saved.to_string());
                let key = format!("{field}.{l}");
                let message = problem(&error, &key);
                let invalid = message.is_some();
                view! {
                    <label class="flex flex-col gap-1 text-sm">{crate::i18n::translate(&format!("admin.products.fields.{field}"))}
                        <input name=name value=value maxlength=max class=FIELD class=("border-red-500", invalid) aria-invalid=invalid.then_some("true") data-testid=format!("{field}-{l}") />
                        {error_line(message, &key)}
                    </label>
                }
            };
            let description_name = format!("t[{l}][description]");
            let description = typed.get(&description_name).unwrap_or_else(|| t.description.clone());
            let description_error = problem(&error, &format!("description.{l}"));
            view! {
                <fieldset class="flex min-w-0 flex-col gap-2 rounded-md border border-stone-200 p-3" data-testid=format!("lang-{l}") lang=l.clone()>
                    <legend class="px-1 text-sm font-semibold">{name_of}
                        {t.missing.then(|| view! { <span class="ml-2 rounded bg-amber-100 px-1 text-xs font-normal text-amber-900" data-testid="missing">{tr!("admin.products.missing")}</span> })}
                    </legend>
                    {input("name", &t.name, 200)}
                    {input("slug", &t.slug, 200)}
                    <label class="flex flex-col gap-1 text-sm">{tr!("admin.products.fields.description")}
                        <textarea name=description_name rows="5" maxlength="20000" class=FIELD data-testid=format!("description-{l}")>{description}</textarea>
                        {error_line(description_error, "description")}
                    </label>
                    {input("seo_title", &t.seo_title.clone(), 200)}
                    {input("seo_description", &t.seo_description.clone(), 500)}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <section class="flex flex-col gap-2">
            <h2 class="text-lg font-semibold">{tr!("admin.products.languages")}</h2>
            <p class="text-sm text-stone-500">{tr!("admin.products.languages_hint")}</p>
            <div class="grid gap-3 md:grid-cols-2 xl:grid-cols-4">{columns}</div>
        </section>
    }
}

#[component]
fn Attributes(product: EditorDto) -> impl IntoView {
    (!product.attributes.is_empty()).then(|| {
        view! {
            <section class="flex flex-col gap-2 text-sm">
                <h2 class="text-lg font-semibold">{tr!("admin.products.attributes")}</h2>
                {product.attributes.iter().map(|group| view! {
                    <fieldset class="flex flex-wrap gap-3">
                        <legend class="font-medium">{group.name.clone()}</legend>
                        {group.values.iter().map(|(id, name)| {
                            let checked = product.attribute_values.contains(id);
                            view! {
                                <label class="flex items-center gap-1">
                                    <input type="checkbox" name=format!("attr[id{id}]") checked=checked />
                                    {name.clone()}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }).collect_view()}
            </section>
        }
    })
}

#[component]
fn Variants(product: EditorDto, typed: Typed, error: Option<AppError>) -> impl IntoView {
    let currencies = product.currencies.clone();
    let base = product.base_currency.clone();
    let new_row = VariantDto {
        id: "new".into(),
        sku: String::new(),
        price: String::new(),
        weight: String::new(),
        stock: String::new(),
        options: String::new(),
        fixed: currencies
            .iter()
            .map(|c| (c.clone(), String::new()))
            .collect(),
    };
    let rows = product
        .variants
        .iter()
        .cloned()
        .chain(std::iter::once(new_row))
        .map(|v| variant_row(v, &typed, &error))
        .collect_view();
    view! {
        <section class="flex flex-col gap-2">
            <h2 class="text-lg font-semibold">{tr!("admin.products.variants")}</h2>
            <p class="text-sm text-stone-500">{tr!("admin.products.fixed_hint", currency = base.clone())}</p>
            <div class="overflow-x-auto">
                <table class="w-full text-left text-sm" data-testid="variants">
                    <thead class="border-b border-stone-300 text-stone-600">
                        <tr>
                            <th class="py-2 pr-2">{tr!("admin.products.sku")}</th>
                            <th class="py-2 pr-2">{tr!("admin.products.options")}</th>
                            <th class="py-2 pr-2">{tr!("admin.products.price_in", currency = base.clone())}</th>
                            <th class="py-2 pr-2">{tr!("admin.products.weight")}</th>
                            <th class="py-2 pr-2">{tr!("admin.products.stock_label")}</th>
                            {currencies.iter().map(|c| view! { <th class="py-2 pr-2">{c.clone()}</th> }).collect_view()}
                            <th class="py-2"><span class="sr-only">{tr!("admin.products.delete")}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn variant_row(v: VariantDto, typed: &Typed, error: &Option<AppError>) -> AnyView {
    let key = v.id.clone();
    let is_new = key == "new";
    // The form's key: ids get a letter in front, see `server::admin::product`.
    let form_key = if is_new {
        key.clone()
    } else {
        format!("id{key}")
    };
    let cell = |field: &str, saved: &str, mode: &'static str, size: &'static str| {
        let name = format!("v[{form_key}][{field}]");
        let value = typed.get(&name).unwrap_or_else(|| saved.to_string());
        let problem_key = format!("{field}.{key}");
        let message = problem(error, &problem_key);
        let invalid = message.is_some();
        view! {
            <td class="py-1 pr-2 align-top">
                <input name=name value=value inputmode=mode class=format!("{FIELD} {size}") class=("border-red-500", invalid) aria-invalid=invalid.then_some("true") data-testid=format!("{field}-{key}") />
                {error_line(message, &problem_key)}
            </td>
        }
    };
    let fixed = v
        .fixed
        .iter()
        .map(|(currency, amount)| {
            let name = format!("v[{form_key}][fixed][{currency}]");
            let value = typed.get(&name).unwrap_or_else(|| amount.clone());
            let problem_key = format!("fixed.{key}.{currency}");
            let message = problem(error, &problem_key);
            view! {
                <td class="py-1 pr-2 align-top">
                    <input name=name value=value inputmode="decimal" placeholder=tr!("admin.products.converted") class=format!("{FIELD} w-24") data-testid=format!("fixed-{key}-{currency}") />
                    {error_line(message, &problem_key)}
                </td>
            }
        })
        .collect_view();
    let delete_form = format!("delete-{key}");
    view! {
        <tr class="border-b border-stone-200" class:bg-stone-50=is_new data-testid=if is_new { "new-variant" } else { "variant" }>
            {cell("sku", &v.sku, "text", "w-36")}
            <td class="py-1 pr-2 align-top text-stone-600">{if is_new { tr!("admin.products.add_variant") } else { v.options.clone() }}</td>
            {cell("price", &v.price, "decimal", "w-24")}
            {cell("weight", &v.weight, "numeric", "w-20")}
            {cell("stock", &v.stock, "numeric", "w-20")}
            {fixed}
            <td class="py-1 align-top">
                {(!is_new).then(|| view! {
                    <button type="submit" form=delete_form class="text-red-800 underline" data-testid="delete-variant">{tr!("admin.products.delete")}</button>
                })}
            </td>
        </tr>
    }
    .into_any()
}

/// One small form per variant, outside the editor's form, that its delete button posts.
#[component]
fn DeleteForms(id: String, variants: Vec<VariantDto>) -> impl IntoView {
    let error = returned_error::<DeleteVariant>();
    view! {
        <FormAlert error=error fields=&[] />
        {variants.into_iter().map(|v| view! {
            <form id=format!("delete-{}", v.id) method="post" action=DeleteVariant::url() class="hidden">
                <LangField />
                <input type="hidden" name="id" value=id.clone() />
                <input type="hidden" name="variant" value=v.id.clone() />
            </form>
        }).collect_view()}
    }
}

#[component]
fn Generator(product: EditorDto, id: String) -> impl IntoView {
    let error = returned_error::<GenerateVariants>();
    if product.option_types.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="flex flex-col gap-2 rounded-md border border-stone-200 p-4 text-sm" data-testid="generator">
            <h2 class="text-lg font-semibold">{tr!("admin.products.generator")}</h2>
            <p class="text-stone-500">{tr!("admin.products.generator_hint")}</p>
            <FormAlert error=error.clone() fields=&["prefix", "price"] />
            <form method="post" action=GenerateVariants::url() class="flex flex-col gap-3">
                <LangField />
                <input type="hidden" name="id" value=id />
                {product.option_types.iter().map(|group| view! {
                    <fieldset class="flex flex-wrap gap-3">
                        <legend class="font-medium">{group.name.clone()}</legend>
                        {group.values.iter().map(|(vid, name)| view! {
                            <label class="flex items-center gap-1">
                                <input type="checkbox" name=format!("o[id{vid}]") data-testid=format!("option-{name}") />
                                {name.clone()}
                            </label>
                        }).collect_view()}
                    </fieldset>
                }).collect_view()}
                <div class="flex flex-wrap items-end gap-2">
                    <label class="flex flex-col gap-1">{tr!("admin.products.sku_prefix")}
                        <input name="prefix" value=product.sku_prefix.clone() maxlength="40" class=FIELD data-testid="prefix" />
                        {error_line(problem(&error, "prefix"), "prefix")}
                    </label>
                    <label class="flex flex-col gap-1">{tr!("admin.products.price_in", currency = product.base_currency.clone())}
                        <input name="price" inputmode="decimal" placeholder=tr!("admin.products.first_price") class=FIELD data-testid="generate-price" />
                        {error_line(problem(&error, "price"), "price")}
                    </label>
                    <button type="submit" class="rounded-md border border-stone-300 px-4 py-1.5" data-testid="generate">{tr!("admin.products.generate")}</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}
