//! A product's pictures: upload, order (the first is the product's picture in
//! listings), alt text in each language, the variant a picture shows, removal. Plain
//! forms throughout (the upload is `multipart/form-data`), so it all works without
//! JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AdminFrame, AdminSection, loaded};
use crate::components::form::{
    FormAlert, LangField, Notice, Typed, message_text, returned_error, with_typed,
};
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::page::{AdminPage, Page};
use crate::pages::account::query;
use crate::server::admin::images::{
    AdminImageDto, DescribeProductImage, MoveProductImage, ProductImagesDto, RemoveProductImage,
    UploadProductImage, get_product_images,
};
use crate::tr;

const FIELD: &str = "rounded-md border border-stone-300 px-2 py-1";
const BUTTON: &str = "rounded-md border border-stone-300 px-3 py-1 hover:bg-stone-100";

#[component]
pub fn ProductImagesPage(id: String) -> impl IntoView {
    let locale = use_locale();
    let data = OnceResource::new(get_product_images(locale.slug().to_string(), id.clone()));
    let upload_error = returned_error::<UploadProductImage>();
    let describe_error = returned_error::<DescribeProductImage>();
    // Errors not about one field of the forms below (not found, not allowed).
    let other_error = upload_error
        .clone()
        .filter(|e| e.for_field("file").is_none())
        .or_else(returned_error::<MoveProductImage>)
        .or_else(returned_error::<RemoveProductImage>);
    let saved = query("saved").is_some();
    view! {
        <AdminFrame title=tr!("admin.images.title") current=AdminSection::Products>
            {saved.then(|| view! { <Notice text=tr!("admin.images.saved") /> })}
            <FormAlert error=other_error fields=&[] />
            {loaded(data, move |data: ProductImagesDto| {
                let describe_error = describe_error.clone();
                let upload_error = upload_error.clone();
                let product = data.product_id.clone();
                view! {
                    <p class="text-sm">
                        <a href=Page::Admin(AdminPage::Product(product.clone())).at(locale) class="underline" data-testid="product-link">
                            {data.name.clone()}
                        </a>
                    </p>
                    <UploadForm product=product.clone() max_mb=data.max_mb error=upload_error />
                    {with_typed::<DescribeProductImage, _>(move |typed| {
                        pictures(&data, typed, describe_error.clone()).into_any()
                    })}
                }
                .into_any()
            })}
        </AdminFrame>
    }
}

#[component]
fn UploadForm(product: String, max_mb: u64, error: Option<AppError>) -> impl IntoView {
    let message = error
        .as_ref()
        .and_then(|e| e.for_field("file"))
        .map(|m| message_text(&m));
    let invalid = message.is_some();
    view! {
        <form
            method="post"
            action=UploadProductImage::url()
            enctype="multipart/form-data"
            class="flex flex-col gap-2 rounded-md border border-stone-200 bg-white p-4 text-sm"
            data-testid="image-upload"
        >
            // The server reads these two before the file.
            <LangField />
            <input type="hidden" name="id" value=product />
            <label for="file" class="font-medium">{tr!("admin.images.upload")}</label>
            <input
                id="file"
                name="file"
                type="file"
                required
                accept="image/jpeg,image/png,image/webp"
                aria-invalid=invalid.then_some("true")
                aria-describedby="file-message"
            />
            <p class="text-xs text-stone-500">{tr!("admin.images.upload_hint", max = max_mb.to_string())}</p>
            <p id="file-message" class="text-sm text-red-700" data-testid="error-file">{message}</p>
            <div>
                <button type="submit" class="rounded-md bg-stone-900 px-4 py-2 text-white hover:bg-stone-700">
                    {tr!("admin.images.add")}
                </button>
            </div>
        </form>
    }
}

