use sqlx::PgExecutor;

use super::Category;

/// All categories, named in `locale` where a translation exists and in the default
/// language otherwise; parents before children, each level in the owner's order.
pub async fn categories(
    db: impl PgExecutor<'_>,
    locale: &str,
    default_locale: &str,
) -> sqlx::Result<Vec<Category>> {
    sqlx::query_as!(
        Category,
        r#"SELECT c.id, c.parent_id,
                  COALESCE(t.name, d.name) AS "name!",
                  COALESCE(t.slug, d.slug) AS "slug!"
           FROM categories c
           LEFT JOIN category_translations t ON t.category_id = c.id AND t.locale = $1
           LEFT JOIN category_translations d ON d.category_id = c.id AND d.locale = $2
           WHERE t.name IS NOT NULL OR d.name IS NOT NULL
           ORDER BY c.parent_id NULLS FIRST, c.position, 3"#,
        locale,
        default_locale
    )
    .fetch_all(db)
    .await
}
