use sqlx::PgExecutor;
use uuid::Uuid;

use super::Category;
use super::listing::{Audience, CardRow, Criteria, Facet, FacetValue, ProductCard, Sort};

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

pub async fn refresh_search_words(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query!("REFRESH MATERIALIZED VIEW CONCURRENTLY search_words")
        .execute(db)
        .await?;
    Ok(())
}

/// A word of a search, as the search index sees it (see `search_normalize`).
pub struct CheckedWord {
    pub word: String,
    /// The catalog uses this word as it is.
    pub known: bool,
    /// The catalog word closest to it and the edit distance: candidates share enough
    /// trigrams, and the fewest edits wins.
    pub closest: Option<(String, i32)>,
}

/// The first `max_words` words of `query`, each checked against the catalog's
/// vocabulary in `locale`: one round trip for the whole query.
pub async fn check_words(
    db: impl PgExecutor<'_>,
    locale: &str,
    query: &str,
    max_words: i64,
) -> sqlx::Result<Vec<CheckedWord>> {
    let rows = sqlx::query!(
        r#"WITH words AS (
               SELECT w AS word, n
               FROM regexp_split_to_table(search_normalize($2), '[[:space:][:punct:]]+')
                    WITH ORDINALITY AS t(w, n)
               WHERE w <> ''
               ORDER BY n
               LIMIT $3)
           SELECT words.word AS "word!",
                  EXISTS (SELECT 1 FROM search_words s
                          WHERE s.locale = $1 AND s.word = words.word) AS "known!",
                  best.word AS "closest?", best.distance AS "distance?"
           FROM words
           LEFT JOIN LATERAL (
               SELECT s.word, levenshtein(s.word, words.word) AS distance
               FROM search_words s
               WHERE s.locale = $1 AND length(words.word) >= 3
                 AND similarity(s.word, words.word) > 0.2
               ORDER BY levenshtein(s.word, words.word), similarity(s.word, words.word) DESC, s.word
               LIMIT 1) AS best ON true
           ORDER BY words.n"#,
        locale,
        query,
        max_words
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CheckedWord {
            word: r.word,
            known: r.known,
            closest: r.closest.zip(r.distance),
        })
        .collect())
}

/// The category with this slug (in `locale`, or the default language) and its
/// subcategories; `None` if no category has that slug.
pub async fn category_and_children(
    db: impl PgExecutor<'_>,
    locale: &str,
    default_locale: &str,
    slug: &str,
) -> sqlx::Result<Option<Vec<Uuid>>> {
    let ids = sqlx::query_scalar!(
        r#"WITH found AS (
               SELECT category_id FROM category_translations
               WHERE slug = $3 AND locale IN ($1, $2)
               ORDER BY locale = $1 DESC LIMIT 1)
           SELECT c.id AS "id!" FROM categories c, found
           WHERE c.id = found.category_id OR c.parent_id = found.category_id"#,
        locale,
        default_locale,
        slug
    )
    .fetch_all(db)
    .await?;
    Ok((!ids.is_empty()).then_some(ids))
}

pub async fn listing_count(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    c: &Criteria,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!"
           FROM catalog_listing($1, $2, $3, $4::uuid[],
                CASE WHEN $5::text[] IS NULL THEN NULL ELSE search_tsquery($1, $5::text[]) END,
                $6, $7, $8, $9, $10::text[], $11::text[], NULL)"#,
        audience.locale,
        audience.default_locale,
        audience.currency.code(),
        c.categories.as_deref(),
        c.terms.as_deref(),
        c.substring.as_deref(),
        c.min_price,
        c.max_price,
        c.in_stock_only,
        &c.attributes,
        &c.values
    )
    .fetch_one(db)
    .await
}

