//! A product page: gallery, variant picker (links, so it works without JavaScript),
//! price and stock of the chosen variant, details, related products, and the data
//! search engines read (canonical, hreflang, Open Graph, JSON-LD).

use crate::page::Page;
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::Meta;

use super::PageTitle;
use super::not_found::error_page;
use super::{PageLinks, param, query_string};
use crate::components::product_card::ProductGrid;
use crate::i18n::use_locale;
use crate::server::catalog::{ProductPageDto, get_product_page};
use crate::server::shop::AddToCart;
use crate::tr;
use crate::url::encode;

/// Stock at or below this shows "only N left".
const LOW_STOCK: i32 = 5;

#[component]
pub fn ProductPage() -> impl IntoView {
    let lang = use_locale().slug().to_string();
    let slug = param("slug");
    let query = query_string();
    let product = Resource::new(
        move || (slug.get(), query.get()),
        move |(slug, query)| get_product_page(lang.clone(), slug, query),
    );
    view! {
        <Suspense fallback=|| view! { <p>{tr!("common.loading")}</p> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(product) => view! { <Product product /> }.into_any(),
                    Err(error) => error_page(error),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Product(product: ProductPageDto) -> impl IntoView {
    let locale = use_locale();
    let stock_note = match product.stock {
        0 => tr!("product.out_of_stock"),
        n if n <= LOW_STOCK => tr!("product.only_left", count = n),
        _ => tr!("product.in_stock"),
    };
    let first_image = product.images.first().map(|i| i.url.clone());
    let site = super::site_of(&product.canonical);
    view! {
        <PageTitle text=product.title.clone() />
        <Meta name="description" content=product.meta_description.clone() />
        <Meta property="og:type" content="product" />
        <Meta property="og:title" content=product.name.clone() />
        <Meta property="og:description" content=product.meta_description.clone() />
        <Meta property="og:url" content=product.canonical.clone() />
        {first_image.map(|url| view! { <Meta property="og:image" content=format!("{site}{url}") /> })}
        <PageLinks canonical=product.canonical.clone() alternates=product.alternates.clone() />
        <script type="application/ld+json" nonce=use_nonce() inner_html=product.json_ld.clone()></script>
        <nav aria-label=tr!("listing.breadcrumbs") class="mb-4 text-sm text-stone-500" data-testid="breadcrumbs">
            <a href=Page::Home.at(locale) class="hover:underline">{tr!("layout.home")}</a>
            {product
                .breadcrumbs
                .iter()
                .map(|crumb| {
                    let href = Page::Category(crumb.slug.to_string()).at(locale);
                    view! { " / " <a href=href class="hover:underline">{crumb.name.clone()}</a> }
                })
                .collect_view()}
        </nav>
        <div class="grid gap-8 md:grid-cols-2">
            <div class="grid grid-cols-2 gap-2" data-testid="gallery">
                {product
                    .images
                    .iter()
                    .enumerate()
                    .map(|(i, image)| {
                        let alt = image
                            .alt
                            .clone()
                            .unwrap_or_else(|| format!("{} ({})", product.name, i + 1));
                        // The first picture spans the gallery (half the page on wide
                        // screens), the others half of it.
                        let sizes = image.srcset.is_some().then_some(if i == 0 {
                            "(min-width: 768px) 50vw, 100vw"
                        } else {
                            "(min-width: 768px) 25vw, 50vw"
                        });
                        view! {
                            <img
                                src=image.url.clone()
                                srcset=image.srcset.clone()
                                sizes=sizes
                                alt=alt
                                width=image.width
                                height=image.height
                                loading=if i < 2 { "eager" } else { "lazy" }
                                class="aspect-square w-full rounded-md object-cover"
                                class:col-span-2=i == 0
                            />
                        }
                    })
                    .collect_view()}
            </div>
            <div>
                <h1 class="text-3xl font-semibold">{product.name.clone()}</h1>
                <p class="mt-3 text-2xl" data-testid="product-price">{product.price.clone()}</p>
                <p class="mt-1 text-sm" data-testid="stock" class:text-red-700=product.stock == 0>
                    {stock_note}
                </p>
                <p class="mt-1 text-xs text-stone-500">
                    {tr!("product.sku")} ": " <span data-testid="sku">{product.sku.clone()}</span>
                </p>
                <AddToCart variant=product.variant_id.clone() in_stock={product.stock > 0} />
                {product
                    .picker
                    .iter()
                    .map(|option| {
                        view! {
                            <fieldset class="mt-5" data-testid=format!("option-{}", option.code)>
                                <legend class="text-sm font-medium">{option.name.clone()}</legend>
                                <ul class="mt-2 flex flex-wrap gap-2">
                                    {option
                                        .values
                                        .iter()
                                        .map(|value| {
                                            let href = format!("?variant={}", encode(&value.sku));
                                            view! {
                                                <li>
                                                    <a
                                                        href=href
                                                        aria-current=value.selected.then_some("true")
                                                        class="inline-block rounded-md border px-3 py-1 text-sm"
                                                        class:border-stone-900=value.selected
                                                        class:font-semibold=value.selected
                                                        class:border-stone-300=!value.selected
                                                        class:line-through=!value.available
                                                    >
                                                        {value.name.clone()}
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </fieldset>
                        }
                    })
                    .collect_view()}
                <section class="mt-8">
                    <h2 class="text-lg font-medium">{tr!("product.details")}</h2>
                    <p class="mt-2 text-stone-700">{product.description.clone()}</p>
                    <dl class="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                        {product
                            .attributes
                            .iter()
                            .map(|(name, value)| view! { <dt class="text-stone-500">{name.clone()}</dt> <dd>{value.clone()}</dd> })
                            .collect_view()}
                    </dl>
                </section>
            </div>
        </div>
        {(!product.related.is_empty())
            .then(|| {
                view! {
                    <section class="mt-12" aria-labelledby="related-heading">
                        <h2 id="related-heading" class="mb-4 text-xl font-semibold">{tr!("product.related")}</h2>
                        <ProductGrid products=product.related.clone() />
                    </section>
                }
            })}
    }
}

/// "Add to cart": a plain form, so it works before (and without) the wasm.
#[component]
fn AddToCart(variant: String, in_stock: bool) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let error = crate::components::form::returned_error::<AddToCart>();
    view! {
        <form method="post" action=AddToCart::url() class="mt-5 flex items-end gap-3" data-testid="add-to-cart">
            <crate::components::form::LangField />
            <input type="hidden" name="variant" value=variant />
            <label class="flex flex-col gap-1 text-sm font-medium">
                {tr!("cart.quantity")}
                <input type="number" name="quantity" value="1" min="1" max="999" class="w-20 rounded-md border border-stone-300 px-3 py-2" />
            </label>
            <button type="submit" disabled=!in_stock class="rounded-md bg-stone-900 px-5 py-2 font-medium text-white disabled:opacity-40">
                {tr!("cart.add")}
            </button>
        </form>
        {error.map(|e| view! {
            <p role="alert" class="mt-2 text-sm text-red-700" data-testid="form-error">{crate::components::form::error_text(&e)}</p>
        })}
    }
}
