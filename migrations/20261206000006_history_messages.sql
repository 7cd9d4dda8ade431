-- The shop's own words in an order's history (a payment received, a reservation run
-- out) are a locale key with values, shown in the reader's language; `reason` keeps only
-- what a staff member typed. Rows written before keep their English `reason`.
ALTER TABLE order_history ADD COLUMN reason_message jsonb;
