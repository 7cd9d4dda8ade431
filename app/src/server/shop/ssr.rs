//! Server-side helpers for the shop's server functions: whose cart, the shopper's
//! audience, the payment settings, and turning domain values into what pages show.

use domain::cart::{Cart, Owner};
use domain::catalog::listing::Audience;
use domain::money::{Currency, Money};
use leptos::prelude::use_context;
use sqlx::PgPool;
use tower_sessions::Session;
use uuid::Uuid;

use crate::error::AppError;
use crate::i18n::Locale;
use crate::message::Message;
use crate::server::request::Request;
use crate::server::ssr as base;

/// Session keys: the guest's cart, the orders this browser placed as a guest, and the
/// random id unpaid orders are counted against (never the session's own id, a secret).
const CART: &str = "cart";
const ORDERS: &str = "guest_orders";
const HOLDER: &str = "holder";

fn store_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store");
    AppError::Busy
}

/// Who is shopping on this request.
pub struct Shopper {
    pub pool: PgPool,
    pub session: Session,
    pub account: Option<domain::accounts::Account>,
    pub owner: Owner,
}

pub async fn shopper(request: &Request) -> Result<Shopper, AppError> {
    let account = request.account().await?.cloned();
    let owner = match &account {
        Some(a) => Owner::Account(a.id),
        None => Owner::Guest(
            request
                .session
                .get::<Uuid>(CART)
                .await
                .map_err(store_error)?,
        ),
    };
    Ok(Shopper {
        pool: request.pool.clone(),
        session: request.session.clone(),
        account,
        owner,
    })
}

impl Shopper {
    /// The shopper's open cart, if any.
    pub async fn cart(&self) -> Result<Option<Cart>, AppError> {
        Ok(domain::cart::find(&self.pool, self.owner).await?)
    }

    /// The shopper's open cart, made (and remembered for a guest) when there is none.
    pub async fn cart_or_new(&self) -> Result<Cart, AppError> {
        let cart = domain::cart::find_or_create(&self.pool, self.owner).await?;
        if matches!(self.owner, Owner::Guest(id) if id != Some(cart.id())) {
            self.session
                .insert(CART, cart.id())
                .await
                .map_err(store_error)?;
        }
        Ok(cart)
    }

    /// The open cart, or "your cart is empty" for a form posted without one.
    pub async fn cart_required(&self) -> Result<Cart, AppError> {
        self.cart()
            .await?
            .ok_or_else(|| AppError::Conflict("cart.errors.empty".into()))
    }

    /// The cart a form names by id (placed or not), if it is this shopper's: the domain
    /// decides, and another shopper's cart is "not found".
    pub async fn cart_posted(&self, id: &str) -> Result<Cart, AppError> {
        let id = crate::server::request::uuid(id, "cart")?;
        Ok(domain::cart::of(&self.pool, self.owner, id).await?)
    }

    pub async fn remember_order(&self, order: Uuid) -> Result<(), AppError> {
        let mut orders = self.guest_orders().await?;
        orders.retain(|o| *o != order);
        orders.insert(0, order);
        orders.truncate(20);
        self.session
            .insert(ORDERS, orders)
            .await
            .map_err(store_error)
    }

    /// This browser's id for bounding the unpaid orders it holds, made on first use.
    pub async fn holder(&self) -> Result<String, AppError> {
        if let Some(id) = self
            .session
            .get::<Uuid>(HOLDER)
            .await
            .map_err(store_error)?
        {
            return Ok(id.to_string());
        }
        let id = Uuid::new_v4();
        self.session.insert(HOLDER, id).await.map_err(store_error)?;
        Ok(id.to_string())
    }

    pub async fn guest_orders(&self) -> Result<Vec<Uuid>, AppError> {
        Ok(self
            .session
            .get::<Vec<Uuid>>(ORDERS)
            .await
            .map_err(store_error)?
            .unwrap_or_default())
    }
}

/// At sign-in: a guest's cart joins the account's.
pub async fn merge_guest_cart(
    pool: &PgPool,
    session: &Session,
    account: Uuid,
) -> Result<(), AppError> {
    if let Some(id) = session.get::<Uuid>(CART).await.map_err(store_error)? {
        if let Some(cart) = domain::cart::find(pool, Owner::Guest(Some(id))).await? {
            domain::cart::merge(pool, cart, account).await?;
        }
        session.remove_value(CART).await.map_err(store_error)?;
    }
    Ok(())
}

/// The language, default language and currency prices are shown in.
pub struct Reader {
    pub locale: Locale,
    pub default_locale: String,
    pub currency: Currency,
}

impl Reader {
    pub async fn of(lang: &str, pool: &PgPool) -> Result<Reader, AppError> {
        Reader::of_locale(base::locale(lang)?, pool).await
    }

    pub async fn of_locale(locale: Locale, pool: &PgPool) -> Result<Reader, AppError> {
        let settings = base::settings(pool).await?;
        Ok(Reader {
            locale,
            default_locale: settings.default_locale,
            currency: base::currency(pool, locale).await?,
        })
    }

    pub fn audience(&self) -> Audience<'_> {
        Audience {
            locale: self.locale.tag(),
            default_locale: &self.default_locale,
            currency: self.currency,
        }
    }

    pub fn money(&self, money: Money) -> String {
        domain::money::format(money, self.locale.tag())
    }

    /// A message in this reader's language.
    pub fn text(&self, message: &domain::Message) -> String {
        crate::i18n::message_in(self.locale, message)
    }
}

/// The payment providers the server set up.
pub fn payments() -> domain::payments::Config {
    use_context::<domain::payments::Config>().unwrap_or_default()
}

/// A form's quantity: whole numbers only (the domain checks the range).
pub fn quantity(text: &str) -> Result<i32, AppError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .map(|n| n.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
        .ok_or_else(|| AppError::Validation {
            field: "quantity".into(),
            message: Message::new("cart.errors.quantity").with("max", domain::cart::MAX_QUANTITY),
        })
}
