-- What changed in a cart since its owner last looked (a price, a quantity lowered to the
-- stock, an item sold out or withdrawn), found by the review that changed the cart and
-- kept until the page that shows it has been rendered: a notice is shown once, on the
-- page the shopper lands on, whichever request happened to find it (see domain::cart).
ALTER TABLE carts ADD COLUMN notices jsonb NOT NULL DEFAULT '[]'
    CHECK (jsonb_typeof(notices) = 'array');
