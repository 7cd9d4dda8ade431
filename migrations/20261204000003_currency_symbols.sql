-- A currency the built-in CLDR table does not know (MXN, say) is written with the symbol
-- the shop sets here (`MX$`), else with its code. Turning currencies on and off already
-- has its column (`enabled`); every change reaches the storefront caches through the
-- table's catalog_changed trigger.
ALTER TABLE currencies
    ADD COLUMN symbol text CHECK (symbol IS NULL OR length(symbol) BETWEEN 1 AND 8);
