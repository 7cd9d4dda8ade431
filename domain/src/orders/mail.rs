//! The shopper's order e-mails, in the language they ordered in: the confirmation when
//! the order is placed, and a message at each status change they care about.

use rust_decimal::Decimal;
use rust_i18n::t;
use sqlx::PgConnection;
use uuid::Uuid;

use super::OrderStatus;
use crate::DomainResult;
use crate::mail::templates::build;
use crate::mail::{Links, enqueue};
use crate::money::{Money, format};

struct Facts {
    number: i64,
    email: String,
    locale: String,
    account: bool,
    total: Money,
    refunded: Money,
    link: String,
}

async fn facts(conn: &mut PgConnection, order: Uuid, links: &Links) -> DomainResult<Facts> {
    let o = sqlx::query!(
        r#"SELECT number, email, locale, account_id IS NOT NULL AS "account!",
                  currency AS "currency!: String", total, refunded
           FROM orders WHERE id = $1"#,
        order
    )
    .fetch_one(&mut *conn)
    .await?;
    let key = sqlx::query_scalar!("SELECT key FROM signing_keys WHERE name = 'order_links'")
        .fetch_optional(&mut *conn)
        .await?;
    // A customer opens the order signed in; a guest needs the signed link.
    let secret = match (o.account, key) {
        (false, Some(key)) => Some(super::link_key(&key, order)),
        _ => None,
    };
    let currency = crate::money::currencies::by_code(&mut *conn, &o.currency).await?;
    let money = |a: Decimal| Money::new(a, currency);
    Ok(Facts {
        number: o.number,
        link: links.page(&o.locale, &super::page_path(order, secret.as_deref())),
        email: o.email,
        locale: o.locale,
        account: o.account,
        total: money(o.total),
        refunded: money(o.refunded),
    })
}

/// The confirmation: what was ordered, the total and how to pay if still to pay.
pub async fn placed(
    conn: &mut PgConnection,
    order: Uuid,
    lines: &[(String, i32)],
    instructions: Option<String>,
    links: &Links,
) -> DomainResult<()> {
    let f = facts(conn, order, links).await?;
    let l = f.locale.as_str();
    let shop = &links.shop_name;
    let number = f.number.to_string();
    let mut paragraphs = vec![
        t!(
            "mail.order.placed_body",
            locale = l,
            shop = shop,
            number = number
        )
        .to_string(),
    ];
    paragraphs.extend(
        lines
            .iter()
            .map(|(name, quantity)| format!("{quantity} × {name}")),
    );
    paragraphs.push(t!("mail.order.total", locale = l, total = format(f.total, l)).to_string());
    paragraphs.extend(instructions);
    let email = build(
        l,
        &f.email,
        t!(
            "mail.order.placed_subject",
            locale = l,
            shop = shop,
            number = number
        )
        .into(),
        &paragraphs,
        Some((t!("mail.order.view", locale = l).into(), f.link)),
        footer(l, f.account),
    );
    enqueue(&mut *conn, &email).await?;
    Ok(())
}

fn footer(locale: &str, account: bool) -> String {
    if account {
        t!("mail.order.footer_account", locale = locale).into()
    } else {
        t!("mail.order.footer_guest", locale = locale).into()
    }
}

/// A message for the statuses a shopper hears about; nothing for the others.
pub async fn status_changed(
    conn: &mut PgConnection,
    order: Uuid,
    to: OrderStatus,
    links: &Links,
) -> DomainResult<()> {
    let key = match to {
        OrderStatus::Paid => "paid",
        OrderStatus::Shipped => "shipped",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::PartiallyRefunded | OrderStatus::Refunded => "refunded",
        OrderStatus::PendingPayment | OrderStatus::Fulfilling => return Ok(()),
    };
    let f = facts(conn, order, links).await?;
    let l = f.locale.as_str();
    let shop = &links.shop_name;
    let number = f.number.to_string();
    let body = t!(
        &format!("mail.order.{key}_body"),
        locale = l,
        number = number,
        total = format(f.total, l),
        refunded = format(f.refunded, l)
    );
    let email = build(
        l,
        &f.email,
        t!(
            &format!("mail.order.{key}_subject"),
            locale = l,
            shop = shop,
            number = number
        )
        .into(),
        &[body.into()],
        Some((t!("mail.order.view", locale = l).into(), f.link)),
        footer(l, f.account),
    );
    enqueue(&mut *conn, &email).await?;
    Ok(())
}
