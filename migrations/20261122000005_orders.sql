-- Buying: carts, shipping zones, tax rates, coupons, orders with their history, payments,
-- webhook events and refunds.

-- How prices are entered (tax included, as in Europe and Brazil, or added at checkout, as
-- in the US), and how long an unpaid order keeps its stock.
ALTER TABLE shop_settings
    ADD COLUMN prices_include_tax  boolean NOT NULL DEFAULT false,
    ADD COLUMN reservation_minutes integer NOT NULL DEFAULT 60 CHECK (reservation_minutes BETWEEN 5 AND 10080),
    -- A boleto is paid at a bank or app within days, not minutes.
    ADD COLUMN boleto_days         integer NOT NULL DEFAULT 3 CHECK (boleto_days BETWEEN 1 AND 30),
    -- Where PIX payments go (the shop's key at its bank) and who receives them.
    ADD COLUMN pix_key             text CHECK (length(pix_key) <= 77),
    ADD COLUMN pix_merchant_name   text CHECK (length(pix_merchant_name) <= 25),
    ADD COLUMN pix_merchant_city   text CHECK (length(pix_merchant_city) <= 15);

-- A cart belongs to a browser (guest, through the session) or to an account (the same
-- cart on every device). The checkout's answers are kept on it until the order is placed.
CREATE TABLE carts (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id         uuid REFERENCES accounts (id) ON DELETE CASCADE,
    email              text CHECK (length(email) <= 254),
    shipping_address   jsonb,
    shipping_method_id uuid,
    coupon_code        text CHECK (length(coupon_code) <= 40),
    payment_method     text CHECK (payment_method IN ('test_card', 'stripe', 'pix', 'boleto')),
    -- Set once the cart became an order: a second "place order" finds it and shows that
    -- order instead of placing another.
    order_id           uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- One open cart per account; placed carts stay to answer a repeated "place order".
CREATE UNIQUE INDEX carts_one_open_per_account ON carts (account_id) WHERE order_id IS NULL;

-- Guest carts nobody came back to are swept after a while.
CREATE INDEX carts_guest_updated ON carts (updated_at) WHERE account_id IS NULL;

CREATE TABLE cart_items (
    cart_id    uuid    NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id uuid    NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity   integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    -- The unit price the shopper last saw, to tell them when it changed.
    seen_price    numeric(19,4) NOT NULL,
    seen_currency char(3)       NOT NULL,
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, variant_id)
);

-- Shipping zones: countries, or regions of a country (a state, a UF), and the methods
-- offered there. An address uses the zone naming its region if there is one, else its
-- country, else the zone for the rest of the world ('*').
CREATE TABLE shipping_zones (
    id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
);

CREATE TABLE shipping_zone_areas (
    zone_id uuid NOT NULL REFERENCES shipping_zones (id) ON DELETE CASCADE,
    country text NOT NULL CHECK (country ~ '^([A-Z]{2}|\*)$'),
    -- '' for the whole country.
    region  text NOT NULL DEFAULT '' CHECK (length(region) <= 10),
    PRIMARY KEY (country, region)
);

CREATE TYPE shipping_rate_kind AS ENUM ('flat', 'weight', 'free_above');

-- Prices in the shop's base currency, converted like product prices.
--   flat        price
--   weight      price + per_kg for every started kilogram
--   free_above  free when the subtotal reaches free_above, else price
CREATE TABLE shipping_methods (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    zone_id    uuid               NOT NULL REFERENCES shipping_zones (id) ON DELETE CASCADE,
    code       text               NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    -- The name per language: {"en": "Standard", "pt-BR": "Padrão"}.
    names      jsonb              NOT NULL,
    kind       shipping_rate_kind NOT NULL,
    price      numeric(19,4)      NOT NULL DEFAULT 0 CHECK (price >= 0),
    per_kg     numeric(19,4)      NOT NULL DEFAULT 0 CHECK (per_kg >= 0),
    free_above numeric(19,4)      CHECK (free_above >= 0),
    days_min   integer            NOT NULL DEFAULT 1,
    days_max   integer            NOT NULL DEFAULT 7,
    position   integer            NOT NULL DEFAULT 0,
    CHECK (kind <> 'free_above' OR free_above IS NOT NULL)
);

-- Tax rates per country or region; the region's rate wins over the country's.
CREATE TABLE tax_rates (
    country       text          NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region        text          NOT NULL DEFAULT '' CHECK (length(region) <= 10),
    name          text          NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    rate          numeric(7,5)  NOT NULL CHECK (rate >= 0 AND rate < 1),
    taxes_shipping boolean      NOT NULL DEFAULT true,
    PRIMARY KEY (country, region)
);

CREATE TYPE coupon_kind AS ENUM ('percent', 'fixed');

CREATE TABLE coupons (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stored upper case; shoppers type it any way.
    code               text        NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_-]{2,40}$'),
    kind               coupon_kind NOT NULL,
    -- A percentage (10 = 10 %) or an amount in the base currency.
    value              numeric(19,4) NOT NULL CHECK (value > 0),
    min_subtotal       numeric(19,4) CHECK (min_subtotal >= 0),
    starts_at          timestamptz,
    ends_at            timestamptz,
    usage_limit        integer CHECK (usage_limit > 0),
    per_customer_limit integer CHECK (per_customer_limit > 0),
    -- Kept with each placed order (and given back when it is cancelled), so the limit
    -- holds under concurrent checkouts: it is raised with a conditional UPDATE.
    times_used         integer     NOT NULL DEFAULT 0 CHECK (times_used >= 0),
    active             boolean     NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'percent' OR value <= 100),
    CHECK (usage_limit IS NULL OR times_used <= usage_limit)
);

