-- Money and stock (issue 11): how long a boleto holds stock, who holds stock unpaid, and
-- coupon limits per customer counted on a normalised e-mail.

-- A boleto holds the order's stock until it is due. By default that is `boleto_days`;
-- a shop may hold it for fewer hours instead (the slip is then due the day the hold
-- ends), so nobody keeps the stock of a product for days with slips they never pay.
ALTER TABLE shop_settings
    ADD COLUMN boleto_hold_hours integer CHECK (boleto_hold_hours BETWEEN 1 AND 720);

-- Who placed an unpaid order, to bound the orders (and so the stock) one shopper holds
-- unpaid at once: the browser's session (or the customer's account), the e-mail as
-- normalised by `checkout::rules::email_key`, and the client's address. Orders placed
-- before this change have none: they count for nobody.
ALTER TABLE orders
    ADD COLUMN holder_session text CHECK (length(holder_session) <= 100),
    ADD COLUMN holder_email   text CHECK (length(holder_email) <= 254),
    ADD COLUMN holder_client  text CHECK (length(holder_client) <= 64);

CREATE INDEX orders_unpaid_by_session ON orders (holder_session) WHERE status = 'pending_payment';
CREATE INDEX orders_unpaid_by_email ON orders (holder_email) WHERE status = 'pending_payment';
CREATE INDEX orders_unpaid_by_client ON orders (holder_client) WHERE status = 'pending_payment';

-- Coupon redemptions were counted per e-mail as typed, so `ana+2@…` was a new customer.
-- `email_key` is now the normalised e-mail (lower case, no `+tag`, and for Gmail no dots
-- and gmail.com for googlemail.com, as Gmail delivers them all to one mailbox); a
-- signed-in customer's uses are also counted by account. Existing keys are normalised
-- the same way.
UPDATE coupon_redemptions SET email_key = CASE
    WHEN split_part(k, '@', 2) IN ('gmail.com', 'googlemail.com')
        THEN replace(split_part(split_part(k, '@', 1), '+', 1), '.', '') || '@gmail.com'
    WHEN position('@' IN k) > 0
        THEN split_part(split_part(k, '@', 1), '+', 1) || '@' || split_part(k, '@', 2)
    ELSE k
END
FROM (SELECT order_id AS id, lower(trim(email_key)) AS k FROM coupon_redemptions) n
WHERE coupon_redemptions.order_id = n.id;

CREATE INDEX coupon_redemptions_account ON coupon_redemptions (coupon_id, account_id)
    WHERE account_id IS NOT NULL;
