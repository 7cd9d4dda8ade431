-- Accounts: customers, staff and admins; their sign-ins, one-time tokens, two-factor
-- codes, address books; the throttles that slow down guessing; and the e-mail outbox.

CREATE TYPE account_role AS ENUM ('customer', 'staff', 'admin');

CREATE TABLE accounts (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- As the person typed it (trimmed); compared case-insensitively through email_key.
    email               text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    email_key           text        GENERATED ALWAYS AS (lower(email)) STORED,
    email_verified_at   timestamptz,
    -- PHC string (argon2id with its parameters), so parameters can change later.
    password_hash       text        NOT NULL,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    name                text        NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    role                account_role NOT NULL DEFAULT 'customer',
    -- Applied at sign-in: the language of the shop and of e-mails, the prices' currency.
    locale              text        NOT NULL DEFAULT 'en',
    currency            char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    -- TOTP: the secret being set up, then the one in use; the last time step accepted,
    -- so a code can never be used twice.
    totp_pending_secret bytea,
    totp_secret         bytea,
    totp_enabled_at     timestamptz,
    totp_last_step      bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_email_key_key UNIQUE (email_key),
    CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL))
);

-- One row per signed-in browser. The session cookie's record (tower-sessions) names this
-- row; deleting it signs that browser out wherever the next request lands.
CREATE TABLE account_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    user_agent   text        NOT NULL DEFAULT '' CHECK (length(user_agent) <= 300),
    ip           text        NOT NULL DEFAULT '' CHECK (length(ip) <= 64)
);

CREATE INDEX account_sessions_account ON account_sessions (account_id);

-- E-mail verification and password reset links. Only the SHA-256 of the random token is
-- kept: a copy of this table cannot be used to take over an account.
CREATE TABLE account_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    -- The address being verified (a changed e-mail is only used once verified).
    email      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);

-- One-time recovery codes for two-factor sign-in, hashed like tokens.
CREATE TABLE account_recovery_codes (
    account_id uuid  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at    timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

-- Failed attempts per key ('sign-in:account:<e-mail>', 'sign-in:ip:<address>', ...),
-- shared by every server process. A key over its limit is locked until locked_until,
-- each further failure doubling the wait.
CREATE TABLE auth_throttles (
    key              text PRIMARY KEY CHECK (length(key) <= 400),
    failures         integer     NOT NULL DEFAULT 0,
    window_started   timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz
);

CREATE TYPE address_kind AS ENUM ('shipping', 'billing');

CREATE TABLE addresses (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id  uuid         NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind        address_kind NOT NULL,
    is_default  boolean      NOT NULL DEFAULT false,
    name        text         NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    line1       text         NOT NULL CHECK (length(line1) BETWEEN 1 AND 200),
    line2       text         NOT NULL DEFAULT '' CHECK (length(line2) <= 200),
    city        text         NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    region      text         NOT NULL DEFAULT '' CHECK (length(region) <= 100),
    postal_code text         NOT NULL DEFAULT '' CHECK (length(postal_code) <= 20),
    country     char(2)      NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    phone       text         NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    created_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX addresses_account ON addresses (account_id, kind);
-- At most one default of each kind per account.
CREATE UNIQUE INDEX addresses_one_default ON addresses (account_id, kind) WHERE is_default;

-- Staff and admins can be required to sign in with two factors.
ALTER TABLE shop_settings ADD COLUMN staff_two_factor boolean NOT NULL DEFAULT false;

-- Every e-mail the shop sends, kept after sending so staff can read what went out.
-- Requests only insert here; a background worker in any server process delivers,
-- retrying with growing delays.
CREATE TABLE outbox_emails (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address      text        NOT NULL,
    locale          text        NOT NULL,
    subject         text        NOT NULL,
    text_body       text        NOT NULL,
    html_body       text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    -- Given up after too many attempts; kept for staff to see.
    failed_at       timestamptz,
    last_error      text
);

CREATE INDEX outbox_emails_due ON outbox_emails (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;

-- The session store's table (tower-sessions' PostgreSQL store), created here so the
-- schema has one history. Session data is opaque to SQL; who is signed in lives in
-- account_sessions.
CREATE SCHEMA tower_sessions;
CREATE TABLE tower_sessions.session (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
CREATE INDEX session_expiry ON tower_sessions.session (expiry_date);

-- A throttle row whose window passed with no lock in it (or a lock that ended a whole
-- window ago): its next failure starts counting afresh.
CREATE FUNCTION throttle_is_quiet(t auth_throttles, window_secs float8) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT t.window_started < now() - make_interval(secs => window_secs)
       AND coalesce(t.locked_until < now() - make_interval(secs => window_secs), true)
$$;
