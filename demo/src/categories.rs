//! The demo category tree: three departments with subcategories, in four languages.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;

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

/// Inserts the demo category tree; returns each category's id by its English slug.
pub async fn insert(tx: &mut PgConnection) -> sqlx::Result<HashMap<&'static str, Uuid>> {
    let mut ids = HashMap::new();
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
    Ok(ids)
}

/// The ids of existing categories by English slug (for seeding products into a shop whose
/// categories were seeded by an earlier version).
pub async fn existing(tx: &mut PgConnection) -> sqlx::Result<HashMap<String, Uuid>> {
    let rows =
        sqlx::query!("SELECT category_id, slug FROM category_translations WHERE locale = 'en'")
            .fetch_all(&mut *tx)
            .await?;
    Ok(rows.into_iter().map(|r| (r.slug, r.category_id)).collect())
}

pub fn count() -> usize {
    CATEGORIES.len()
}
