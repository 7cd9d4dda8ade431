-- What each staff member may do, as named permissions (see domain::accounts::staff).
-- Admins may do everything whatever this column says; customers nothing. A staff
-- member has exactly the set an admin ticked for them.
--
-- text[] rather than an enum array: adding a permission later is a change to the
-- CHECK below, not an ALTER TYPE that cannot run inside a transaction.
ALTER TABLE accounts ADD COLUMN permissions text[] NOT NULL DEFAULT '{}'
    CONSTRAINT accounts_permissions_known CHECK (
        permissions <@ ARRAY['catalog', 'inventory', 'orders', 'refunds', 'customers',
                             'settings', 'staff', 'audit']::text[]
    );

-- Staff keep what the staff role allowed until now: the order list and its actions
-- (orders), refunds, and the account list (customers).
UPDATE accounts SET permissions = ARRAY['orders', 'refunds', 'customers']
WHERE role = 'staff';
