//! Carts: a guest's (found through the browser's session) or a customer's (the same on
//! every device), merged when the guest signs in. Stock and prices are checked again on
//! every change and every time the cart is shown; what changed is told, not hidden.
//!
//! Reading a cart never changes it ([`read`], for the header's mini-cart on every page).
//! Bringing it up to date is a write of its own ([`review`], when the cart page or a
//! checkout step is loaded, and when placing the order): it adjusts the lines and keeps
//! what it changed as *pending notices* on the cart's row, which the page that shows
//! them takes ([`take_notices`]), so each notice is shown once, whichever request found
//! it, and nothing that renders first can swallow it.

pub mod repo;

use rust_decimal::Decimal;
use sqlx::PgPool;
use uuid::Uuid;

use crate::catalog::listing::Audience;
use crate::money::{Currency, Money};
use crate::{DomainError, DomainResult, Thing};

/// The most of one item a cart takes (a shop selling by the thousand sets up B2B).
pub const MAX_QUANTITY: i32 = 999;

/// Whose cart: a signed-in customer's, or the browser's (its id from the session).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Account(Uuid),
    Guest(Option<Uuid>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartLine {
    pub variant_id: Uuid,
    pub sku: String,
    pub name: String,
    pub slug: String,
    /// The variant's options, "M / Red".
    pub options: String,
    pub image: Option<String>,
    pub quantity: i32,
    pub stock: i32,
    pub weight_grams: i32,
    pub unit_price: Money,
    pub line_total: Money,
}

/// Something that changed since the shopper last looked. Kept as JSON on the cart's
/// row until shown.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    PriceChanged {
        name: String,
        from: Money,
        to: Money,
    },
    QuantityLowered {
        name: String,
        to: i32,
    },
    SoldOut {
        name: String,
    },
    Unavailable {
        name: String,
    },
}

impl Notice {
    /// What the shopper reads about it.
    pub fn message(&self) -> crate::Message {
        use crate::Message;
        match self {
            Notice::PriceChanged { name, from, to } => Message::new("cart.notices.price_changed")
                .with("name", name)
                .with("from", *from)
                .with("to", *to),
            Notice::QuantityLowered { name, to } => Message::new("cart.notices.quantity_lowered")
                .with("name", name)
                .with("count", *to),
            Notice::SoldOut { name } => Message::new("cart.notices.sold_out").with("name", name),
            Notice::Unavailable { name } => {
                Message::new("cart.notices.unavailable").with("name", name)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartView {
    pub id: Option<Uuid>,
    pub lines: Vec<CartLine>,
    pub subtotal: Money,
    pub count: i64,
    pub weight_grams: i64,
    pub notices: Vec<Notice>,
}

impl CartView {
    pub fn empty(currency: Currency) -> CartView {
        CartView {
            id: None,
            lines: Vec::new(),
            subtotal: Money::new(Decimal::ZERO, currency).rounded(),
            count: 0,
            weight_grams: 0,
            notices: Vec::new(),
        }
    }
}

/// A cart proved to be its shopper's: made only by [`find`], [`find_or_create`] and
/// [`of`], which check whose it is. Every cart and checkout function takes one, so a
/// cart id from a form does nothing until the domain has found it is the shopper's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cart {
    id: Uuid,
    owner: Owner,
}

impl Cart {
    pub fn id(self) -> Uuid {
        self.id
    }

    pub fn owner(self) -> Owner {
        self.owner
    }

    /// The signed-in customer whose cart it is.
    pub fn account(self) -> Option<Uuid> {
        match self.owner {
            Owner::Account(id) => Some(id),
            Owner::Guest(_) => None,
        }
    }
}

/// The cart `id` if it is `owner`'s (open or already placed, so a repeated "place
/// order" finds its order); another shopper's cart, or none, is "not found".
pub async fn of(pool: &PgPool, owner: Owner, id: Uuid) -> DomainResult<Cart> {
    let holder = sqlx::query_scalar!("SELECT account_id FROM carts WHERE id = $1", id)
        .fetch_optional(pool)
        .await?;
    let mine = match (owner, holder) {
        (Owner::Account(me), Some(Some(account))) => account == me,
        (Owner::Guest(Some(session_cart)), Some(None)) => session_cart == id,
        _ => false,
    };
    if mine {
        Ok(Cart { id, owner })
    } else {
        Err(DomainError::NotFound(Thing::Cart))
    }
}

/// The open cart of `owner`, if it has one.
pub async fn find(pool: &PgPool, owner: Owner) -> DomainResult<Option<Cart>> {
    let id =
        match owner {
            Owner::Account(account) => {
                sqlx::query_scalar!(
                    "SELECT id FROM carts WHERE account_id = $1 AND order_id IS NULL",
                    account
                )
                .fetch_optional(pool)
                .await?
            }
            Owner::Guest(Some(id)) => sqlx::query_scalar!(
                "SELECT id FROM carts WHERE id = $1 AND account_id IS NULL AND order_id IS NULL",
                id
            )
            .fetch_optional(pool)
            .await?,
            Owner::Guest(None) => None,
        };
    Ok(id.map(|id| Cart { id, owner }))
}

/// The open cart of `owner`, made when there is none.
pub async fn find_or_create(pool: &PgPool, owner: Owner) -> DomainResult<Cart> {
    if let Some(cart) = find(pool, owner).await? {
        return Ok(cart);
    }
    let account = match owner {
        Owner::Account(id) => Some(id),
        Owner::Guest(_) => None,
    };
    // Two first adds at once for one account: the second finds the first's cart.
    let made = sqlx::query_scalar!(
        "INSERT INTO carts (account_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id",
        account
    )
    .fetch_optional(pool)
    .await?;
    match made {
        // A new guest cart is the one the browser's session is to hold from now on.
        Some(id) => Ok(Cart {
            id,
            owner: match owner {
                Owner::Account(_) => owner,
                Owner::Guest(_) => Owner::Guest(Some(id)),
            },
        }),
        None => find(pool, owner)
            .await?
            .ok_or(DomainError::Conflict("cart.errors.try_again".into())),
    }
}

fn check_quantity(quantity: i32) -> DomainResult<()> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(())
    } else {
        Err(DomainError::Validation {
            field: "quantity",
            message: crate::Message::new("cart.errors.quantity").with("max", MAX_QUANTITY),
        })
    }
}

fn stock_error(stock: i32) -> DomainError {
    if stock <= 0 {
        DomainError::Conflict("cart.errors.sold_out".into())
    } else {
        DomainError::Conflict(crate::Message::new("cart.errors.only_left").with("count", stock))
    }
}

/// Locks the cart's row until the transaction ends: two tabs changing one cart at once
/// take turns, so neither change is lost.
async fn lock(conn: &mut sqlx::PgConnection, cart: Uuid) -> DomainResult<()> {
    sqlx::query_scalar!("SELECT id FROM carts WHERE id = $1 FOR UPDATE", cart)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound(Thing::Cart))?;
    Ok(())
}

