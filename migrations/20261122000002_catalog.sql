-- The catalog: products with variants, options and attributes, translated content with
-- full-text search per language, per-currency prices and exchange rates.

CREATE EXTENSION IF NOT EXISTS pg_trgm;      -- typo-tolerant search
CREATE EXTENSION IF NOT EXISTS unaccent;     -- "tenis" finds "tênis"
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch; -- edit distance for "did you mean"

-- Text as the search index sees it: lower case, no accents, hyphens dropped so "T-shirt"
-- and "tshirt" meet, slashes and underscores as spaces. unaccent is only STABLE; naming
-- the dictionary makes it safe to use in an index, which needs IMMUTABLE.
CREATE FUNCTION search_normalize(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary,
                  regexp_replace(regexp_replace(input, '[-‐]+', '', 'g'), '[/_]+', ' ', 'g'))) $$;

-- The text-search configuration for a language. Chinese has no word boundaries that
-- PostgreSQL can find, so it uses 'simple' here and substring (trigram) search instead.
CREATE FUNCTION search_config(locale text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT CASE locale
                     WHEN 'en' THEN 'english'
                     WHEN 'pt-BR' THEN 'portuguese'
                     WHEN 'es' THEN 'spanish'
                     ELSE 'simple'
                 END::regconfig $$;

-- Currencies prices can be shown and charged in. `rate` is how many units of this
-- currency one unit of the shop's base currency buys; the base currency's rate is 1.
CREATE TABLE currencies (
    code            char(3)        PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    minor_units     smallint       NOT NULL CHECK (minor_units BETWEEN 0 AND 4),
    rate            numeric(24,10) NOT NULL CHECK (rate > 0),
    enabled         boolean        NOT NULL DEFAULT true,
    rate_updated_at timestamptz    NOT NULL DEFAULT now()
);

INSERT INTO currencies (code, minor_units, rate) VALUES
    ('USD', 2, 1),
    ('EUR', 2, 0.92),
    ('BRL', 2, 5.40),
    ('GBP', 2, 0.79),
    ('JPY', 0, 151.50),
    ('CNY', 2, 7.24);

ALTER TABLE shop_settings
    ADD CONSTRAINT shop_settings_base_currency_fkey
    FOREIGN KEY (base_currency) REFERENCES currencies (code);

CREATE TABLE products (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    category_id uuid        NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
    -- Drafts are invisible to shoppers.
    status      text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active')),
    featured    boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX products_active_category ON products (category_id, created_at DESC) WHERE status = 'active';
CREATE INDEX products_active_created ON products (created_at DESC) WHERE status = 'active';
CREATE INDEX products_featured ON products (created_at DESC) WHERE status = 'active' AND featured;

CREATE TABLE product_translations (
    product_id      uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    locale          text NOT NULL CHECK (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug            text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 200),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    seo_title       text CHECK (length(seo_title) <= 200),
    seo_description text CHECK (length(seo_description) <= 500),
    -- Name weighs more than description in ranking.
    search          tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector(search_config(locale), search_normalize(name)), 'A') ||
                        setweight(to_tsvector(search_config(locale), search_normalize(description)), 'C')
                    ) STORED,
    PRIMARY KEY (product_id, locale),
    CONSTRAINT product_translations_locale_slug_key UNIQUE (locale, slug)
);

CREATE INDEX product_translations_search ON product_translations USING gin (search);
CREATE INDEX product_translations_name_trgm
    ON product_translations USING gin (search_normalize(name) gin_trgm_ops);

-- Option types (size, colour) and their values, translated.
CREATE TABLE option_types (
    id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code     text    NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    position integer NOT NULL DEFAULT 0
);

CREATE TABLE option_type_translations (
    option_type_id uuid NOT NULL REFERENCES option_types (id) ON DELETE CASCADE,
    locale         text NOT NULL,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    PRIMARY KEY (option_type_id, locale)
);

