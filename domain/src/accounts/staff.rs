//! What staff may do: named [`Permission`]s, and the values that prove a check passed.
//!
//! Admins may do everything; a staff member may do what an admin ticked for them
//! (`accounts.permissions`); customers nothing. A staff-only function takes an
//! [`Allowed<P>`] (for example `&Allowed<can::Refunds>`), which only
//! [`Staff::allowed`] makes, from a [`Staff`], which only [`sign_in_as_staff`] makes
//! after reading the account's role and permissions from the database. Forgetting the
//! check therefore does not compile: there is no other way to get the argument.

use std::marker::PhantomData;

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::{Account, Role, admin};
use crate::{DomainError, DomainResult};

/// One thing staff may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Permission {
    /// Products, categories, prices.
    Catalog,
    /// Stock levels.
    Inventory,
    /// The order list, an order's page, moving orders along, confirming bank payments.
    Orders,
    /// Giving money back.
    Refunds,
    /// The account list.
    Customers,
    /// The shop's settings.
    Settings,
    /// Other staff members' permissions.
    Staff,
    /// What staff did.
    Audit,
}

impl Permission {
    pub const ALL: [Permission; 8] = [
        Permission::Catalog,
        Permission::Inventory,
        Permission::Orders,
        Permission::Refunds,
        Permission::Customers,
        Permission::Settings,
        Permission::Staff,
        Permission::Audit,
    ];

    /// As stored (and as the staff page posts it): `refunds`.
    pub fn code(self) -> &'static str {
        match self {
            Permission::Catalog => "catalog",
            Permission::Inventory => "inventory",
            Permission::Orders => "orders",
            Permission::Refunds => "refunds",
            Permission::Customers => "customers",
            Permission::Settings => "settings",
            Permission::Staff => "staff",
            Permission::Audit => "audit",
        }
    }

    pub fn parse(code: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// What someone who becomes staff may do until an admin says otherwise: what the staff
/// role allowed before permissions had names (the orders, refunds, the account list).
pub const STARTER: [Permission; 3] = [
    Permission::Orders,
    Permission::Refunds,
    Permission::Customers,
];

/// Stored codes to permissions; a code this build does not know is ignored (the
/// column's CHECK keeps them known).
pub(crate) fn from_codes(codes: &[String]) -> Vec<Permission> {
    let mut permissions: Vec<Permission> =
        codes.iter().filter_map(|c| Permission::parse(c)).collect();
    permissions.sort();
    permissions.dedup();
    permissions
}

pub(crate) fn to_codes(permissions: &[Permission]) -> Vec<String> {
    let mut codes: Vec<String> = permissions.iter().map(|p| p.code().to_string()).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// A staff member (or admin) who passed the check, with what they may do as the
/// database said at that moment. Made only by [`sign_in_as_staff`].
#[derive(Clone, Debug)]
pub struct Staff {
    id: Uuid,
    admin: bool,
    permissions: Vec<Permission>,
}

/// Who a staff member is, for history rows (`orders::Actor::Staff`): only a checked
/// [`Staff`] hands one out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffId(Uuid);

impl StaffId {
    pub fn get(self) -> Uuid {
        self.0
    }
}

impl Staff {
    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// For history rows.
    pub fn actor(&self) -> StaffId {
        StaffId(self.id)
    }

    pub fn has(&self, permission: Permission) -> bool {
        self.admin || self.permissions.contains(&permission)
    }

    /// Everything this staff member may do (all of it for an admin).
    pub fn permissions(&self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.has(*p))
            .collect()
    }

    /// The proof that this staff member may do `P`, or `Forbidden`.
    pub fn allowed<P: can::Grant>(&self) -> DomainResult<Allowed<P>> {
        if P::granted(self) {
            Ok(Allowed {
                staff: self.clone(),
                granted: PhantomData,
            })
        } else {
            Err(DomainError::Forbidden)
        }
    }
}

/// Proof that [`Staff::allowed`] let `staff` do `P`. No other code can make one.
#[derive(Debug)]
pub struct Allowed<P> {
    staff: Staff,
    granted: PhantomData<fn() -> P>,
}

impl<P> Allowed<P> {
    /// The staff member who was allowed.
    pub fn staff(&self) -> &Staff {
        &self.staff
    }

    /// For history rows and the refunds table.
    pub fn actor(&self) -> StaffId {
        self.staff.actor()
    }
}

/// The marker types `Allowed<_>` is made for: one per [`Permission`], and [`can::Admin`]
/// for what only admins do.
pub mod can {
    // `super::Staff` is the checked staff member; `Staff` here is the marker for the
    // `staff` permission.
    use super::Permission;

    mod sealed {
        pub trait Sealed {}
    }

    /// What a marker requires of a staff member. Sealed: only the markers below exist.
    pub trait Grant: sealed::Sealed {
        fn granted(staff: &super::Staff) -> bool;
    }

    macro_rules! markers {
        ($($name:ident),*) => {$(
            #[derive(Debug)]
            pub struct $name;
            impl sealed::Sealed for $name {}
            impl Grant for $name {
                fn granted(staff: &super::Staff) -> bool {
                    staff.has(Permission::$name)
                }
            }
        )*};
    }

    markers!(
        Catalog, Inventory, Orders, Refunds, Customers, Settings, Staff, Audit
    );

    /// Only admins: roles, and the rule that staff sign in with two factors.
    #[derive(Debug)]
    pub struct Admin;
    impl sealed::Sealed for Admin {}
    impl Grant for Admin {
        fn granted(staff: &super::Staff) -> bool {
            staff.admin
        }
    }
}

/// Checks that `account` may do staff work now, reading its role and permissions from
/// the database (a role changed since the session began counts at once). Customers are
/// refused; staff and admins without two factors are refused while the shop requires
/// them.
pub async fn sign_in_as_staff(pool: &PgPool, account: &Account) -> DomainResult<Staff> {
    let row = sqlx::query!(
        r#"SELECT role AS "role: Role", permissions,
                  totp_enabled_at IS NOT NULL AS "two_factor!"
           FROM accounts WHERE id = $1"#,
        account.id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(DomainError::Unauthorized)?;
    if row.role < Role::Staff {
        return Err(DomainError::Forbidden);
    }
    if !row.two_factor && admin::staff_two_factor(pool).await? {
        return Err(DomainError::Validation {
            field: "two_factor",
            message: "account.errors.staff_two_factor".into(),
        });
    }
    Ok(Staff {
        id: account.id,
        admin: row.role == Role::Admin,
        permissions: from_codes(&row.permissions),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(admin: bool, permissions: &[Permission]) -> Staff {
        Staff {
            id: Uuid::new_v4(),
            admin,
            permissions: permissions.to_vec(),
        }
    }

    #[test]
    fn staff_are_allowed_what_they_were_given_and_admins_everything() {
        let clerk = staff(false, &[Permission::Orders]);
        assert!(clerk.allowed::<can::Orders>().is_ok());
        assert!(matches!(
            clerk.allowed::<can::Refunds>(),
            Err(DomainError::Forbidden)
        ));
        assert!(clerk.allowed::<can::Admin>().is_err());
        let boss = staff(true, &[]);
        assert!(boss.allowed::<can::Refunds>().is_ok());
        assert!(boss.allowed::<can::Admin>().is_ok());
        assert_eq!(boss.permissions(), Permission::ALL.to_vec());
    }

    #[test]
    fn permission_codes_read_back() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.code()), Some(p));
        }
        assert_eq!(
            from_codes(&["refunds".into(), "nonsense".into(), "orders".into()]),
            vec![Permission::Orders, Permission::Refunds]
        );
    }
}
