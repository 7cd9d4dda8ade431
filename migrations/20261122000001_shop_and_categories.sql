-- The shop itself and the first piece of the catalog: a translated category tree.

-- One row of shop-wide settings. The boolean key with a CHECK makes a second row
-- impossible, so the settings can be read without a WHERE clause ever being ambiguous.
CREATE TABLE shop_settings (
    id             boolean PRIMARY KEY DEFAULT true CHECK (id),
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- BCP 47 tag of the language content falls back to when a translation is missing.
    default_locale text        NOT NULL DEFAULT 'en',
    -- ISO 4217 code prices are entered in; other currencies convert from it.
    base_currency  char(3)     NOT NULL DEFAULT 'USD' CHECK (base_currency ~ '^[A-Z]{3}$'),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

INSERT INTO shop_settings (name) VALUES ('Vitrine');

CREATE TABLE categories (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id  uuid REFERENCES categories (id) ON DELETE RESTRICT,
    -- Order among siblings, as the shop owner arranged them.
    position   integer     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS DISTINCT FROM id)
);

CREATE INDEX categories_parent_position ON categories (parent_id, position);

-- Names and URL slugs per language; a missing language falls back to the shop's default.
CREATE TABLE category_translations (
    category_id uuid NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    locale      text NOT NULL CHECK (locale ~ '^[a-z]{2,3}(-[A-Z]{2})?$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    PRIMARY KEY (category_id, locale),
    -- Two categories cannot share a URL in the same language.
    CONSTRAINT category_translations_locale_slug_key UNIQUE (locale, slug)
);