CREATE TYPE order_status AS ENUM (
    'pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered',
    'cancelled', 'partially_refunded', 'refunded'
);

-- Keys the shop signs links with (a guest's link to their order), made on first use.
CREATE TABLE signing_keys (
    name text  PRIMARY KEY,
    key  bytea NOT NULL CHECK (length(key) >= 32)
);

-- Human-friendly order numbers: #1001, #1002, …
CREATE SEQUENCE order_numbers START 1001;

-- An order keeps everything as it was when placed: prices, names, address, the exchange
-- rate and the tax rule, so later catalog changes never rewrite it.
CREATE TABLE orders (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number           bigint       NOT NULL UNIQUE DEFAULT nextval('order_numbers'),
    cart_id          uuid         NOT NULL UNIQUE,
    account_id       uuid         REFERENCES accounts (id) ON DELETE SET NULL,
    email            text         NOT NULL,
    locale           text         NOT NULL,
    status           order_status NOT NULL DEFAULT 'pending_payment',
    -- The presentment currency (what the shopper saw and pays) and how many of its units
    -- one unit of the base currency bought at the time.
    currency         char(3)      NOT NULL,
    base_currency    char(3)      NOT NULL,
    exchange_rate    numeric(24,10) NOT NULL CHECK (exchange_rate > 0),
    prices_include_tax boolean    NOT NULL,
    subtotal         numeric(19,4) NOT NULL CHECK (subtotal >= 0),
    discount         numeric(19,4) NOT NULL CHECK (discount >= 0),
    shipping         numeric(19,4) NOT NULL CHECK (shipping >= 0),
    tax              numeric(19,4) NOT NULL CHECK (tax >= 0),
    total            numeric(19,4) NOT NULL CHECK (total >= 0),
    refunded         numeric(19,4) NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= total),
    coupon_code      text,
    shipping_address jsonb        NOT NULL,
    shipping_method  text         NOT NULL,
    tax_name         text,
    tax_rate         numeric(7,5) NOT NULL DEFAULT 0,
    -- Stock is held for the order until then; past it an unpaid order is cancelled and
    -- its stock goes back (see domain::orders::expire_unpaid).
    reserved_until   timestamptz,
    placed_at        timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    CHECK (total = subtotal - discount + shipping + CASE WHEN prices_include_tax THEN 0 ELSE tax END)
);

CREATE INDEX orders_account ON orders (account_id, placed_at DESC);
CREATE INDEX orders_unpaid ON orders (reserved_until) WHERE status = 'pending_payment';
CREATE INDEX orders_placed ON orders (placed_at DESC);

ALTER TABLE carts ADD CONSTRAINT carts_order_fkey
    FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL;

CREATE TABLE order_lines (
    order_id    uuid          NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position    integer       NOT NULL,
    variant_id  uuid          REFERENCES variants (id) ON DELETE SET NULL,
    sku         text          NOT NULL,
    name        text          NOT NULL,
    quantity    integer       NOT NULL CHECK (quantity > 0),
    unit_price  numeric(19,4) NOT NULL CHECK (unit_price >= 0),
    line_total  numeric(19,4) NOT NULL CHECK (line_total >= 0),
    discount    numeric(19,4) NOT NULL DEFAULT 0 CHECK (discount >= 0),
    tax         numeric(19,4) NOT NULL DEFAULT 0 CHECK (tax >= 0),
    PRIMARY KEY (order_id, position)
);

-- Every change of an order's status, written in the transaction that makes it.
CREATE TABLE order_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    uuid         NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status order_status,
    to_status   order_status NOT NULL,
    -- Who: an account (staff or the customer), or the system ('payment', 'expiry').
    actor_id    uuid         REFERENCES accounts (id) ON DELETE SET NULL,
    actor       text         NOT NULL,
    reason      text         NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    at          timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX order_history_order ON order_history (order_id, id);

CREATE TABLE coupon_redemptions (
    coupon_id  uuid NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    order_id   uuid NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    account_id uuid REFERENCES accounts (id) ON DELETE SET NULL,
    email_key  text NOT NULL
);

CREATE INDEX coupon_redemptions_customer ON coupon_redemptions (coupon_id, email_key);

CREATE TYPE payment_status AS ENUM ('pending', 'requires_action', 'succeeded', 'failed', 'cancelled');

