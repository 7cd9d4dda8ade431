-- The back office's products (issue 13): products may be archived, and the admin list
-- can search, filter and sort 100,000 products without reading every variant.

-- Archived: kept for the record (orders name it) but shown nowhere, like a draft. Every
-- storefront query tests `status = 'active'` (product_offers, the cart, the sitemap), so
-- nothing else changes.
ALTER TABLE products DROP CONSTRAINT products_status_check;
ALTER TABLE products
    ADD CONSTRAINT products_status_check CHECK (status IN ('draft', 'active', 'archived'));

-- What the admin list shows and sorts by about a product's variants: how many, their
-- stock in total, their cheapest and dearest base price. One row per product (zeros and
-- no price while it has no variants), kept by statement-level triggers in the same
-- transaction as every change to products and variants, so sorting by stock or price
-- walks an index instead of summing every variant of the shop.
CREATE TABLE product_summaries (
    product_id uuid          PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    variants   integer       NOT NULL DEFAULT 0,
    stock      bigint        NOT NULL DEFAULT 0,
    min_price  numeric(19,4),
    max_price  numeric(19,4)
);

CREATE INDEX product_summaries_stock ON product_summaries (stock, product_id);
CREATE INDEX product_summaries_price ON product_summaries (min_price, product_id);

-- Rows are only written when they change: a sale that leaves the totals as they were
-- (never, for stock) costs one index lookup.
CREATE FUNCTION refresh_product_summaries(p_products uuid[]) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO product_summaries (product_id, variants, stock, min_price, max_price)
    SELECT p.id, count(v.id)::integer, COALESCE(sum(v.stock), 0)::bigint,
           min(v.price), max(v.price)
    FROM products p
    LEFT JOIN variants v ON v.product_id = p.id
    WHERE p.id = ANY (p_products)
    GROUP BY p.id
    ON CONFLICT (product_id) DO UPDATE
        SET variants = excluded.variants, stock = excluded.stock,
            min_price = excluded.min_price, max_price = excluded.max_price
        WHERE (product_summaries.variants, product_summaries.stock,
               product_summaries.min_price, product_summaries.max_price)
              IS DISTINCT FROM (excluded.variants, excluded.stock,
                                excluded.min_price, excluded.max_price)
$$;

CREATE FUNCTION product_summaries_follow_variants() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_product_summaries(ARRAY(SELECT DISTINCT product_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM refresh_product_summaries(
            ARRAY(SELECT product_id FROM new_rows UNION SELECT product_id FROM old_rows));
    ELSE
        PERFORM refresh_product_summaries(ARRAY(SELECT DISTINCT product_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION product_summaries_follow_products() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_summaries (product_id) SELECT id FROM new_rows
    ON CONFLICT (product_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER product_summaries_on_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_summaries_follow_products();
CREATE TRIGGER product_summaries_on_insert AFTER INSERT ON variants
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_summaries_follow_variants();
CREATE TRIGGER product_summaries_on_update AFTER UPDATE ON variants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_summaries_follow_variants();
CREATE TRIGGER product_summaries_on_delete AFTER DELETE ON variants
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_summaries_follow_variants();

INSERT INTO product_summaries (product_id, variants, stock, min_price, max_price)
SELECT p.id, count(v.id), COALESCE(sum(v.stock), 0), min(v.price), max(v.price)
FROM products p LEFT JOIN variants v ON v.product_id = p.id
GROUP BY p.id;

-- The list's orders: newest first, and by name in the shop's language (the list sorts
-- by the default language's name, which every product has).
CREATE INDEX products_created ON products (created_at DESC, id);
CREATE INDEX product_translations_locale_name ON product_translations (locale, lower(name), product_id);
-- Search by SKU (any part of it).
CREATE INDEX variants_sku_trgm ON variants USING gin (upper(sku) gin_trgm_ops);

ANALYZE product_summaries;
