//! The catalog: categories, products and their variants, listings and search.

pub mod admin;
pub mod attributes;
pub mod categories;
pub mod images;
pub mod inventory;
pub mod listing;
pub mod naming;
pub mod product;
mod product_repo;
mod repo;
pub mod search;
pub mod slug;
pub mod transfer;

use sqlx::PgPool;
use uuid::Uuid;

use crate::DomainResult;

/// A category as a shopper sees it, in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub slug: String,
}

/// A top-level category with its subcategories, in the owner's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryBranch {
    pub category: Category,
    pub children: Vec<Category>,
}

/// The category tree in `locale`, falling back to the shop's default language for
/// categories not yet translated.
pub async fn category_tree(
    pool: &PgPool,
    locale: &str,
    default_locale: &str,
) -> DomainResult<Vec<CategoryBranch>> {
    let rows = repo::categories(pool, locale, default_locale).await?;
    Ok(build_tree(rows))
}

/// Rebuilds the vocabulary that search corrects typos against. Run it after products are
/// added or renamed; CONCURRENTLY keeps searches running meanwhile.
pub async fn refresh_search_words(pool: &PgPool) -> DomainResult<()> {
    repo::refresh_search_words(pool).await?;
    Ok(())
}

/// What a slug in a storefront address names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlugKind {
    Category,
    Product,
}

/// The same category or product's slug in another language (for the language switcher).
pub async fn translate_slug(
    pool: &PgPool,
    kind: SlugKind,
    slug: &str,
    to_locale: &str,
) -> DomainResult<Option<String>> {
    Ok(repo::translate_slug(pool, kind, slug, to_locale).await?)
}

/// (locale, slug) of every translation of the category that has `slug` in any language:
/// the category page's addresses in each language.
pub async fn category_slugs(pool: &PgPool, slug: &str) -> DomainResult<Vec<(String, String)>> {
    Ok(repo::category_slugs(pool, slug).await?)
}

/// (kind, locale, slug) for every category and active product: the sitemap's entries.
/// Kind is `c` for categories and `p` for products, as in storefront addresses.
pub async fn sitemap_entries(pool: &PgPool) -> DomainResult<Vec<(String, String, String)>> {
    Ok(repo::sitemap_slugs(pool).await?)
}

/// Rows arrive sorted by position; top-level ones keep that order and each child goes
/// under its parent in that order too.
fn build_tree(rows: Vec<Category>) -> Vec<CategoryBranch> {
    let (roots, children): (Vec<_>, Vec<_>) = rows.into_iter().partition(|c| c.parent_id.is_none());
    let mut branches: Vec<CategoryBranch> = roots
        .into_iter()
        .map(|category| CategoryBranch {
            category,
            children: Vec::new(),
        })
        .collect();
    for child in children {
        if let Some(branch) = branches
            .iter_mut()
            .find(|b| Some(b.category.id) == child.parent_id)
        {
            branch.children.push(child);
        }
    }
    branches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: u128, parent: Option<u128>, name: &str) -> Category {
        Category {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: name.into(),
            slug: name.to_lowercase(),
        }
    }

    #[test]
    fn children_go_under_their_parent_in_order() {
        let rows = vec![
            category(1, None, "Clothing"),
            category(2, None, "Shoes"),
            category(3, Some(2), "Sneakers"),
            category(4, Some(1), "Shirts"),
            category(5, Some(1), "Trousers"),
        ];
        let tree = build_tree(rows);
        let names: Vec<(&str, Vec<&str>)> = tree
            .iter()
            .map(|b| {
                let children = b.children.iter().map(|c| c.name.as_str()).collect();
                (b.category.name.as_str(), children)
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("Clothing", vec!["Shirts", "Trousers"]),
                ("Shoes", vec!["Sneakers"])
            ]
        );
    }
}
