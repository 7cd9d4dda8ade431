//! A product in a grid: picture, name, price, and whether it can be bought.

use crate::page::Page;
use leptos::prelude::*;

use crate::i18n::use_locale;
use crate::server::catalog::ProductCardDto;
use crate::tr;

#[component]
pub fn ProductGrid(products: Vec<ProductCardDto>) -> impl IntoView {
    view! {
        <ul class="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-4" data-testid="product-grid">
            {products.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
        </ul>
    }
}

/// How wide a card is: a quarter of the page on wide screens, a third on tablets, half
/// on phones (the grid's columns).
const CARD_SIZES: &str = "(min-width: 1024px) 25vw, (min-width: 768px) 33vw, 50vw";

#[component]
pub fn ProductCard(product: ProductCardDto) -> impl IntoView {
    let href = Page::Product(product.slug.clone()).at(use_locale());
    view! {
        <li class="group rounded-lg border border-stone-200 bg-white p-3" data-testid="product-card">
            <a href=href class="block">
                {product
                    .image
                    .map(|src| {
                        // An uploaded picture offers its widths; the browser takes the
                        // one that fits the card's width in this grid (two, three or
                        // four columns).
                        let sizes = product.image_srcset.is_some().then_some(CARD_SIZES);
                        view! {
                            <img
                                src=src
                                srcset=product.image_srcset.clone()
                                sizes=sizes
                                alt=product.image_alt.clone().unwrap_or_else(|| product.name.clone())
                                width="400"
                                height="400"
                                loading="lazy"
                                class="aspect-square w-full rounded-md object-cover"
                            />
                        }
                    })}
                <h3 class="mt-2 text-sm font-medium group-hover:underline">{product.name.clone()}</h3>
            </a>
            <p class="mt-1 text-sm" data-testid="price">{product.price}</p>
            {(!product.in_stock)
                .then(|| view! { <p class="text-xs text-red-700">{tr!("product.out_of_stock")}</p> })}
        </li>
    }
}