CREATE TABLE payments (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_id     uuid           NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    provider     text           NOT NULL CHECK (provider IN ('test_card', 'stripe', 'pix', 'boleto')),
    status       payment_status NOT NULL DEFAULT 'pending',
    amount       numeric(19,4)  NOT NULL CHECK (amount > 0),
    currency     char(3)        NOT NULL,
    refunded     numeric(19,4)  NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
    -- The provider's id for it: a PaymentIntent id, a PIX txid, a boleto's nosso número.
    reference    text UNIQUE,
    -- What the shopper needs to pay: a PIX code, a boleto line, a client secret.
    instructions jsonb          NOT NULL DEFAULT '{}',
    -- Last four digits of a test card, for the order page.
    card_last4   text,
    expires_at   timestamptz,
    created_at   timestamptz    NOT NULL DEFAULT now(),
    updated_at   timestamptz    NOT NULL DEFAULT now()
);

CREATE INDEX payments_order ON payments (order_id);

-- Webhook events already handled: delivering one again changes nothing.
CREATE TABLE payment_events (
    provider    text        NOT NULL,
    event_id    text        NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
    payment_id  uuid        REFERENCES payments (id) ON DELETE CASCADE,
    kind        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);

CREATE TABLE refunds (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    payment_id uuid          NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    amount     numeric(19,4) NOT NULL CHECK (amount > 0),
    reason     text          NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    reference  text,
    actor_id   uuid          REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX refunds_payment ON refunds (payment_id);

-- Starting points a shop edits: shipping almost everywhere and common tax rates. (The
-- demo shop's coupon and PIX details are seeded with its catalog, never in a real shop.)
INSERT INTO shipping_zones (id, name) VALUES
    ('00000000-0000-4000-8000-000000000001', 'Domestic (United States)'),
    ('00000000-0000-4000-8000-000000000002', 'Brazil'),
    ('00000000-0000-4000-8000-000000000003', 'Europe'),
    ('00000000-0000-4000-8000-000000000004', 'Rest of the world');

INSERT INTO shipping_zone_areas (zone_id, country) VALUES
    ('00000000-0000-4000-8000-000000000001', 'US'),
    ('00000000-0000-4000-8000-000000000002', 'BR'),
    ('00000000-0000-4000-8000-000000000003', 'PT'),
    ('00000000-0000-4000-8000-000000000003', 'ES'),
    ('00000000-0000-4000-8000-000000000003', 'FR'),
    ('00000000-0000-4000-8000-000000000003', 'DE'),
    ('00000000-0000-4000-8000-000000000003', 'IT'),
    ('00000000-0000-4000-8000-000000000003', 'NL'),
    ('00000000-0000-4000-8000-000000000003', 'IE'),
    ('00000000-0000-4000-8000-000000000004', '*');

INSERT INTO shipping_methods (zone_id, code, names, kind, price, per_kg, free_above, days_min, days_max, position) VALUES
    ('00000000-0000-4000-8000-000000000001', 'us-standard',
     '{"en": "Standard", "pt-BR": "Padrão", "es": "Estándar", "zh-CN": "标准配送"}', 'free_above', 6.00, 0, 75.00, 3, 5, 0),
    ('00000000-0000-4000-8000-000000000001', 'us-express',
     '{"en": "Express", "pt-BR": "Expressa", "es": "Exprés", "zh-CN": "快递"}', 'flat', 18.00, 0, NULL, 1, 2, 1),
    ('00000000-0000-4000-8000-000000000002', 'br-pac',
     '{"en": "Economy (PAC)", "pt-BR": "PAC", "es": "Económico (PAC)", "zh-CN": "经济 (PAC)"}', 'weight', 3.00, 1.50, NULL, 5, 12, 0),
    ('00000000-0000-4000-8000-000000000002', 'br-sedex',
     '{"en": "Express (SEDEX)", "pt-BR": "SEDEX", "es": "Exprés (SEDEX)", "zh-CN": "快递 (SEDEX)"}', 'weight', 7.00, 3.00, NULL, 1, 4, 1),
    ('00000000-0000-4000-8000-000000000003', 'eu-standard',
     '{"en": "Standard", "pt-BR": "Padrão", "es": "Estándar", "zh-CN": "标准配送"}', 'free_above', 9.00, 0, 100.00, 3, 7, 0),
    ('00000000-0000-4000-8000-000000000004', 'world-standard',
     '{"en": "International", "pt-BR": "Internacional", "es": "Internacional", "zh-CN": "国际配送"}', 'weight', 15.00, 5.00, NULL, 7, 21, 0);

INSERT INTO tax_rates (country, region, name, rate, taxes_shipping) VALUES
    ('US', 'CA', 'CA sales tax', 0.0725, false),
    ('US', 'NY', 'NY sales tax', 0.04, true),
    ('US', 'TX', 'TX sales tax', 0.0625, true),
    ('PT', '', 'IVA', 0.23, true),
    ('ES', '', 'IVA', 0.21, true),
    ('FR', '', 'TVA', 0.20, true),
    ('DE', '', 'MwSt.', 0.19, true),
    ('IT', '', 'IVA', 0.22, true),
    ('NL', '', 'BTW', 0.21, true),
    ('IE', '', 'VAT', 0.23, true),
    ('GB', '', 'VAT', 0.20, true);

