-- What a listing needs to know about a product in a currency, kept ready so a listing
-- never prices a category's worth of variants while the shopper waits: the cheapest
-- variant's price (see price_in) and whether any variant is in stock. One row per active
-- product with variants per currency. Triggers below keep it true in the same
-- transaction as every change to products, variants, fixed prices and rates.
CREATE TABLE product_offers (
    product_id  uuid          NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    currency    char(3)       NOT NULL REFERENCES currencies (code) ON DELETE CASCADE,
    category_id uuid          NOT NULL,
    price       numeric(19,4) NOT NULL,
    in_stock    boolean       NOT NULL,
    featured    boolean       NOT NULL,
    created_at  timestamptz   NOT NULL,
    PRIMARY KEY (product_id, currency)
);

CREATE INDEX product_offers_category ON product_offers (currency, category_id, price);
CREATE INDEX product_offers_new ON product_offers (currency, created_at DESC) WHERE in_stock;
CREATE INDEX product_offers_category_new ON product_offers (currency, category_id, created_at DESC)
    WHERE in_stock;
CREATE INDEX product_offers_featured ON product_offers (currency, created_at DESC)
    WHERE in_stock AND featured;

-- Caches of storefront pages (see domain::cache) listen on this channel. NOTIFY is
-- delivered at commit and folded per transaction, so a bulk change notifies once.
CREATE FUNCTION notify_catalog_changed() RETURNS void
    LANGUAGE sql AS $$ SELECT pg_notify('catalog_changed', '') $$;

-- Recomputes the offers of the given products (NULL: all) in the given currency (NULL:
-- all). Rows are only written when they change, so a sale that leaves a product in
-- stock neither locks its offers nor empties the page caches.
CREATE FUNCTION refresh_product_offers(p_products uuid[], p_currency text) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    changes bigint;
BEGIN
    -- One statement, one snapshot: the three writes touch different rows.
    WITH fresh AS MATERIALIZED (
        SELECT p.id AS product_id, c.code AS currency, p.category_id,
               min(price_in(v.price, vp.amount, c.rate, c.minor_units)) AS price,
               bool_or(v.stock > 0) AS in_stock, p.featured, p.created_at
        FROM products p
        JOIN variants v ON v.product_id = p.id
        JOIN currencies c ON p_currency IS NULL OR c.code = p_currency
        LEFT JOIN variant_prices vp ON vp.variant_id = v.id AND vp.currency = c.code
        WHERE p.status = 'active' AND (p_products IS NULL OR p.id = ANY (p_products))
          -- Shown in every language, so it needs a name in the shop's own.
          AND EXISTS (SELECT 1 FROM product_translations t
                      JOIN shop_settings s ON s.default_locale = t.locale
                      WHERE t.product_id = p.id)
        GROUP BY p.id, c.code),
    removed AS (
        DELETE FROM product_offers o
        WHERE (p_products IS NULL OR o.product_id = ANY (p_products))
          AND (p_currency IS NULL OR o.currency = p_currency::char(3))
          AND NOT EXISTS (SELECT 1 FROM fresh f
                          WHERE f.product_id = o.product_id AND f.currency = o.currency)
        RETURNING 1),
    changed AS (
        UPDATE product_offers o
        SET category_id = f.category_id, price = f.price, in_stock = f.in_stock,
            featured = f.featured, created_at = f.created_at
        FROM fresh f
        WHERE f.product_id = o.product_id AND f.currency = o.currency
          AND (o.category_id, o.price, o.in_stock, o.featured, o.created_at)
              IS DISTINCT FROM (f.category_id, f.price, f.in_stock, f.featured, f.created_at)
        RETURNING 1),
    added AS (
        INSERT INTO product_offers
        SELECT * FROM fresh f
        WHERE NOT EXISTS (SELECT 1 FROM product_offers o
                          WHERE o.product_id = f.product_id AND o.currency = f.currency)
        ON CONFLICT (product_id, currency) DO NOTHING
        RETURNING 1)
    SELECT (SELECT count(*) FROM removed) + (SELECT count(*) FROM changed)
           + (SELECT count(*) FROM added)
    INTO changes;

    IF changes > 0 THEN
        PERFORM notify_catalog_changed();
    END IF;
