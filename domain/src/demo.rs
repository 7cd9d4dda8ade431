//! The demo shop created on first start, so a new install has something to show.
//!
//! Seeding runs once: it does nothing when the catalog already has categories, and it
//! takes an advisory lock so replicas starting together seed once between them.

use sqlx::PgPool;

use crate::DomainResult;

/// Arbitrary constant naming the "seeding the demo shop" advisory lock.
const SEED_LOCK: i64 = 0x5649_5452_494e_4501;

struct DemoCategory {
    parent: Option<&'static str>,
    /// (locale, name, slug); English first, it is the default language.
    names: [(&'static str, &'static str, &'static str); 4],
}

const fn names(
    en: (&'static str, &'static str),
    pt: (&'static str, &'static str),
    es: (&'static str, &'static str),
    zh: (&'static str, &'static str),
) -> [(&'static str, &'static str, &'static str); 4] {
    [
        ("en", en.0, en.1),
        ("pt-BR", pt.0, pt.1),
        ("es", es.0, es.1),
        ("zh-CN", zh.0, zh.1),
    ]
}

const CATEGORIES: &[DemoCategory] = &[
    DemoCategory {
        parent: None,
        names: names(
            ("Clothing", "clothing"),
            ("Roupas", "roupas"),
            ("Ropa", "ropa"),
            ("服装", "fu-zhuang"),
        ),
    },
    DemoCategory {
        parent: Some("clothing"),
        names: names(
            ("T-shirts", "t-shirts"),
            ("Camisetas", "camisetas"),
            ("Camisetas", "camisetas"),
            ("T恤", "t-xu"),
        ),
    },
    DemoCategory {
        parent: Some("clothing"),
        names: names(
            ("Jackets", "jackets"),
            ("Jaquetas", "jaquetas"),
            ("Chaquetas", "chaquetas"),
            ("夹克", "jia-ke"),
        ),
    },
    DemoCategory {
        parent: None,
        names: names(
            ("Shoes", "shoes"),
            ("Calçados", "calcados"),
            ("Calzado", "calzado"),
            ("鞋履", "xie-lv"),
        ),
    },
    DemoCategory {
        parent: Some("shoes"),
        names: names(
            ("Sneakers", "sneakers"),
            ("Tênis", "tenis"),
            ("Zapatillas", "zapatillas"),
            ("运动鞋", "yun-dong-xie"),
        ),
    },
    DemoCategory {
        parent: Some("shoes"),
        names: names(
            ("Boots", "boots"),
            ("Botas", "botas"),
            ("Botas", "botas"),
            ("靴子", "xue-zi"),
        ),
    },
    DemoCategory {
        parent: None,
        names: names(
            ("Home", "home"),
            ("Casa", "casa"),
            ("Hogar", "hogar"),
            ("家居", "jia-ju"),
        ),
    },
    DemoCategory {
        parent: Some("home"),
        names: names(
            ("Mugs", "mugs"),
            ("Canecas", "canecas"),
            ("Tazas", "tazas"),
            ("马克杯", "ma-ke-bei"),
        ),
    },
];

/// What seeding did, for the start-up log.
#[derive(Debug, PartialEq, Eq)]
pub enum Seeded {
    Created { categories: usize },
    AlreadyPresent,
}

pub async fn seed(pool: &PgPool) -> DomainResult<Seeded> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", SEED_LOCK)
        .execute(&mut *tx)
        .await?;
    let existing = sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM categories"#)
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Ok(Seeded::AlreadyPresent);
    }
    sqlx::query!("UPDATE shop_settings SET name = 'Vitrine Demo Shop', updated_at = now()")
        .execute(&mut *tx)
        .await?;
    let mut ids = std::collections::HashMap::new();
    for (position, category) in CATEGORIES.iter().enumerate() {
        let parent_id = category.parent.map(|slug| ids[slug]);
        let id = sqlx::query_scalar!(
            "INSERT INTO categories (parent_id, position) VALUES ($1, $2) RETURNING id",
            parent_id.as_ref(),
            position as i32
        )
        .fetch_one(&mut *tx)
        .await?;
        for (locale, name, slug) in category.names {
            sqlx::query!(
                "INSERT INTO category_translations (category_id, locale, name, slug)
                 VALUES ($1, $2, $3, $4)",
                id,
                locale,
                name,
                slug
            )
            .execute(&mut *tx)
            .await?;
        }
        ids.insert(category.names[0].2, id);
    }
    tx.commit().await?;
    Ok(Seeded::Created {
        categories: CATEGORIES.len(),
    })
}
