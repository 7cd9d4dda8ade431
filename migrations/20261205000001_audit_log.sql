-- What staff (and later API keys) changed: who, when, what, and the values before and
-- after. Written by domain::audit in the same transaction as the change it describes,
-- so a change and its record commit or roll back together.
--
-- Nothing may edit or delete a record: the triggers below refuse UPDATE, DELETE and
-- TRUNCATE for every role (a superuser can still drop the triggers, which is itself
-- visible in the server's own log). `actor_id` has no foreign key on purpose: erasing
-- a former staff member's account must not rewrite the history of what they did.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   uuid,
    -- Who, as shown at the time (the staff member's e-mail; an API key's name).
    actor      text        NOT NULL CHECK (length(actor) BETWEEN 1 AND 320),
    -- `product.update`, `staff.permissions`, `order.refund`: area then verb.
    action     text        NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    -- What was changed: its kind (`product`) and id, and a label to read it by.
    subject    text        NOT NULL CHECK (subject ~ '^[a-z_]+$'),
    subject_id text        NOT NULL CHECK (length(subject_id) BETWEEN 1 AND 200),
    label      text        NOT NULL DEFAULT '' CHECK (length(label) <= 300),
    before     jsonb,
    after      jsonb
);

CREATE INDEX audit_log_at ON audit_log (id DESC);
CREATE INDEX audit_log_subject ON audit_log (subject, subject_id, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log cannot be changed' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
