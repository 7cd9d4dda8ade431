//! The cart page: lines with quantity and remove forms, what changed, the subtotal.

use crate::page::Page;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{ShopFrame, TotalRow, continue_shopping, loaded, nothing};
use crate::components::form::{FormAlert, LangField, Notice, returned_error};
use crate::i18n::use_locale;
use crate::pages::account::query;
use crate::server::shop::{
    AddToCart, CartDto, CartLineDto, RemoveCartLine, UpdateCartLine, get_cart,
};
use crate::tr;

#[component]
pub fn CartPage() -> impl IntoView {
    let locale = use_locale();
    let cart = OnceResource::new(get_cart(locale.slug().to_string()));
    let error = returned_error::<UpdateCartLine>()
        .or_else(returned_error::<RemoveCartLine>)
        .or_else(returned_error::<AddToCart>);
    let added = query("added").is_some();
    view! {
        <ShopFrame title=tr!("cart.title")>
            {added.then(|| view! { <Notice text=tr!("cart.added") /> })}
            <FormAlert error=error fields=&[] />
            {loaded(cart, move |cart: CartDto| view! { <CartBody cart /> }.into_any())}
        </ShopFrame>
    }
}

#[component]
fn CartBody(cart: CartDto) -> impl IntoView {
    let locale = use_locale();
    let notices = cart.notices.clone();
    if cart.lines.is_empty() {
        return view! {
            {notices.into_iter().map(|n| view! { <p role="status" class="text-amber-800" data-testid="cart-notice">{n}</p> }).collect_view()}
            {nothing(tr!("cart.empty"))}
            {continue_shopping()}
        }
        .into_any();
    }
    view! {
        {notices.into_iter().map(|n| view! {
            <p role="status" class="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="cart-notice">{n}</p>
        }).collect_view()}
        <ul class="flex flex-col divide-y divide-stone-200 rounded-md border border-stone-200 bg-white" data-testid="cart-lines">
            {cart.lines.into_iter().map(|line| view! { <CartLine line /> }).collect_view()}
        </ul>
        <dl class="ml-auto w-full max-w-sm">
            <TotalRow label=tr!("cart.subtotal") value=cart.subtotal strong=true testid="cart-subtotal" />
            <p class="mt-1 text-xs text-stone-500">{tr!("cart.at_checkout")}</p>
        </dl>
        <div class="flex items-center justify-end gap-4">
            {continue_shopping()}
            <a href=Page::Checkout("contact").at(locale) class="rounded-md bg-stone-900 px-5 py-2 font-medium text-white" data-testid="checkout">
                {tr!("cart.checkout")}
            </a>
        </div>
    }
    .into_any()
}

#[component]
fn CartLine(line: CartLineDto) -> impl IntoView {
    let locale = use_locale();
    let href = Page::Product(line.slug.to_string()).at(locale);
    let variant = line.variant_id.clone();
    view! {
        <li class="flex flex-wrap items-center gap-4 p-4" data-testid="cart-line">
            {line.image.clone().map(|src| view! { <img src=src alt="" width="64" height="64" class="h-16 w-16 rounded object-cover" /> })}
            <div class="min-w-40 flex-1">
                <a href=href class="font-medium underline" data-testid="line-name">{line.name.clone()}</a>
                {(!line.options.is_empty()).then(|| view! { <p class="text-sm text-stone-500">{line.options.clone()}</p> })}
                <p class="text-sm text-stone-500">{line.unit_price.clone()}</p>
            </div>
            <form method="post" action=UpdateCartLine::url() class="flex items-center gap-2">
                <LangField />
                <input type="hidden" name="variant" value=variant.clone() />
                <label class="sr-only" for=format!("q-{variant}")>{tr!("cart.quantity")}</label>
                <input id=format!("q-{variant}") type="number" name="quantity" value=line.quantity min="0" max="999"
                    class="w-20 rounded-md border border-stone-300 px-2 py-1" data-testid="line-quantity" />
                <button type="submit" class="text-sm underline">{tr!("cart.update")}</button>
            </form>
            <p class="w-28 text-right font-medium" data-testid="line-total">{line.line_total.clone()}</p>
            <form method="post" action=RemoveCartLine::url()>
                <LangField />
                <input type="hidden" name="variant" value=variant />
                <button type="submit" class="text-sm text-red-700 underline" data-testid="remove-line">{tr!("cart.remove")}</button>
            </form>
        </li>
    }
}
