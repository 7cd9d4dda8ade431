-- Pictures a shop owner uploads in the back office (issue 13). The server stores each
-- one in several widths as WebP (domain::media) and the storefront offers them with
-- srcset. The demo's drawn pictures stay as they are: a url and no stored sizes.

ALTER TABLE product_images
    -- An uploaded picture's id in the picture store: its files are
    -- images/<storage_key>/<width>.webp, served at /media/<storage_key>/<width>.webp.
    -- Made by the server, never taken from a request. NULL: the picture is at `url`.
    ADD COLUMN storage_key uuid UNIQUE,
    -- The widths stored, ascending (empty when not uploaded).
    ADD COLUMN widths integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT product_images_uploaded_has_widths
        CHECK ((storage_key IS NULL) = (cardinality(widths) = 0)),
    ADD CONSTRAINT product_images_widths_positive
        CHECK (cardinality(widths) <= 10 AND 0 < ALL (widths));

-- What a picture shows, per language, for people who cannot see it (and search
-- engines). A picture without one in the page's language falls back to the shop's
-- default language, then to the product's name.
CREATE TABLE product_image_translations (
    image_id uuid NOT NULL REFERENCES product_images (id) ON DELETE CASCADE,
    locale   text NOT NULL,
    alt      text NOT NULL CHECK (length(alt) BETWEEN 1 AND 250),
    PRIMARY KEY (image_id, locale)
);

-- Storefront pages show the alt text, so every replica's cache hears of changes.
CREATE TRIGGER catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON product_image_translations FOR EACH STATEMENT EXECUTE FUNCTION catalog_changed();

-- The picture a product is shown with in listings, with its alt text in a language:
-- the first by position. One definition for listings, the home page and search.
CREATE FUNCTION product_cover(p_product uuid, p_locale text, p_default_locale text)
    RETURNS TABLE (url text, storage_key uuid, widths integer[], alt text)
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT i.url, i.storage_key, i.widths, COALESCE(t.alt, d.alt)
    FROM product_images i
    LEFT JOIN product_image_translations t ON t.image_id = i.id AND t.locale = p_locale
    LEFT JOIN product_image_translations d ON d.image_id = i.id AND d.locale = p_default_locale
    WHERE i.product_id = p_product
    ORDER BY i.position, i.id
    LIMIT 1
$$;
