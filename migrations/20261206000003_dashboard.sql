-- The back office's home page and inventory grid (issue 13).

-- Sales figures read the orders placed in a period (up to twice 90 days); the columns
-- they add up ride along in the index, so a big shop's months are read from the index
-- alone instead of from every order row.
CREATE INDEX orders_placed_sales ON orders (placed_at)
    INCLUDE (status, total, refunded, exchange_rate, base_currency);

-- "Orders to fulfil" counts the few paid orders, not all of them.
CREATE INDEX orders_to_fulfil ON orders (placed_at) WHERE status = 'paid';

-- Variants out of stock or running low (at most domain::reports::todo::LOW_STOCK): the
-- home page's to-dos and the inventory grid's stock filter.
CREATE INDEX variants_low_stock ON variants (stock, product_id) WHERE stock <= 5;

-- The inventory grid finds a SKU by any part of it with the product list's trigram
-- index on upper(sku) (migration 20261206000002).
