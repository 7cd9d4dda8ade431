//! Staff work on attributes (material, brand: they describe products and drive the
//! storefront's filters) and option types (size, colour: variants are made of their
//! values), and on the values of each: create, rename per language, reorder, delete
//! when nothing uses it.
//!
//! The four tables pairs (`attributes` and `attribute_values`, `option_types` and
//! `option_values`, each with its translations) follow the same rules, so every function
//! takes the [`Target`] it works on; the SQL differs only in table names, written out per
//! target so the compiler checks each query. Every function takes the `catalog`
//! permission's proof, owns its transaction and writes an audit record inside it.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::categories::{Direction, default_locale};
use super::naming::{self, Named, Typed};
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::{DomainError, DomainResult, Message, Thing};

/// Which kind of row a function works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Attribute,
    AttributeValue,
    OptionType,
    OptionValue,
}

impl Target {
    /// The audit log's subject.
    pub fn code(self) -> &'static str {
        match self {
            Target::Attribute => "attribute",
            Target::AttributeValue => "attribute_value",
            Target::OptionType => "option_type",
            Target::OptionValue => "option_value",
        }
    }

    pub fn parse(code: &str) -> Option<Target> {
        [
            Target::Attribute,
            Target::AttributeValue,
            Target::OptionType,
            Target::OptionValue,
        ]
        .into_iter()
        .find(|t| t.code() == code)
    }

    /// A value belongs to an attribute or option type.
    pub fn is_value(self) -> bool {
        matches!(self, Target::AttributeValue | Target::OptionValue)
    }

    fn action(self, verb: &str) -> &'static str {
        // The audit log's actions are fixed strings: one per target and verb.
        macro_rules! actions {
            ($($t:ident => $p:literal),*) => {
                match (self, verb) {
                    $(
                        (Target::$t, "create") => concat!($p, ".create"),
                        (Target::$t, "rename") => concat!($p, ".rename"),
                        (Target::$t, "reorder") => concat!($p, ".reorder"),
                        (Target::$t, _) => concat!($p, ".delete"),
                    )*
                }
            };
        }
        actions!(Attribute => "attribute", AttributeValue => "attribute_value",
                 OptionType => "option_type", OptionValue => "option_value")
    }
}

/// The longest name (the tables' CHECKs).
const NAME_MAX: usize = 100;
/// The longest code: it appears in filter addresses.
const CODE_MAX: usize = 64;