END $$;

-- Statement-level triggers with transition tables: a bulk import refreshes each product
-- once, not once per row.
CREATE FUNCTION product_offers_follow_products() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM notify_catalog_changed();  -- offers went with the products (cascade)
    ELSE
        PERFORM refresh_product_offers(ARRAY(SELECT id FROM new_rows), NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION product_offers_follow_variants() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_product_offers(ARRAY(SELECT DISTINCT product_id FROM new_rows), NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM refresh_product_offers(
            ARRAY(SELECT product_id FROM new_rows UNION SELECT product_id FROM old_rows), NULL);
    ELSE
        PERFORM refresh_product_offers(ARRAY(SELECT DISTINCT product_id FROM old_rows), NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION product_offers_follow_fixed_prices() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_product_offers(ARRAY(
            SELECT DISTINCT v.product_id FROM new_rows n JOIN variants v ON v.id = n.variant_id), NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM refresh_product_offers(ARRAY(
            SELECT v.product_id FROM new_rows n JOIN variants v ON v.id = n.variant_id
            UNION
            SELECT v.product_id FROM old_rows o JOIN variants v ON v.id = o.variant_id), NULL);
    ELSE
        -- When a variant is deleted its fixed prices go too; its own trigger refreshes.
        PERFORM refresh_product_offers(ARRAY(
            SELECT DISTINCT v.product_id FROM old_rows o JOIN variants v ON v.id = o.variant_id), NULL);
    END IF;
    RETURN NULL;
END $$;

-- A new rate reprices every product in that currency (one statement, in the admin's
-- transaction); a new currency gets its offers at once.
CREATE FUNCTION product_offers_follow_currencies() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    code text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        FOR code IN SELECT n.code FROM new_rows n LOOP
            PERFORM refresh_product_offers(NULL, code);
        END LOOP;
    ELSE
        FOR code IN SELECT n.code FROM new_rows n JOIN old_rows o ON o.code = n.code
                    WHERE (o.rate, o.minor_units) IS DISTINCT FROM (n.rate, n.minor_units)
        LOOP
            PERFORM refresh_product_offers(NULL, code);
        END LOOP;
    END IF;
    RETURN NULL;
END $$;

-- A product is listed only with a name in the shop's default language.
CREATE FUNCTION product_offers_follow_translations() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM refresh_product_offers(ARRAY(SELECT DISTINCT product_id FROM new_rows), NULL);
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only a translation moved to another product or language can matter.
        PERFORM refresh_product_offers(ARRAY(
            SELECT product_id FROM (
                (SELECT product_id, locale FROM new_rows EXCEPT SELECT product_id, locale FROM old_rows)
                UNION
                (SELECT product_id, locale FROM old_rows EXCEPT SELECT product_id, locale FROM new_rows)
            ) AS moved), NULL);
    ELSE
        PERFORM refresh_product_offers(ARRAY(SELECT DISTINCT product_id FROM old_rows), NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION product_offers_follow_default_locale() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n, old_rows o WHERE n.default_locale <> o.default_locale) THEN
        PERFORM refresh_product_offers(NULL, NULL);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER product_offers_on_insert AFTER INSERT ON product_translations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_translations();
CREATE TRIGGER product_offers_on_update AFTER UPDATE ON product_translations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_translations();
CREATE TRIGGER product_offers_on_delete AFTER DELETE ON product_translations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_translations();
CREATE TRIGGER product_offers_on_update AFTER UPDATE ON shop_settings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_default_locale();

CREATE TRIGGER product_offers_on_insert AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_products();
CREATE TRIGGER product_offers_on_update AFTER UPDATE ON products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_products();
CREATE TRIGGER product_offers_on_delete AFTER DELETE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_products();

CREATE TRIGGER product_offers_on_insert AFTER INSERT ON variants
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_variants();
CREATE TRIGGER product_offers_on_update AFTER UPDATE ON variants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_variants();
CREATE TRIGGER product_offers_on_delete AFTER DELETE ON variants
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_variants();

CREATE TRIGGER product_offers_on_insert AFTER INSERT ON variant_prices
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_fixed_prices();
CREATE TRIGGER product_offers_on_update AFTER UPDATE ON variant_prices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_fixed_prices();
CREATE TRIGGER product_offers_on_delete AFTER DELETE ON variant_prices
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_fixed_prices();

CREATE TRIGGER product_offers_on_update AFTER UPDATE ON currencies
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_currencies();
CREATE TRIGGER product_offers_on_insert AFTER INSERT ON currencies
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_offers_follow_currencies();

-- Everything else a storefront page shows from the catalog only needs the caches told.
CREATE FUNCTION catalog_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM notify_catalog_changed();
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['shop_settings', 'categories', 'category_translations',
                             'product_translations', 'product_images',
                             'product_attribute_values', 'attributes',
                             'attribute_translations', 'attribute_values',
                             'attribute_value_translations', 'option_types',
                             'option_type_translations', 'option_values',
                             'option_value_translations', 'variant_option_values',
                             'currencies']
    LOOP
        EXECUTE format('CREATE TRIGGER catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
                        ON %I FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed()', t);
    END LOOP;
END $$;

-- Listings read prices from product_offers instead of pricing variants per request, and
-- touch translations only to search: every offer has a name in the shop's default
-- language (see refresh_product_offers), so a listing can always name its products.
-- Planned per call (plan_cache_mode = force_custom_plan on the pool), so the unused
-- branches fold away.
DROP FUNCTION catalog_listing;
CREATE FUNCTION catalog_listing(
    p_locale text, p_default_locale text, p_currency text,
    p_categories uuid[], p_query tsquery, p_substring text,
    p_min numeric, p_max numeric, p_in_stock boolean,
    p_attributes text[], p_values text[], p_except_attribute text
) RETURNS TABLE (product_id uuid, price numeric, in_stock boolean, created_at timestamptz,
                 rank real)
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT o.product_id, o.price, o.in_stock, o.created_at, COALESCE(m.rank, 0)::real
    FROM product_offers o
    LEFT JOIN (
        -- Products whose text matches the search, in the shopper's language or the
        -- shop's, with their best rank.
        SELECT t.product_id, max(ts_rank(t.search, p_query)) AS rank
        FROM product_translations t
        WHERE p_query IS NOT NULL AND t.locale IN (p_locale, p_default_locale)
          AND t.search @@ p_query
        GROUP BY t.product_id
        UNION ALL
        SELECT t.product_id, 0
        FROM product_translations t
        WHERE p_substring IS NOT NULL AND t.locale IN (p_locale, p_default_locale)
          AND (search_normalize(t.name) LIKE '%' || p_substring || '%'
               OR search_normalize(t.description) LIKE '%' || p_substring || '%')
        GROUP BY t.product_id
    ) AS m ON m.product_id = o.product_id
    -- char(3) like the column: compared as text, the column would be cast and its
    -- indexes ignored.
    WHERE o.currency = p_currency::char(3)
      AND ((p_query IS NULL AND p_substring IS NULL) OR m.product_id IS NOT NULL)
      AND (p_categories IS NULL OR o.category_id = ANY (p_categories))
      AND (p_min IS NULL OR o.price >= p_min)
      AND (p_max IS NULL OR o.price <= p_max)
      AND (NOT p_in_stock OR o.in_stock)
      AND NOT EXISTS (
          -- an attribute filtered on for which the product has none of the chosen values
          SELECT 1
          FROM (SELECT DISTINCT a FROM unnest(p_attributes) AS a) AS wanted(attribute)
          WHERE wanted.attribute IS DISTINCT FROM p_except_attribute
            AND NOT EXISTS (
                SELECT 1
                FROM product_attribute_values pav
                JOIN attribute_values av ON av.id = pav.attribute_value_id
                JOIN attributes a ON a.id = av.attribute_id
                JOIN unnest(p_attributes, p_values) AS chosen(attribute, value)
                     ON chosen.attribute = a.code AND chosen.value = av.code
                WHERE pav.product_id = o.product_id AND a.code = wanted.attribute))
$$;

-- Offers for the catalog as it stands.
DO $$ BEGIN PERFORM refresh_product_offers(NULL, NULL); END $$;
ANALYZE product_offers;
