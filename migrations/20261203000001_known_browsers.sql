-- Browsers that have signed in to an account (issue 11, item 13). A browser keeps a
-- random token in a long-lived cookie; only its SHA-256 is kept here, per account. A
-- known browser with the right password is not held back by the account's overall
-- ceiling on failed sign-ins, which strangers can fill; it has a throttle of its own.
CREATE TABLE account_devices (
    token_hash   bytea       NOT NULL CHECK (length(token_hash) = 32),
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_hash, account_id)
);

CREATE INDEX account_devices_account ON account_devices (account_id);
