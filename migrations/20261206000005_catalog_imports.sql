-- Catalog CSV files uploaded for import, kept between the preview (every row checked,
-- nothing written) and the staff member's "apply", so any replica can apply what
-- another one previewed. Applied or not, a file is deleted a day after its upload.
CREATE TABLE catalog_imports (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_id    uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    file_name   text        NOT NULL DEFAULT '' CHECK (length(file_name) <= 255),
    content     bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    applied_at  timestamptz
);

CREATE INDEX catalog_imports_created ON catalog_imports (created_at);