CREATE TABLE option_values (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    option_type_id uuid    NOT NULL REFERENCES option_types (id) ON DELETE CASCADE,
    code           text    NOT NULL CHECK (code ~ '^[a-z0-9-]+$'),
    position       integer NOT NULL DEFAULT 0,
    UNIQUE (option_type_id, code),
    UNIQUE (id, option_type_id)
);

CREATE TABLE option_value_translations (
    option_value_id uuid NOT NULL REFERENCES option_values (id) ON DELETE CASCADE,
    locale          text NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    PRIMARY KEY (option_value_id, locale)
);

-- A variant is what is bought: its own SKU, price, stock and weight.
CREATE TABLE variants (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    product_id   uuid          NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sku          text          NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
    -- In the shop's base currency; other currencies convert unless variant_prices fixes one.
    price        numeric(19,4) NOT NULL CHECK (price >= 0),
    -- Never below zero, whatever happens at checkout.
    stock        integer       NOT NULL DEFAULT 0 CHECK (stock >= 0),
    weight_grams integer       NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
    position     integer       NOT NULL DEFAULT 0,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX variants_product ON variants (product_id, position);

-- A price fixed in one currency (e.g. R$ 99,90), overriding conversion.
CREATE TABLE variant_prices (
    variant_id uuid          NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    currency   char(3)       NOT NULL REFERENCES currencies (code),
    amount     numeric(19,4) NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (variant_id, currency)
);

-- One value per option type per variant (a shirt is not both S and M).
CREATE TABLE variant_option_values (
    variant_id      uuid NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    option_type_id  uuid NOT NULL,
    option_value_id uuid NOT NULL,
    PRIMARY KEY (variant_id, option_type_id),
    FOREIGN KEY (option_value_id, option_type_id) REFERENCES option_values (id, option_type_id)
);

-- Attributes (material, brand) describe products and drive the listing filters.
CREATE TABLE attributes (
    id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code     text    NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    position integer NOT NULL DEFAULT 0
);

CREATE TABLE attribute_translations (
    attribute_id uuid NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
    locale       text NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    PRIMARY KEY (attribute_id, locale)
);

CREATE TABLE attribute_values (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    attribute_id uuid    NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
    code         text    NOT NULL CHECK (code ~ '^[a-z0-9-]+$'),
    position     integer NOT NULL DEFAULT 0,
    UNIQUE (attribute_id, code)
);

CREATE TABLE attribute_value_translations (
    attribute_value_id uuid NOT NULL REFERENCES attribute_values (id) ON DELETE CASCADE,
    locale             text NOT NULL,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    PRIMARY KEY (attribute_value_id, locale)
);

CREATE TABLE product_attribute_values (
    product_id         uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    attribute_value_id uuid NOT NULL REFERENCES attribute_values (id) ON DELETE CASCADE,
    PRIMARY KEY (product_id, attribute_value_id)
);

-- Facet counts go from a value to its products.
CREATE INDEX product_attribute_values_value ON product_attribute_values (attribute_value_id, product_id);

CREATE TABLE product_images (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    product_id uuid    NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    -- Set when the image shows one variant (the red one); NULL for the product as a whole.
    variant_id uuid    REFERENCES variants (id) ON DELETE SET NULL,
    position   integer NOT NULL DEFAULT 0,
    url        text    NOT NULL CHECK (length(url) <= 2000),
    width      integer NOT NULL CHECK (width > 0),
    height     integer NOT NULL CHECK (height > 0)
);

CREATE INDEX product_images_product ON product_images (product_id, position);

-- Every word of every product name, per language, for correcting typos in searches
-- ("tshrit" → "tshirt"). Refreshed after catalog changes (see domain::catalog).
CREATE MATERIALIZED VIEW search_words AS
    SELECT DISTINCT t.locale, w.word
    FROM product_translations t,
         regexp_split_to_table(search_normalize(t.name), '[[:space:][:punct:]]+') AS w(word)
    WHERE length(w.word) >= 3;

CREATE UNIQUE INDEX search_words_key ON search_words (locale, word);
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);