pub async fn listing_page(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    c: &Criteria,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<ProductCard>, i64)> {
    // The total comes with the page (one pass over the listing, not two); it is only
    // missing when the page is past the end, which the caller counts separately.
    // Names and pictures are fetched for the page's rows only; a name is looked up for
    // every row only when sorting by name.
    let rows = sqlx::query!(
        r#"SELECT page.product_id AS "id!", page.price AS "price!", page.in_stock AS "in_stock!",
                  COALESCE(t.name, d.name) AS "name!", COALESCE(t.slug, d.slug) AS "slug!",
                  cover.url AS "image_url?", cover.storage_key AS "image_key?",
                  cover.widths AS "image_widths?", cover.alt AS "image_alt?",
                  page.total AS "total!"
           FROM (SELECT l.*, p.featured, count(*) OVER () AS total
                 FROM catalog_listing($1, $2, $3, $4::uuid[],
                      CASE WHEN $5::text[] IS NULL THEN NULL ELSE search_tsquery($1, $5::text[]) END,
                      $6, $7, $8, $9, $10::text[], $11::text[], NULL) AS l
                 JOIN products p ON p.id = l.product_id
                 ORDER BY
                     CASE WHEN $12 = 'price-asc' THEN l.price END ASC,
                     CASE WHEN $12 = 'price-desc' THEN l.price END DESC,
                     CASE WHEN $12 = 'name' THEN
                         (SELECT COALESCE(t.name, d.name)
                          FROM products n
                          LEFT JOIN product_translations t ON t.product_id = n.id AND t.locale = $1
                          LEFT JOIN product_translations d ON d.product_id = n.id AND d.locale = $2
                          WHERE n.id = l.product_id) END ASC,
                     CASE WHEN $12 = 'newest' THEN l.created_at END DESC,
                     l.rank DESC, p.featured DESC, l.created_at DESC, l.product_id
                 LIMIT $13 OFFSET $14) AS page
           LEFT JOIN product_translations t ON t.product_id = page.product_id AND t.locale = $1
           LEFT JOIN product_translations d ON d.product_id = page.product_id AND d.locale = $2
           LEFT JOIN LATERAL product_cover(page.product_id, $1, $2) cover ON true
           ORDER BY
               CASE WHEN $12 = 'price-asc' THEN page.price END ASC,
               CASE WHEN $12 = 'price-desc' THEN page.price END DESC,
               CASE WHEN $12 = 'name' THEN COALESCE(t.name, d.name) END ASC,
               CASE WHEN $12 = 'newest' THEN page.created_at END DESC,
               page.rank DESC, page.featured DESC, page.created_at DESC, page.product_id"#,
        audience.locale,
        audience.default_locale,
        audience.currency.code(),
        c.categories.as_deref(),
        c.terms.as_deref(),
        c.substring.as_deref(),
        c.min_price,
        c.max_price,
        c.in_stock_only,
        &c.attributes,
        &c.values,
        sort.param(),
        limit,
        offset
    )
    .fetch_all(db)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let cards = rows
        .into_iter()
        .map(|r| {
            CardRow {
                id: r.id,
                name: r.name,
                slug: r.slug,
                price: r.price,
                in_stock: r.in_stock,
                image_url: r.image_url,
                image_key: r.image_key,
                image_widths: r.image_widths,
                image_alt: r.image_alt,
            }
            .into_card(audience.currency)
        })
        .collect();
    Ok((cards, total))
}

/// Each attribute's values with how many products each would show, counting every
/// filter except the attribute's own (so choosing "wool" still shows how many are
/// leather).
pub async fn facets(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    c: &Criteria,
) -> sqlx::Result<Vec<Facet>> {
    let rows = sqlx::query!(
        r#"WITH pass AS (
               -- One pass over the listing for all attributes without a filter, and one
               -- per filtered attribute (which must ignore its own filter).
               SELECT DISTINCT CASE WHEN code = ANY ($10::text[]) THEN code END AS ignoring
               FROM attributes),
           counts AS (
               -- Counted per value id first; names are joined to the few rows left.
               SELECT pass.ignoring, pav.attribute_value_id, count(*) AS n
               FROM pass
               CROSS JOIN LATERAL catalog_listing($1, $2, $3, $4::uuid[],
                    CASE WHEN $5::text[] IS NULL THEN NULL ELSE search_tsquery($1, $5::text[]) END,
                    $6, $7, $8, $9, $10::text[], $11::text[], pass.ignoring) AS l
               JOIN product_attribute_values pav ON pav.product_id = l.product_id
               GROUP BY pass.ignoring, pav.attribute_value_id)
           SELECT a.code AS "attribute!", COALESCE(at.name, ad.name, a.code) AS "attribute_name!",
                  av.code AS "value!", COALESCE(vt.name, vd.name, av.code) AS "value_name!",
                  counts.n AS "count!"
           FROM counts
           JOIN attribute_values av ON av.id = counts.attribute_value_id
           JOIN attributes a ON a.id = av.attribute_id
                AND CASE WHEN counts.ignoring IS NULL THEN a.code <> ALL ($10::text[])
                         ELSE a.code = counts.ignoring END
           LEFT JOIN attribute_translations at ON at.attribute_id = a.id AND at.locale = $1
           LEFT JOIN attribute_translations ad ON ad.attribute_id = a.id AND ad.locale = $2
           LEFT JOIN attribute_value_translations vt
                  ON vt.attribute_value_id = av.id AND vt.locale = $1
           LEFT JOIN attribute_value_translations vd
                  ON vd.attribute_value_id = av.id AND vd.locale = $2
           ORDER BY a.position, av.position"#,
        audience.locale,
        audience.default_locale,
        audience.currency.code(),
        c.categories.as_deref(),
        c.terms.as_deref(),
        c.substring.as_deref(),
        c.min_price,
        c.max_price,
        c.in_stock_only,
        &c.attributes,
        &c.values
    )
    .fetch_all(db)
    .await?;
    let mut facets: Vec<Facet> = Vec::new();
    for row in rows {
        if facets.last().is_none_or(|f| f.code != row.attribute) {
            facets.push(Facet {
                code: row.attribute.clone(),
                name: row.attribute_name.clone(),
                values: Vec::new(),
            });
        }
        if let Some(facet) = facets.last_mut() {
            facet.values.push(FacetValue {
                code: row.value,
                name: row.value_name,
                count: row.count,
                selected: false,
            });
        }
    }
    Ok(facets)
}