/// Adds `quantity` of a variant (to what the cart already has of it).
pub async fn add(
    pool: &PgPool,
    cart: Cart,
    variant: Uuid,
    quantity: i32,
    currency: Currency,
) -> DomainResult<()> {
    check_quantity(quantity)?;
    change_line(pool, cart.id, variant, currency, |had| Ok(had + quantity)).await
}

/// Sets the quantity of a line already in the cart (0 removes it).
pub async fn set_quantity(
    pool: &PgPool,
    cart: Cart,
    variant: Uuid,
    quantity: i32,
    currency: Currency,
) -> DomainResult<()> {
    if quantity == 0 {
        return remove(pool, cart, variant).await;
    }
    check_quantity(quantity)?;
    change_line(pool, cart.id, variant, currency, |had| match had {
        0 => Err(DomainError::NotFound(Thing::CartLine)),
        _ => Ok(quantity),
    })
    .await
}

/// Sets a line to `wanted(what it had)`, with the cart locked, if the variant is on sale
/// and has that many in stock; remembers the price the shopper saw.
async fn change_line(
    pool: &PgPool,
    cart: Uuid,
    variant: Uuid,
    currency: Currency,
    wanted: impl FnOnce(i32) -> DomainResult<i32>,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, cart).await?;
    let wanted = wanted(repo::quantity_of(&mut *tx, cart, variant).await?)?;
    let offer = repo::offer(&mut *tx, variant, currency.code())
        .await?
        .ok_or(DomainError::NotFound(Thing::Product))?;
    if wanted > offer.stock {
        return Err(stock_error(offer.stock));
    }
    check_quantity(wanted)?;
    repo::put(
        &mut *tx,
        cart,
        variant,
        wanted,
        offer.price,
        currency.code(),
    )
    .await?;
    repo::touch(&mut *tx, cart).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(pool: &PgPool, cart: Cart, variant: Uuid) -> DomainResult<()> {
    let cart = cart.id;
    if !repo::remove(pool, cart, variant).await? {
        return Err(DomainError::NotFound(Thing::CartLine));
    }
    repo::touch(pool, cart).await?;
    Ok(())
}