-- What a variant costs in a currency: its fixed price there if it has one, otherwise
-- its base price converted and rounded half away from zero to the currency's minor
-- units. The one definition of a shopper's price; listings and product pages use it.
CREATE FUNCTION price_in(base numeric, fixed numeric, rate numeric, minor_units smallint)
    RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT COALESCE(fixed, round(base * rate, minor_units)) $$;

-- A search as a tsquery: every term must match, each in any of its spellings (what the
-- shopper typed, and the catalog word it was corrected to). Terms are space-separated
-- alternatives, e.g. {'tshrit tshirt', 'red'}.
CREATE FUNCTION search_tsquery(locale text, terms text[]) RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    result      tsquery;
    term        tsquery;
    spelling    text;
    alternatives text;
BEGIN
    FOREACH alternatives IN ARRAY terms LOOP
        term := NULL;
        FOREACH spelling IN ARRAY string_to_array(alternatives, ' ') LOOP
            term := CASE WHEN term IS NULL
                         THEN plainto_tsquery(search_config(locale), spelling)
                         ELSE term || plainto_tsquery(search_config(locale), spelling) END;
        END LOOP;
        result := CASE WHEN result IS NULL THEN term ELSE result && term END;
    END LOOP;
    RETURN result;
END $$;

-- The one definition of which products a listing shows and at what price. Listing
-- pages, search and facet counts all call it.
--   p_categories       NULL for every category
--   p_query            NULL for no text search
--   p_substring        text search for languages without word boundaries (Chinese)
--   p_min, p_max       price range in p_currency, NULL for open
--   p_attributes/p_values  filters: a product needs, for every attribute named, one of
--                      the values given for it
--   p_except_attribute ignore the filter on this attribute (facet counts)
-- The price is the cheapest variant's (see price_in).
CREATE FUNCTION catalog_listing(
    p_locale text, p_default_locale text, p_currency text,
    p_categories uuid[], p_query tsquery, p_substring text,
    p_min numeric, p_max numeric, p_in_stock boolean,
    p_attributes text[], p_values text[], p_except_attribute text
) RETURNS TABLE (product_id uuid, price numeric, in_stock boolean, created_at timestamptz,
                 rank real, name text)
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p.id, offer.price, offer.in_stock, p.created_at,
           CASE WHEN p_query IS NULL THEN 0
                ELSE ts_rank(COALESCE(t.search, d.search), p_query) END,
           COALESCE(t.name, d.name)
    FROM products p
    -- Each product's cheapest variant and whether any is in stock, from its own few
    -- variants (an index lookup), rather than one GROUP BY over every variant.
    CROSS JOIN LATERAL (
        SELECT min(price_in(v.price, vp.amount, c.rate, c.minor_units)) AS price,
               bool_or(v.stock > 0) AS in_stock
        FROM variants v
        JOIN currencies c ON c.code = p_currency
        LEFT JOIN variant_prices vp ON vp.variant_id = v.id AND vp.currency = p_currency
        WHERE v.product_id = p.id
    ) AS offer
    LEFT JOIN product_translations t ON t.product_id = p.id AND t.locale = p_locale
    LEFT JOIN product_translations d ON d.product_id = p.id AND d.locale = p_default_locale
    WHERE p.status = 'active'
      AND offer.price IS NOT NULL
      AND (t.name IS NOT NULL OR d.name IS NOT NULL)
      AND (p_categories IS NULL OR p.category_id = ANY (p_categories))
      AND (p_query IS NULL OR COALESCE(t.search, d.search) @@ p_query)
      AND (p_substring IS NULL
           OR search_normalize(COALESCE(t.name, d.name)) LIKE '%' || p_substring || '%'
           OR search_normalize(COALESCE(t.description, d.description)) LIKE '%' || p_substring || '%')
      AND (p_min IS NULL OR offer.price >= p_min)
      AND (p_max IS NULL OR offer.price <= p_max)
      AND (NOT p_in_stock OR offer.in_stock)
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
                WHERE pav.product_id = p.id AND a.code = wanted.attribute))
$$;
