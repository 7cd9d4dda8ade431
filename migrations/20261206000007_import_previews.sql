-- What the preview of an uploaded catalog file showed (a fingerprint of the changes),
-- so "apply" writes only what the staff member saw, and refuses when the shop changed
-- in between.
ALTER TABLE catalog_imports ADD COLUMN previewed text;