/// What a line of the cart should become now.
enum Change {
    Remove(Uuid),
    Put {
        variant: Uuid,
        quantity: i32,
        price: Decimal,
    },
}

/// The cart as the shopper should see it now, worked out from its lines and what the
/// catalog says: lines that can no longer be bought left out, quantities past the stock
/// lowered, new prices used. Writes nothing; says what would change and why.
fn assess(rows: Vec<repo::LineRow>, cart: Uuid, currency: Currency) -> (CartView, Vec<Change>) {
    let mut view = CartView::empty(currency);
    view.id = Some(cart);
    let mut changes = Vec::new();
    for row in rows {
        let name = if row.options.is_empty() {
            row.name.clone()
        } else {
            format!("{} ({})", row.name, row.options)
        };
        if !row.active {
            changes.push(Change::Remove(row.variant_id));
            view.notices.push(Notice::Unavailable { name });
            continue;
        }
        if row.stock <= 0 {
            changes.push(Change::Remove(row.variant_id));
            view.notices.push(Notice::SoldOut { name });
            continue;
        }
        let price = Money::new(row.price, currency).rounded();
        let mut quantity = row.quantity;
        if quantity > row.stock {
            quantity = row.stock;
            view.notices.push(Notice::QuantityLowered {
                name: name.clone(),
                to: quantity,
            });
        }
        let seen_here = row.seen_currency == currency.code();
        if seen_here && row.seen_price != row.price {
            view.notices.push(Notice::PriceChanged {
                name: name.clone(),
                from: Money::new(row.seen_price, currency).rounded(),
                to: price,
            });
        }
        if quantity != row.quantity || !seen_here || row.seen_price != row.price {
            changes.push(Change::Put {
                variant: row.variant_id,
                quantity,
                price: row.price,
            });
        }
        let line_total = Money::new(price.amount * Decimal::from(quantity), currency).rounded();
        view.subtotal.amount += line_total.amount;
        view.count += i64::from(quantity);
        view.weight_grams += i64::from(row.weight_grams) * i64::from(quantity);
        view.lines.push(CartLine {
            variant_id: row.variant_id,
            sku: row.sku,
            name: row.name,
            slug: row.slug,
            options: row.options,
            // A thumbnail: the smallest width, not the full-size picture.
            image: crate::media::Sizes::of(row.image_key, row.image_widths.unwrap_or_default())
                .map(|sizes| sizes.smallest())
                .or(row.image),
            quantity,
            stock: row.stock,
            weight_grams: row.weight_grams,
            unit_price: price,
            line_total,
        });
    }
    (view, changes)
}

/// The cart as it would be shown now, without changing it and without its notices (the
/// header's mini-cart, on every page: a read must never use up what the cart page is
/// to tell).
pub async fn read(pool: &PgPool, cart: Cart, audience: Audience<'_>) -> DomainResult<CartView> {
    let cart = cart.id;
    let rows = repo::lines(pool, audience, cart).await?;
    let (mut view, _) = assess(rows, cart, audience.currency);
    view.notices.clear();
    Ok(view)
}

/// Brings the cart up to date, as a write with the cart locked: lines that can no
/// longer be bought are taken out, quantities past the stock lowered, and new prices
/// remembered. What changed is added to the cart's pending notices (see
/// [`take_notices`]); the view returned carries the notices found by this review only.
pub async fn review(pool: &PgPool, cart: Cart, audience: Audience<'_>) -> DomainResult<CartView> {
    let cart = cart.id;
    let currency = audience.currency;
    // Most views find nothing to change: read without the lock, so the requests of one
    // shopper (tabs, a page's parallel loads) do not queue on the cart's row. Only when
    // something changed is the cart locked and read again, and the change made on what
    // is there then.
    let rows = repo::lines(pool, audience, cart).await?;
    let (view, changes) = assess(rows, cart, currency);
    if changes.is_empty() && view.notices.is_empty() {
        return Ok(view);
    }
    let mut tx = pool.begin().await?;
    lock(&mut tx, cart).await?;
    let rows = repo::lines(&mut *tx, audience, cart).await?;
    let (view, changes) = assess(rows, cart, currency);
    for change in changes {
        match change {
            Change::Remove(variant) => {
                repo::remove(&mut *tx, cart, variant).await?;
            }
            Change::Put {
                variant,
                quantity,
                price,
            } => {
                repo::put(&mut *tx, cart, variant, quantity, price, currency.code()).await?;
            }
        }
    }
    if !view.notices.is_empty() {
        let notices =
            serde_json::to_value(&view.notices).map_err(|e| DomainError::Internal(Box::new(e)))?;
        repo::add_notices(&mut *tx, cart, notices).await?;
    }
    tx.commit().await?;
    Ok(view)
}

