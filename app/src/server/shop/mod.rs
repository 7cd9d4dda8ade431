//! The shop's server functions: the cart (here), checkout, orders and the staff's order
//! work. Like the account's, each is a plain form's target that sends the browser on
//! when it succeeds and back to the form with the error when it fails; the cart and
//! the orders are always the session's own.

mod checkout;
mod orders;
#[cfg(feature = "ssr")]
pub mod ssr;
mod staff;

pub use checkout::*;
pub use orders::*;
pub use staff::*;

#[cfg(feature = "ssr")]
use crate::page::Page;
#[cfg(feature = "ssr")]
#[cfg(feature = "ssr")]
use crate::server::request::{self, Request};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::request::{answer, go};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLineDto {
    pub variant_id: String,
    pub name: String,
    pub options: String,
    pub slug: String,
    pub image: Option<String>,
    pub sku: String,
    pub quantity: i32,
    pub stock: i32,
    pub unit_price: String,
    pub line_total: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartDto {
    pub lines: Vec<CartLineDto>,
    pub count: i64,
    pub subtotal: String,
    /// What changed since the shopper last looked, ready to show.
    pub notices: Vec<String>,
}

#[cfg(feature = "ssr")]
pub(crate) fn cart_dto(view: domain::cart::CartView, reader: &ssr::Reader) -> CartDto {
    let notices = view
        .notices
        .iter()
        .map(|notice| reader.text(&notice.message()))
        .collect();
    CartDto {
        count: view.count,
        subtotal: reader.money(view.subtotal),
        notices,
        lines: view
            .lines
            .into_iter()
            .map(|l| CartLineDto {
                variant_id: l.variant_id.to_string(),
                name: l.name,
                options: l.options,
                slug: l.slug,
                image: l.image,
                sku: l.sku,
                quantity: l.quantity,
                stock: l.stock,
                unit_price: reader.money(l.unit_price),
                line_total: reader.money(l.line_total),
            })
            .collect(),
    }
}

/// The cart page's cart: brought up to date (stock and prices checked again), with
/// what changed since the shopper last looked, told once (taken as it is shown).
#[server]
pub async fn get_cart(lang: String) -> Result<CartDto, AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            crate::server::ssr::no_store();
            match shopper.cart().await? {
                None => Ok(cart_dto(
                    domain::cart::CartView::empty(reader.currency),
                    reader,
                )),
                Some(cart) => {
                    let view =
                        domain::cart::review_for_display(&shopper.pool, cart, reader.audience())
                            .await?;
                    Ok(cart_dto(view, reader))
                }
            }
        }
        .await,
    )
}

#[server]
pub async fn add_to_cart(lang: String, variant: String, quantity: String) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            let variant = request::uuid(&variant, "product")?;
            let quantity = ssr::quantity(&quantity)?;
            let cart = shopper.cart_or_new().await?;
            domain::cart::add(&shopper.pool, cart, variant, quantity, reader.currency).await?;
            go(reader.locale, "/cart?added=1");
            Ok(())
        }
        .await,
    )
}

/// Changes a line's quantity (0 takes it out).
#[server]
pub async fn update_cart_line(
    lang: String,
    variant: String,
    quantity: String,
) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let reader = request.reader().await?;
            let variant = request::uuid(&variant, "cart line")?;
            let quantity = ssr::quantity(&quantity)?;
            let cart = shopper.cart_required().await?;
            domain::cart::set_quantity(&shopper.pool, cart, variant, quantity, reader.currency)
                .await?;
            go(reader.locale, "/cart");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn remove_cart_line(lang: String, variant: String) -> Result<(), AppError> {
    answer(
        async {
            let request = Request::of(&lang).await?;
            let shopper = ssr::shopper(&request).await?;
            let variant = request::uuid(&variant, "cart line")?;
            let cart = shopper.cart_required().await?;
            domain::cart::remove(&shopper.pool, cart, variant).await?;
            go(request.locale, &Page::Cart.path());
            Ok(())
        }
        .await,
    )
}

/// The header's mini-cart: what is in it. Rendered on every page, so it only reads: it
/// neither changes the cart nor uses up the notices the cart page is to show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiniCart {
    pub count: i64,
    pub lines: Vec<(String, i32, String)>,
    pub subtotal: String,
}

#[cfg(feature = "ssr")]
pub(crate) async fn mini_cart(request: &Request) -> Result<MiniCart, AppError> {
    let shopper = ssr::shopper(request).await?;
    let Some(cart) = shopper.cart().await? else {
        return Ok(MiniCart::default());
    };
    let reader = request.reader().await?;
    let view = domain::cart::read(&shopper.pool, cart, reader.audience()).await?;
    Ok(MiniCart {
        count: view.count,
        subtotal: reader.money(view.subtotal),
        lines: view
            .lines
            .into_iter()
            .map(|l| (l.name, l.quantity, reader.money(l.line_total)))
            .collect(),
    })
}