/// An attribute or option type with its values, as the back office lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub id: Uuid,
    pub code: String,
    pub names: Vec<Named>,
    /// Products (attributes) or variants (option types) using any of its values.
    pub used: i64,
    pub values: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Value {
    pub id: Uuid,
    pub code: String,
    pub names: Vec<Named>,
    /// Products (attribute values) or variants (option values) using it.
    pub used: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overview {
    pub attributes: Vec<Group>,
    pub option_types: Vec<Group>,
}

/// Every attribute and option type with its values, each in the owner's order.
pub async fn overview(pool: &PgPool, _by: &Allowed<can::Catalog>) -> DomainResult<Overview> {
    let mut conn = pool.acquire().await?;
    let attributes = sqlx::query!(
        r#"SELECT a.id, a.code,
                  (SELECT count(DISTINCT pav.product_id) FROM product_attribute_values pav
                   JOIN attribute_values v ON v.id = pav.attribute_value_id
                   WHERE v.attribute_id = a.id) AS "used!"
           FROM attributes a ORDER BY a.position, a.code"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.code, r.used))
    .collect::<Vec<_>>();
    let attribute_values = sqlx::query!(
        r#"SELECT v.id, v.attribute_id AS parent, v.code,
                  (SELECT count(*) FROM product_attribute_values pav
                   WHERE pav.attribute_value_id = v.id) AS "used!"
           FROM attribute_values v ORDER BY v.position, v.code"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.parent, r.code, r.used))
    .collect::<Vec<_>>();
    let option_types = sqlx::query!(
        r#"SELECT o.id, o.code,
                  (SELECT count(*) FROM variant_option_values vov
                   WHERE vov.option_type_id = o.id) AS "used!"
           FROM option_types o ORDER BY o.position, o.code"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.code, r.used))
    .collect::<Vec<_>>();
    let option_values = sqlx::query!(
        r#"SELECT v.id, v.option_type_id AS parent, v.code,
                  (SELECT count(*) FROM variant_option_values vov
                   WHERE vov.option_value_id = v.id) AS "used!"
           FROM option_values v ORDER BY v.position, v.code"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.parent, r.code, r.used))
    .collect::<Vec<_>>();
    let mut names = HashMap::new();
    for target in [
        Target::Attribute,
        Target::AttributeValue,
        Target::OptionType,
        Target::OptionValue,
    ] {
        for (id, locale, name) in all_names(&mut conn, target).await? {
            if let Some(locale) = crate::locale::supported(&locale) {
                names.entry(id).or_insert_with(Vec::new).push(Named {
                    locale,
                    name,
                    slug: String::new(),
                });
            }
        }
    }
    for list in names.values_mut() {
        list.sort_by_key(|n: &Named| order_of(n.locale));
    }
    let group = |groups: Vec<(Uuid, String, i64)>, values: &[(Uuid, Uuid, String, i64)]| {
        groups
            .into_iter()
            .map(|(id, code, used)| Group {
                id,
                names: names.get(&id).cloned().unwrap_or_default(),
                code,
                used,
                values: values
                    .iter()
                    .filter(|v| v.1 == id)
                    .map(|(vid, _, code, used)| Value {
                        id: *vid,
                        code: code.clone(),
                        names: names.get(vid).cloned().unwrap_or_default(),
                        used: *used,
                    })
                    .collect(),
            })
            .collect()
    };
    Ok(Overview {
        attributes: group(attributes, &attribute_values),
        option_types: group(option_types, &option_values),
    })
}

/// Creates an attribute or option type (no `parent`), or a value of the `parent` one,
/// last in order. The code is fixed once made: filter addresses use it.
pub async fn create(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    target: Target,
    parent: Option<Uuid>,
    code: &str,
    typed: &[Typed],
) -> DomainResult<Uuid> {
    let mut tx = pool.begin().await?;
    let default_locale = default_locale(&mut tx).await?;
    let code = code.trim();
    let code_ok = !code.is_empty()
        && code.len() <= CODE_MAX
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let named = naming::check(typed, &default_locale, NAME_MAX, false);
    let named = match (code_ok, named) {
        (true, named) => named?,
        (false, Ok(_)) => return Err(code_error()),
        (false, Err(error)) => return Err(with_code_error(error)),
    };
    let parent = match (target.is_value(), parent) {
        (true, Some(parent)) => {
            lock(&mut tx, owner_of(target), parent).await?;
            Some(parent)
        }
        (true, None) => return Err(DomainError::NotFound(Thing::Record)),
        (false, _) => None,
    };
    let id = match target {
        Target::Attribute => {
            sqlx::query_scalar!(
                "INSERT INTO attributes (code, position)
             VALUES ($1, (SELECT COALESCE(max(position) + 1, 0) FROM attributes))
             ON CONFLICT (code) DO NOTHING RETURNING id",
                code
            )
            .fetch_optional(&mut *tx)
            .await?
        }
        Target::OptionType => {
            sqlx::query_scalar!(
                "INSERT INTO option_types (code, position)
             VALUES ($1, (SELECT COALESCE(max(position) + 1, 0) FROM option_types))
             ON CONFLICT (code) DO NOTHING RETURNING id",
                code
            )
            .fetch_optional(&mut *tx)
            .await?
        }
        Target::AttributeValue => {
            sqlx::query_scalar!(
                "INSERT INTO attribute_values (attribute_id, code, position)
             VALUES ($1, $2, (SELECT COALESCE(max(position) + 1, 0) FROM attribute_values
                              WHERE attribute_id = $1))
             ON CONFLICT (attribute_id, code) DO NOTHING RETURNING id",
                parent,
                code
            )
            .fetch_optional(&mut *tx)
            .await?
        }
        Target::OptionValue => {
            sqlx::query_scalar!(
                "INSERT INTO option_values (option_type_id, code, position)
             VALUES ($1, $2, (SELECT COALESCE(max(position) + 1, 0) FROM option_values
                              WHERE option_type_id = $1))
             ON CONFLICT (option_type_id, code) DO NOTHING RETURNING id",
                parent,
                code
            )
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    let Some(id) = id else {
        return Err(DomainError::field(
            "code",
            "admin.categories.errors.code_taken",
        ));
    };
    write_names(&mut tx, target, id, &named).await?;
    let mut after = naming::audit_map(&named);
    after.insert("code".into(), code.into());
    if let Some(parent) = parent {
        after.insert("parent".into(), parent.to_string());
    }
    audit::record(
        &mut tx,
        by.actor(),
        Change::new(target.action("create"), target.code(), id)
            .label(label(&named, &default_locale, code))
            .values(None::<()>, Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets the names per language (a blank one drops that language's; the default
/// language keeps one).
pub async fn rename(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    target: Target,
    id: Uuid,
    typed: &[Typed],
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let (code, _) = lock(&mut tx, target, id).await?;
    let default_locale = default_locale(&mut tx).await?;
    let named = naming::check(typed, &default_locale, NAME_MAX, false)?;
    let before = names_of(&mut tx, target, id).await?;
    if before == named {
        return Ok(());
    }
    write_names(&mut tx, target, id, &named).await?;
    audit::record(
        &mut tx,
        by.actor(),
        Change::new(target.action("rename"), target.code(), id)
            .label(label(&named, &default_locale, &code))
            .values(
                Some(naming::audit_map(&before)),
                Some(naming::audit_map(&named)),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves one place up or down among its siblings (at the end already: nothing changes).
pub async fn shift(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    target: Target,
    id: Uuid,
    direction: Direction,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let (code, parent) = lock(&mut tx, target, id).await?;
    // Siblings are locked in one order by every reorder, so two never deadlock.
    let mut siblings = match target {
        Target::Attribute => {
            sqlx::query_scalar!("SELECT id FROM attributes ORDER BY position, code FOR UPDATE")
                .fetch_all(&mut *tx)
                .await?
        }
        Target::OptionType => {
            sqlx::query_scalar!("SELECT id FROM option_types ORDER BY position, code FOR UPDATE")
                .fetch_all(&mut *tx)
                .await?
        }
        Target::AttributeValue => {
            sqlx::query_scalar!(
                "SELECT id FROM attribute_values WHERE attribute_id = $1
             ORDER BY position, code FOR UPDATE",
                parent
            )
            .fetch_all(&mut *tx)
            .await?
        }
        Target::OptionValue => {
            sqlx::query_scalar!(
                "SELECT id FROM option_values WHERE option_type_id = $1
             ORDER BY position, code FOR UPDATE",
                parent
            )
            .fetch_all(&mut *tx)
            .await?
        }
    };
    let Some(at) = siblings.iter().position(|s| *s == id) else {
        return Err(DomainError::NotFound(Thing::Record));
    };
    let to = match direction {
        Direction::Up if at > 0 => at - 1,
        Direction::Down if at + 1 < siblings.len() => at + 1,
        _ => return Ok(()),
    };
    siblings.swap(at, to);
    let positions: Vec<i32> = (0..siblings.len() as i32).collect();
    match target {
        Target::Attribute => {
            sqlx::query!(
                "UPDATE attributes t SET position = n.position
             FROM unnest($1::uuid[], $2::int[]) AS n(id, position)
             WHERE t.id = n.id AND t.position <> n.position",
                &siblings,
                &positions
            )
            .execute(&mut *tx)
            .await?
        }
        Target::OptionType => {
            sqlx::query!(
                "UPDATE option_types t SET position = n.position
             FROM unnest($1::uuid[], $2::int[]) AS n(id, position)
             WHERE t.id = n.id AND t.position <> n.position",
                &siblings,
                &positions
            )
            .execute(&mut *tx)
            .await?
        }
        Target::AttributeValue => {
            sqlx::query!(
                "UPDATE attribute_values t SET position = n.position
             FROM unnest($1::uuid[], $2::int[]) AS n(id, position)
             WHERE t.id = n.id AND t.position <> n.position",
                &siblings,
                &positions
            )
            .execute(&mut *tx)
            .await?
        }
        Target::OptionValue => {
            sqlx::query!(
                "UPDATE option_values t SET position = n.position
             FROM unnest($1::uuid[], $2::int[]) AS n(id, position)
             WHERE t.id = n.id AND t.position <> n.position",
                &siblings,
                &positions
            )
            .execute(&mut *tx)
            .await?
        }
    };
    audit::record(
        &mut tx,
        by.actor(),
        Change::new(target.action("reorder"), target.code(), id)
            .label(code)
            .values(
                Some(HashMap::from([("place", at + 1)])),
                Some(HashMap::from([("place", to + 1)])),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes it (an attribute or option type with its values) when no product or variant
/// uses it; otherwise says how many do.
pub async fn delete(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    target: Target,
    id: Uuid,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let (code, parent) = lock(&mut tx, target, id).await?;
    // The values are locked too: a product or variant taking one of them now waits,
    // and then finds it gone, instead of losing it silently to the cascade.
    let used = match target {
        Target::Attribute => {
            sqlx::query!(
                "SELECT id FROM attribute_values WHERE attribute_id = $1 FOR UPDATE",
                id
            )
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query_scalar!(
                r#"SELECT count(DISTINCT pav.product_id) AS "n!" FROM product_attribute_values pav
                   JOIN attribute_values v ON v.id = pav.attribute_value_id
                   WHERE v.attribute_id = $1"#,
                id
            )
            .fetch_one(&mut *tx)
            .await?
        }
        Target::AttributeValue => sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM product_attribute_values WHERE attribute_value_id = $1"#,
            id
        )
        .fetch_one(&mut *tx)
        .await?,
        Target::OptionType => {
            sqlx::query!(
                "SELECT id FROM option_values WHERE option_type_id = $1 FOR UPDATE",
                id
            )
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!" FROM variant_option_values WHERE option_type_id = $1"#,
                id
            )
            .fetch_one(&mut *tx)
            .await?
        }
        Target::OptionValue => sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM variant_option_values WHERE option_value_id = $1"#,
            id
        )
        .fetch_one(&mut *tx)
        .await?,
    };
    if used > 0 {
        return Err(DomainError::conflict(
            Message::new("admin.categories.errors.in_use").with("count", used),
        ));
    }
    let default_locale = default_locale(&mut tx).await?;
    let names = names_of(&mut tx, target, id).await?;
    match target {
        Target::Attribute => {
            sqlx::query!("DELETE FROM attributes WHERE id = $1", id)
                .execute(&mut *tx)
                .await?
        }
        Target::AttributeValue => {
            sqlx::query!("DELETE FROM attribute_values WHERE id = $1", id)
                .execute(&mut *tx)
                .await?
        }
        Target::OptionType => {
            sqlx::query!("DELETE FROM option_types WHERE id = $1", id)
                .execute(&mut *tx)
                .await?
        }
        Target::OptionValue => {
            sqlx::query!("DELETE FROM option_values WHERE id = $1", id)
                .execute(&mut *tx)
                .await?
        }
    };
    let mut before = naming::audit_map(&names);
    before.insert("code".into(), code.clone());
    if let Some(parent) = parent {
        before.insert("parent".into(), parent.to_string());
    }
    audit::record(
        &mut tx,
        by.actor(),
        Change::new(target.action("delete"), target.code(), id)
            .label(label(&names, &default_locale, &code))
            .values(Some(before), None::<()>),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn code_error() -> DomainError {
    DomainError::field("code", "admin.categories.errors.code")
}

/// The names' errors with the code's added (a form tells all its wrong fields at once).
fn with_code_error(error: DomainError) -> DomainError {
    let mut fields = vec![("code", Message::new("admin.categories.errors.code"))];
    match error {
        DomainError::Validation { field, message } => fields.push((field, message)),
        DomainError::Invalid(more) => fields.extend(more),
        other => return other,
    }
    DomainError::Invalid(fields)
}

fn label(named: &[Named], default_locale: &str, code: &str) -> String {
    named
        .iter()
        .find(|n| n.locale == default_locale)
        .map_or_else(|| code.to_string(), |n| n.name.clone())
}

fn order_of(locale: &str) -> usize {
    naming::FIELDS
        .iter()
        .position(|(tag, _, _)| *tag == locale)
        .unwrap_or(usize::MAX)
}

/// What a value's parent is: its attribute or option type.
fn owner_of(target: Target) -> Target {
    match target {
        Target::AttributeValue => Target::Attribute,
        Target::OptionValue => Target::OptionType,
        other => other,
    }
}

/// Locks the row and gives its code and (for a value) its parent's id.
async fn lock(
    conn: &mut PgConnection,
    target: Target,
    id: Uuid,
) -> DomainResult<(String, Option<Uuid>)> {
    let found = match target {
        Target::Attribute => {
            sqlx::query!("SELECT code FROM attributes WHERE id = $1 FOR UPDATE", id)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| (r.code, None))
        }
        Target::OptionType => {
            sqlx::query!("SELECT code FROM option_types WHERE id = $1 FOR UPDATE", id)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| (r.code, None))
        }
        Target::AttributeValue => sqlx::query!(
            "SELECT code, attribute_id FROM attribute_values WHERE id = $1 FOR UPDATE",
            id
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.code, Some(r.attribute_id))),
        Target::OptionValue => sqlx::query!(
            "SELECT code, option_type_id FROM option_values WHERE id = $1 FOR UPDATE",
            id
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.code, Some(r.option_type_id))),
    };
    found.ok_or(DomainError::NotFound(Thing::Record))
}

/// Every (id, locale, name) of the target's translations.
async fn all_names(
    conn: &mut PgConnection,
    target: Target,
) -> DomainResult<Vec<(Uuid, String, String)>> {
    Ok(match target {
        Target::Attribute => {
            sqlx::query!("SELECT attribute_id AS id, locale, name FROM attribute_translations")
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|r| (r.id, r.locale, r.name))
                .collect()
        }
        Target::AttributeValue => sqlx::query!(
            "SELECT attribute_value_id AS id, locale, name FROM attribute_value_translations"
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.locale, r.name))
        .collect(),
        Target::OptionType => {
            sqlx::query!("SELECT option_type_id AS id, locale, name FROM option_type_translations")
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|r| (r.id, r.locale, r.name))
                .collect()
        }
        Target::OptionValue => sqlx::query!(
            "SELECT option_value_id AS id, locale, name FROM option_value_translations"
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.locale, r.name))
        .collect(),
    })
}

/// One row's names, in the forms' order of languages.
async fn names_of(conn: &mut PgConnection, target: Target, id: Uuid) -> DomainResult<Vec<Named>> {
    // Small tables, read whole: simpler than four more queries.
    let mut named: Vec<Named> = all_names(conn, target)
        .await?
        .into_iter()
        .filter(|(row, _, _)| *row == id)
        .filter_map(|(_, locale, name)| {
            crate::locale::supported(&locale).map(|locale| Named {
                locale,
                name,
                slug: String::new(),
            })
        })
        .collect();
    named.sort_by_key(|n| order_of(n.locale));
    Ok(named)
}

/// Makes the row's translations exactly `named`.
async fn write_names(
    conn: &mut PgConnection,
    target: Target,
    id: Uuid,
    named: &[Named],
) -> DomainResult<()> {
    let locales: Vec<&str> = named.iter().map(|n| n.locale).collect();
    let names: Vec<&str> = named.iter().map(|n| n.name.as_str()).collect();
    match target {
        Target::Attribute => {
            sqlx::query!(
                "DELETE FROM attribute_translations WHERE attribute_id = $1 AND locale <> ALL ($2::text[])",
                id,
                &locales as &[&str]
            )
            .execute(&mut *conn)
            .await?;
            sqlx::query!(
                "INSERT INTO attribute_translations (attribute_id, locale, name)
                 SELECT $1, * FROM unnest($2::text[], $3::text[])
                 ON CONFLICT (attribute_id, locale) DO UPDATE SET name = EXCLUDED.name
                 WHERE attribute_translations.name <> EXCLUDED.name",
                id,
                &locales as &[&str],
                &names as &[&str]
            )
            .execute(&mut *conn)
            .await?;
        }
        Target::AttributeValue => {
            sqlx::query!(
                "DELETE FROM attribute_value_translations
                 WHERE attribute_value_id = $1 AND locale <> ALL ($2::text[])",
                id,
                &locales as &[&str]
            )
            .execute(&mut *conn)
            .await?;
            sqlx::query!(
                "INSERT INTO attribute_value_translations (attribute_value_id, locale, name)
                 SELECT $1, * FROM unnest($2::text[], $3::text[])
                 ON CONFLICT (attribute_value_id, locale) DO UPDATE SET name = EXCLUDED.name
                 WHERE attribute_value_translations.name <> EXCLUDED.name",
                id,
                &locales as &[&str],
                &names as &[&str]
            )
            .execute(&mut *conn)
            .await?;
        }
        Target::OptionType => {
            sqlx::query!(
                "DELETE FROM option_type_translations WHERE option_type_id = $1 AND locale <> ALL ($2::text[])",
                id,
                &locales as &[&str]
            )
            .execute(&mut *conn)
            .await?;
            sqlx::query!(
                "INSERT INTO option_type_translations (option_type_id, locale, name)
                 SELECT $1, * FROM unnest($2::text[], $3::text[])
                 ON CONFLICT (option_type_id, locale) DO UPDATE SET name = EXCLUDED.name
                 WHERE option_type_translations.name <> EXCLUDED.name",
                id,
                &locales as &[&str],
                &names as &[&str]
            )
            .execute(&mut *conn)
            .await?;
        }
        Target::OptionValue => {
            sqlx::query!(
                "DELETE FROM option_value_translations
                 WHERE option_value_id = $1 AND locale <> ALL ($2::text[])",
                id,
                &locales as &[&str]
            )
            .execute(&mut *conn)
            .await?;
            sqlx::query!(
                "INSERT INTO option_value_translations (option_value_id, locale, name)
                 SELECT $1, * FROM unnest($2::text[], $3::text[])
                 ON CONFLICT (option_value_id, locale) DO UPDATE SET name = EXCLUDED.name
                 WHERE option_value_translations.name <> EXCLUDED.name",
                id,
                &locales as &[&str],
                &names as &[&str]
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