/// The pictures in order, each with its forms. `typed` and `error` are a failed alt
/// text save's, shown on the picture it was for.
fn pictures(
    data: &ProductImagesDto,
    typed: Typed,
    error: Option<AppError>,
) -> impl IntoView + use<> {
    if data.images.is_empty() {
        return view! { <p class="text-sm text-stone-500" data-testid="no-images">{tr!("admin.images.empty")}</p> }
            .into_any();
    }
    let count = data.images.len();
    let failed_on = typed.get("image");
    view! {
        <ol class="flex flex-col gap-4" data-testid="admin-images">
            {data
                .images
                .iter()
                .enumerate()
                .map(|(i, image)| {
                    let here = failed_on.as_deref() == Some(image.id.as_str());
                    let (typed, error) = if here {
                        (typed.clone(), error.clone())
                    } else {
                        (Typed::default(), None)
                    };
                    picture(data, image, i, count, typed, error)
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

fn picture(
    data: &ProductImagesDto,
    image: &AdminImageDto,
    index: usize,
    count: usize,
    typed: Typed,
    error: Option<AppError>,
) -> impl IntoView + use<> {
    let product = data.product_id.clone();
    let image_id = image.id.clone();
    let hidden = move || {
        view! {
            <LangField />
            <input type="hidden" name="id" value=product.clone() />
            <input type="hidden" name="image" value=image_id.clone() />
        }
    };
    let chosen_variant = typed
        .get("variant")
        .unwrap_or_else(|| image.variant_id.clone());
    let alts = image
        .alts
        .iter()
        .map(|(locale, alt)| {
            let name = alt_field(locale);
            let value = typed.get(name).unwrap_or_else(|| alt.clone());
            let message = error
                .as_ref()
                .and_then(|e| e.for_field(name))
                .map(|m| message_text(&m));
            let invalid = message.is_some();
            let id = format!("{name}-{}", image.id);
            let described = format!("{id}-message");
            view! {
                <div class="flex flex-col gap-1">
                    <label for=id.clone() class="text-xs font-medium">{crate::i18n::translate(&format!("admin.images.{name}"))}</label>
                    <input
                        id=id
                        name=name
                        value=value
                        maxlength="250"
                        class=FIELD
                        class=("border-red-500", invalid)
                        aria-invalid=invalid.then_some("true")
                        aria-describedby=described.clone()
                    />
                    <p id=described class="text-xs text-red-700" data-testid=format!("error-{name}")>{message}</p>
                </div>
            }
        })
        .collect_view();
    let variant_message = error
        .as_ref()
        .and_then(|e| e.for_field("variant"))
        .map(|m| message_text(&m));
    let other_error = error.filter(|e| e.for_field("variant").is_none() && !is_alt_error(e));
    let variants = data
        .variants
        .iter()
        .map(|(id, sku)| {
            view! { <option value=id.clone() selected=*id == chosen_variant>{sku.clone()}</option> }
        })
        .collect_view();
    let position = tr!(
        "admin.images.position",
        n = (index + 1).to_string(),
        of = count.to_string()
    );
    view! {
        <li class="flex flex-col gap-3 rounded-md border border-stone-200 bg-white p-4 text-sm md:flex-row" data-testid="admin-image">
            <div class="flex shrink-0 flex-col gap-2 md:w-40">
                <a href=image.url.clone()>
                    <img
                        src=image.thumbnail.clone()
                        alt=image.alts.first().map(|(_, a)| a.clone()).filter(|a| !a.is_empty()).unwrap_or_else(|| data.name.clone())
                        width="160"
                        height=(image.height * 160 / image.width.max(1)).to_string()
                        class="w-40 rounded-md border border-stone-200 object-contain"
                    />
                </a>
                <p class="text-xs text-stone-500" data-testid="image-position">{position}</p>
                <div class="flex gap-1">
                    {(index > 0).then(|| view! {
                        <form method="post" action=MoveProductImage::url()>
                            {hidden()}
                            <input type="hidden" name="to" value="up" />
                            <button type="submit" class=BUTTON data-testid="move-up" aria-label=tr!("admin.images.move_up")>"↑"</button>
                        </form>
                    })}
                    {(index + 1 < count).then(|| view! {
                        <form method="post" action=MoveProductImage::url()>
                            {hidden()}
                            <input type="hidden" name="to" value="down" />
                            <button type="submit" class=BUTTON data-testid="move-down" aria-label=tr!("admin.images.move_down")>"↓"</button>
                        </form>
                    })}
                    <form method="post" action=RemoveProductImage::url()>
                        {hidden()}
                        <button type="submit" class="rounded-md border border-red-300 px-3 py-1 text-red-800 hover:bg-red-50" data-testid="remove-image">
                            {tr!("admin.images.remove")}
                        </button>
                    </form>
                </div>
            </div>
            <form method="post" action=DescribeProductImage::url() class="flex flex-1 flex-col gap-2" data-testid="describe-image">
                {hidden()}
                <FormAlert error=other_error fields=&[] />
                <div class="grid gap-2 md:grid-cols-2">{alts}</div>
                <label class="flex flex-col gap-1 text-xs font-medium">{tr!("admin.images.variant")}
                    <select name="variant" class=FIELD>
                        <option value="" selected=chosen_variant.is_empty()>{tr!("admin.images.whole_product")}</option>
                        {variants}
                    </select>
                </label>
                <p class="text-xs text-red-700" data-testid="error-variant">{variant_message}</p>
                <div>
                    <button type="submit" class="rounded-md bg-stone-900 px-4 py-1.5 text-white hover:bg-stone-700">{tr!("admin.images.save")}</button>
                </div>
            </form>
        </li>
    }
}

/// The form field of a language's alt text (as the server function names it).
fn alt_field(locale: &str) -> &'static str {
    match locale {
        "pt-BR" => "alt_pt_br",
        "es" => "alt_es",
        "zh-CN" => "alt_zh_cn",
        _ => "alt_en",
    }
}

fn is_alt_error(error: &AppError) -> bool {
    ["alt_en", "alt_pt_br", "alt_es", "alt_zh_cn"]
        .into_iter()
        .any(|f| error.for_field(f).is_some())
}