/// The cart's pending notices, removed as they are returned: for the page that shows
/// them (so each is shown once). Notices this code no longer understands are dropped.
pub async fn take_notices(pool: &PgPool, cart: Cart) -> DomainResult<Vec<Notice>> {
    let taken = repo::take_notices(pool, cart.id).await?;
    Ok(taken
        .and_then(|value| serde_json::from_value::<Vec<Notice>>(value).ok())
        .unwrap_or_default())
}

/// [`review`], then the notices waiting to be shown (this review's and any earlier
/// one's): what the cart page and checkout show.
pub async fn review_for_display(
    pool: &PgPool,
    cart: Cart,
    audience: Audience<'_>,
) -> DomainResult<CartView> {
    let mut view = review(pool, cart, audience).await?;
    view.notices = take_notices(pool, cart).await?;
    Ok(view)
}

/// At sign-in: the guest's cart joins the customer's. Quantities of the same item add
/// up (to the most a cart takes; the stock check happens when the cart is next seen).
/// With no customer cart yet, the guest's simply becomes theirs. `guest` must be a
/// guest's cart (found for the browser's session), `account` the one just signed in.
pub async fn merge(pool: &PgPool, guest: Cart, account: Uuid) -> DomainResult<()> {
    if !matches!(guest.owner, Owner::Guest(_)) {
        return Err(DomainError::NotFound(Thing::Cart));
    }
    let guest = guest.id;
    let mut tx = pool.begin().await?;
    let guest_open = sqlx::query_scalar!(
        "SELECT id FROM carts WHERE id = $1 AND account_id IS NULL AND order_id IS NULL
         FOR UPDATE",
        guest
    )
    .fetch_optional(&mut *tx)
    .await?;
    if guest_open.is_none() {
        return Ok(());
    }
    let mine = sqlx::query_scalar!(
        "SELECT id FROM carts WHERE account_id = $1 AND order_id IS NULL FOR UPDATE",
        account
    )
    .fetch_optional(&mut *tx)
    .await?;
    match mine {
        None => {
            sqlx::query!(
                "UPDATE carts SET account_id = $2, updated_at = now() WHERE id = $1",
                guest,
                account
            )
            .execute(&mut *tx)
            .await?;
        }
        Some(mine) => {
            // What the guest was still to be told is told in the customer's cart.
            sqlx::query!(
                "UPDATE carts SET notices = carts.notices || g.notices
                 FROM carts g WHERE carts.id = $1 AND g.id = $2",
                mine,
                guest
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "INSERT INTO cart_items (cart_id, variant_id, quantity, seen_price, seen_currency, added_at)
                 SELECT $2, variant_id, quantity, seen_price, seen_currency, added_at
                 FROM cart_items WHERE cart_id = $1
                 ON CONFLICT (cart_id, variant_id) DO UPDATE
                 SET quantity = least(cart_items.quantity + EXCLUDED.quantity, $3)",
                guest,
                mine,
                MAX_QUANTITY
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!("DELETE FROM carts WHERE id = $1", guest)
                .execute(&mut *tx)
                .await?;
            sqlx::query!("UPDATE carts SET updated_at = now() WHERE id = $1", mine)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Forgets guest carts untouched for `days` (the session that knew them is long gone).
pub async fn sweep_abandoned(pool: &PgPool, days: i32) -> DomainResult<u64> {
    let done = sqlx::query!(
        "DELETE FROM carts WHERE account_id IS NULL AND order_id IS NULL
         AND updated_at < now() - make_interval(days => $1)",
        days
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Forgets guest carts untouched for 30 days, once an hour.
pub fn abandoned_carts_job() -> crate::jobs::Job {
    crate::jobs::Job::new(
        "cart.sweep_abandoned",
        std::time::Duration::from_secs(3600),
        |pool| async move { sweep_abandoned(&pool, 30).await },
    )
}