/// The slug in `to` of the category or product that has `slug` in any language.
pub async fn translate_slug(
    db: impl PgExecutor<'_>,
    kind: super::SlugKind,
    slug: &str,
    to: &str,
) -> sqlx::Result<Option<String>> {
    match kind {
        super::SlugKind::Category => {
            sqlx::query_scalar!(
                "SELECT target.slug FROM category_translations source
                 JOIN category_translations target ON target.category_id = source.category_id
                 WHERE source.slug = $1 AND target.locale = $2 LIMIT 1",
                slug,
                to
            )
            .fetch_optional(db)
            .await
        }
        super::SlugKind::Product => {
            sqlx::query_scalar!(
                "SELECT target.slug FROM product_translations source
                 JOIN product_translations target ON target.product_id = source.product_id
                 WHERE source.slug = $1 AND target.locale = $2 LIMIT 1",
                slug,
                to
            )
            .fetch_optional(db)
            .await
        }
    }
}

/// Every active product's slug per language, and every category's, for the sitemap.
pub async fn sitemap_slugs(
    db: impl PgExecutor<'_> + Copy,
) -> sqlx::Result<Vec<(String, String, String)>> {
    let rows = sqlx::query!(
        r#"SELECT 'c' AS "kind!", locale AS "locale!", slug AS "slug!" FROM category_translations
           UNION ALL
           SELECT 'p', t.locale, t.slug FROM product_translations t
           JOIN products p ON p.id = t.product_id AND p.status = 'active'
           ORDER BY 1, 2, 3"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.kind, r.locale, r.slug))
        .collect())
}

/// Products in stock, newest first, from the offers' indexes: featured ones only, or
/// one category's, or all; never `except`.
pub async fn showcase(
    db: impl PgExecutor<'_>,
    audience: Audience<'_>,
    featured_only: bool,
    category: Option<Uuid>,
    except: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<ProductCard>> {
    let rows = sqlx::query_as!(
        CardRow,
        r#"WITH chosen AS (
               SELECT o.product_id AS id, o.price, o.created_at FROM product_offers o
               WHERE o.currency = $3::char(3) AND o.in_stock AND (NOT $4 OR o.featured)
                 AND ($6::uuid IS NULL OR o.category_id = $6)
                 AND ($7::uuid IS NULL OR o.product_id <> $7)
               ORDER BY o.created_at DESC
               LIMIT $5)
           SELECT c.id AS "id!", COALESCE(t.name, d.name) AS "name!", COALESCE(t.slug, d.slug) AS "slug!",
                  c.price AS "price!", true AS "in_stock!",
                  cover.url AS "image_url?", cover.storage_key AS "image_key?",
                  cover.widths AS "image_widths?", cover.alt AS "image_alt?"
           FROM chosen c
           LEFT JOIN product_translations t ON t.product_id = c.id AND t.locale = $1
           LEFT JOIN product_translations d ON d.product_id = c.id AND d.locale = $2
           LEFT JOIN LATERAL product_cover(c.id, $1, $2) cover ON true
           ORDER BY c.created_at DESC, c.id"#,
        audience.locale,
        audience.default_locale,
        audience.currency.code(),
        featured_only,
        limit,
        category,
        except
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| row.into_card(audience.currency))
        .collect())
}

pub async fn category_slugs(
    db: impl PgExecutor<'_>,
    slug: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "SELECT DISTINCT target.locale, target.slug FROM category_translations source
         JOIN category_translations target ON target.category_id = source.category_id
         WHERE source.slug = $1 ORDER BY target.locale",
        slug
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.locale, r.slug)).collect())
}
