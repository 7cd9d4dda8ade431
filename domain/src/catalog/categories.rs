//! Staff work on the category tree: add, rename per language, move under another
//! parent, reorder among siblings, delete (empty, or moving what it holds elsewhere).
//!
//! Every function takes the `catalog` permission's proof, owns its transaction and
//! records the change in the audit log inside it. Changes to the tree's shape lock the
//! `categories` table first (readers are not blocked), so two moves at once cannot make a
//! cycle between them. The storefront's cached tree empties itself: the tables'
//! `catalog_changed` triggers notify every replica at commit.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::naming::{self, Named, Typed};
use crate::accounts::staff::{Allowed, can};
use crate::audit::{self, Change};
use crate::{DomainError, DomainResult, Message, Thing};

/// How many levels the tree may have: the storefront's menu and category pages show a
/// top level and its subcategories, so a deeper category would be out of sight.
pub const MAX_LEVELS: usize = 2;

/// The longest category name (the table's CHECK).
const NAME_MAX: usize = 200;

/// One category as the back office lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    /// 1 for a top-level category.
    pub level: usize,
    /// Products filed directly under it.
    pub products: i64,
    pub subcategories: usize,
    /// Its name and slug in each language it has, the default language first.
    pub names: Vec<Named>,
}

impl Entry {
    /// The name in `locale`, else the first one it has.
    pub fn name_in(&self, locale: &str) -> &str {
        self.names
            .iter()
            .find(|n| n.locale == locale)
            .or(self.names.first())
            .map_or("", |n| n.name.as_str())
    }
}

/// Up or down among its siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Where the products and subcategories of a category being deleted go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leftovers {
    /// Nowhere: the category must be empty.
    Refuse,
    /// Under this category.
    MoveTo(Uuid),
}

/// The whole tree, parents before their children, siblings in the owner's order.
pub async fn tree(pool: &PgPool, _by: &Allowed<can::Catalog>) -> DomainResult<Vec<Entry>> {
    let mut conn = pool.acquire().await?;
    let default_locale = default_locale(&mut conn).await?;
    let shape = Shape::load(&mut conn).await?;
    let products: HashMap<Uuid, i64> = sqlx::query!(
        r#"SELECT category_id AS "id!", count(*) AS "n!" FROM products GROUP BY category_id"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.n))
    .collect();
    let mut names = names_of(&mut conn, None).await?;
    for list in names.values_mut() {
        list.sort_by_key(|n| (n.locale != default_locale, order_of(n.locale)));
    }
    Ok(shape
        .in_order(&names, &default_locale)
        .into_iter()
        .map(|id| Entry {
            id,
            parent_id: shape.parent(id),
            level: shape.level(id),
            products: products.get(&id).copied().unwrap_or(0),
            subcategories: shape.children(id).len(),
            names: names.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// Adds a category under `parent` (or at the top), last among its siblings.
pub async fn create(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    parent: Option<Uuid>,
    typed: &[Typed],
) -> DomainResult<Uuid> {
    let mut tx = pool.begin().await?;
    lock_tree(&mut tx).await?;
    let default_locale = default_locale(&mut tx).await?;
    let named = naming::check(typed, &default_locale, NAME_MAX, true)?;
    let shape = Shape::load(&mut tx).await?;
    if let Some(parent) = parent {
        if !shape.exists(parent) {
            return Err(DomainError::NotFound(Thing::Category));
        }
        if shape.level(parent) + 1 > MAX_LEVELS {
            return Err(too_deep("parent"));
        }
    }
    slugs_free(&mut tx, None, &named).await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO categories (parent_id, position)
         VALUES ($1, (SELECT COALESCE(max(position) + 1, 0) FROM categories
                      WHERE parent_id IS NOT DISTINCT FROM $1))
         RETURNING id",
        parent
    )
    .fetch_one(&mut *tx)
    .await?;
    write_names(&mut tx, id, &named).await?;
    let after = Record::of(parent, &named);
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("category.create", "category", id)
            .label(label(&named, &default_locale))
            .values(None::<Record>, Some(after)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets the category's names and slugs: a language left blank loses its translation
/// (and falls back to the default language's); the default language keeps one.
pub async fn rename(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    id: Uuid,
    typed: &[Typed],
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    let parent = locked_parent(&mut tx, id).await?;
    let default_locale = default_locale(&mut tx).await?;
    let named = naming::check(typed, &default_locale, NAME_MAX, true)?;
    let before = names_of(&mut tx, Some(id))
        .await?
        .remove(&id)
        .unwrap_or_default();
    if before == named {
        return Ok(());
    }
    slugs_free(&mut tx, Some(id), &named).await?;
    let locales: Vec<&str> = named.iter().map(|n| n.locale).collect();
    sqlx::query!(
        "DELETE FROM category_translations WHERE category_id = $1 AND locale <> ALL ($2::text[])",
        id,
        &locales as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    write_names(&mut tx, id, &named).await?;
    sqlx::query!("UPDATE categories SET updated_at = now() WHERE id = $1", id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("category.rename", "category", id)
            .label(label(&named, &default_locale))
            .values(
                Some(Record::of(parent, &before)),
                Some(Record::of(parent, &named)),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the category (with its subcategories) under `parent`, or to the top level;
/// it goes last among its new siblings. Never under itself or its own subcategory.
pub async fn move_to(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    id: Uuid,
    parent: Option<Uuid>,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    lock_tree(&mut tx).await?;
    let shape = Shape::load(&mut tx).await?;
    if !shape.exists(id) {
        return Err(DomainError::NotFound(Thing::Category));
    }
    let before = shape.parent(id);
    if before == parent {
        return Ok(());
    }
    if let Some(parent) = parent {
        if !shape.exists(parent) {
            return Err(DomainError::NotFound(Thing::Category));
        }
        if shape.is_within(parent, id) {
            return Err(DomainError::field(
                "parent",
                "admin.categories.errors.into_itself",
            ));
        }
        if shape.level(parent) + shape.height(id) > MAX_LEVELS {
            return Err(too_deep("parent"));
        }
    }
    sqlx::query!(
        "UPDATE categories
         SET parent_id = $2, updated_at = now(),
             position = (SELECT COALESCE(max(position) + 1, 0) FROM categories
                         WHERE parent_id IS NOT DISTINCT FROM $2)
         WHERE id = $1",
        id,
        parent
    )
    .execute(&mut *tx)
    .await?;
    let default_locale = default_locale(&mut tx).await?;
    let names = names_of(&mut tx, Some(id))
        .await?
        .remove(&id)
        .unwrap_or_default();
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("category.move", "category", id)
            .label(label(&names, &default_locale))
            .values(
                Some(BTreeMap::from([("parent", before)])),
                Some(BTreeMap::from([("parent", parent)])),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the category one place up or down among its siblings (at the end already:
/// nothing changes). Siblings are numbered afresh, so ties from older data go away.
pub async fn shift(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    id: Uuid,
    direction: Direction,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    lock_tree(&mut tx).await?;
    let shape = Shape::load(&mut tx).await?;
    if !shape.exists(id) {
        return Err(DomainError::NotFound(Thing::Category));
    }
    let default_locale = default_locale(&mut tx).await?;
    let names = names_of(&mut tx, None).await?;
    let mut siblings = shape.siblings_in_order(shape.parent(id), &names, &default_locale);
    let Some(at) = siblings.iter().position(|s| *s == id) else {
        return Err(DomainError::NotFound(Thing::Category));
    };
    let to = match direction {
        Direction::Up if at > 0 => at - 1,
        Direction::Down if at + 1 < siblings.len() => at + 1,
        _ => return Ok(()),
    };
    siblings.swap(at, to);
    let positions: Vec<i32> = (0..siblings.len() as i32).collect();
    sqlx::query!(
        "UPDATE categories c SET position = n.position, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS n(id, position)
         WHERE c.id = n.id AND c.position <> n.position",
        &siblings,
        &positions
    )
    .execute(&mut *tx)
    .await?;
    let own = names.get(&id).cloned().unwrap_or_default();
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("category.reorder", "category", id)
            .label(label(&own, &default_locale))
            .values(
                Some(BTreeMap::from([("place", at + 1)])),
                Some(BTreeMap::from([("place", to + 1)])),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the category. One that holds products or subcategories is deleted only
/// with `Leftovers::MoveTo` another category (not inside it), where they all go.
pub async fn delete(
    pool: &PgPool,
    by: &Allowed<can::Catalog>,
    id: Uuid,
    leftovers: Leftovers,
) -> DomainResult<()> {
    let mut tx = pool.begin().await?;
    lock_tree(&mut tx).await?;
    let shape = Shape::load(&mut tx).await?;
    if !shape.exists(id) {
        return Err(DomainError::NotFound(Thing::Category));
    }
    // Locks the products too, so none is filed here while it goes.
    let products = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM products WHERE category_id = $1 FOR UPDATE"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?
    .len();
    let children = shape.children(id);
    let moved_to = if products == 0 && children.is_empty() {
        None
    } else {
        let Leftovers::MoveTo(target) = leftovers else {
            return Err(DomainError::field(
                "move_to",
                Message::new("admin.categories.errors.not_empty")
                    .with("products", products)
                    .with("subcategories", children.len()),
            ));
        };
        if !shape.exists(target) {
            return Err(DomainError::NotFound(Thing::Category));
        }
        if shape.is_within(target, id) {
            return Err(DomainError::field(
                "move_to",
                "admin.categories.errors.into_itself",
            ));
        }
        // The subcategories keep their own subtrees under the new parent.
        if !children.is_empty() && shape.level(target) + shape.height(id) - 1 > MAX_LEVELS {
            return Err(too_deep("move_to"));
        }
        sqlx::query!(
            "UPDATE products SET category_id = $2, updated_at = now() WHERE category_id = $1",
            id,
            target
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE categories
             SET parent_id = $2, updated_at = now(),
                 position = position + (SELECT COALESCE(max(position) + 1, 0) FROM categories
                                        WHERE parent_id = $2)
             WHERE parent_id = $1",
            id,
            target
        )
        .execute(&mut *tx)
        .await?;
        Some(target)
    };
    let default_locale = default_locale(&mut tx).await?;
    let names = names_of(&mut tx, Some(id))
        .await?
        .remove(&id)
        .unwrap_or_default();
    sqlx::query!("DELETE FROM categories WHERE id = $1", id)
        .execute(&mut *tx)
        .await?;
    let mut before = Record::of(shape.parent(id), &names);
    before.products = Some(products);
    before.subcategories = Some(children.len());
    audit::record(
        &mut tx,
        by.actor(),
        Change::new("category.delete", "category", id)
            .label(label(&names, &default_locale))
            .values(
                Some(before),
                moved_to.map(|to| BTreeMap::from([("moved_to", to)])),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the audit log keeps of a category: its parent and text per language.
#[derive(Serialize)]
struct Record {
    parent: Option<Uuid>,
    #[serde(flatten)]
    text: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    products: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subcategories: Option<usize>,
}

impl Record {
    fn of(parent: Option<Uuid>, named: &[Named]) -> Record {
        Record {
            parent,
            text: naming::audit_map(named),
            products: None,
            subcategories: None,
        }
    }
}

fn too_deep(field: &'static str) -> DomainError {
    DomainError::field(
        field,
        Message::new("admin.categories.errors.too_deep").with("levels", MAX_LEVELS),
    )
}

fn label(named: &[Named], default_locale: &str) -> String {
    named
        .iter()
        .find(|n| n.locale == default_locale)
        .or(named.first())
        .map_or_else(String::new, |n| n.name.clone())
}

/// Where a language sorts in the back office: the order of `naming::FIELDS`.
fn order_of(locale: &str) -> usize {
    naming::FIELDS
        .iter()
        .position(|(tag, _, _)| *tag == locale)
        .unwrap_or(usize::MAX)
}

/// Serialises changes to the tree's shape (see the module's note). Plain reads and
/// product changes go on meanwhile.
async fn lock_tree(conn: &mut PgConnection) -> DomainResult<()> {
    sqlx::query!("LOCK TABLE categories IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Locks one category's row (a rename does not change the shape) and gives its parent.
async fn locked_parent(conn: &mut PgConnection, id: Uuid) -> DomainResult<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT parent_id FROM categories WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound(Thing::Category))
}

pub(crate) async fn default_locale(conn: &mut PgConnection) -> DomainResult<String> {
    Ok(
        sqlx::query_scalar!("SELECT default_locale FROM shop_settings")
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// The names of one category (or all), by category.
async fn names_of(
    conn: &mut PgConnection,
    only: Option<Uuid>,
) -> DomainResult<HashMap<Uuid, Vec<Named>>> {
    let rows = sqlx::query!(
        "SELECT category_id, locale, name, slug FROM category_translations
         WHERE $1::uuid IS NULL OR category_id = $1
         ORDER BY category_id, locale",
        only
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut names: HashMap<Uuid, Vec<Named>> = HashMap::new();
    for row in rows {
        // A language the shop no longer speaks is not shown or edited.
        let Some(locale) = crate::locale::supported(&row.locale) else {
            continue;
        };
        names.entry(row.category_id).or_default().push(Named {
            locale,
            name: row.name,
            slug: row.slug,
        });
    }
    for list in names.values_mut() {
        list.sort_by_key(|n| order_of(n.locale));
    }
    Ok(names)
}

/// Refuses a slug another category already has in the same language, beside its field.
async fn slugs_free(
    conn: &mut PgConnection,
    except: Option<Uuid>,
    named: &[Named],
) -> DomainResult<()> {
    let locales: Vec<&str> = named.iter().map(|n| n.locale).collect();
    let slugs: Vec<&str> = named.iter().map(|n| n.slug.as_str()).collect();
    let taken = sqlx::query_scalar!(
        "SELECT t.locale FROM category_translations t
         JOIN unnest($1::text[], $2::text[]) AS wanted(locale, slug)
              ON wanted.locale = t.locale AND wanted.slug = t.slug
         WHERE $3::uuid IS NULL OR t.category_id <> $3",
        &locales as &[&str],
        &slugs as &[&str],
        except
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut problems: Vec<(&'static str, Message)> = taken
        .iter()
        .map(|locale| (naming::slug_field(locale), Message::new(naming::SLUG_TAKEN)))
        .collect();
    match problems.len() {
        0 => Ok(()),
        1 => {
            let (field, message) = problems.remove(0);
            Err(DomainError::Validation { field, message })
        }
        _ => Err(DomainError::Invalid(problems)),
    }
}

async fn write_names(conn: &mut PgConnection, id: Uuid, named: &[Named]) -> DomainResult<()> {
    for n in named {
        sqlx::query!(
            "INSERT INTO category_translations (category_id, locale, name, slug)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (category_id, locale) DO UPDATE
             SET name = EXCLUDED.name, slug = EXCLUDED.slug
             WHERE (category_translations.name, category_translations.slug)
                   IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.slug)",
            id,
            n.locale,
            n.name,
            n.slug
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The tree's shape: each category's parent and position.
struct Shape {
    rows: HashMap<Uuid, (Option<Uuid>, i32)>,
}

impl Shape {
    async fn load(conn: &mut PgConnection) -> DomainResult<Shape> {
        let rows = sqlx::query!("SELECT id, parent_id, position FROM categories")
            .fetch_all(&mut *conn)
            .await?;
        Ok(Shape {
            rows: rows
                .into_iter()
                .map(|r| (r.id, (r.parent_id, r.position)))
                .collect(),
        })
    }

    fn exists(&self, id: Uuid) -> bool {
        self.rows.contains_key(&id)
    }

    fn parent(&self, id: Uuid) -> Option<Uuid> {
        self.rows.get(&id).and_then(|r| r.0)
    }

    fn children(&self, id: Uuid) -> Vec<Uuid> {
        self.rows
            .iter()
            .filter(|(_, (parent, _))| *parent == Some(id))
            .map(|(child, _)| *child)
            .collect()
    }

    /// 1 at the top. Bounded by the number of categories, whatever the data holds.
    fn level(&self, id: Uuid) -> usize {
        let mut level = 1;
        let mut at = self.parent(id);
        while let Some(parent) = at {
            level += 1;
            if level > self.rows.len() {
                break;
            }
            at = self.parent(parent);
        }
        level
    }

    /// True when `id` is `root` or somewhere below it.
    fn is_within(&self, id: Uuid, root: Uuid) -> bool {
        let mut at = Some(id);
        let mut steps = 0;
        while let Some(current) = at {
            if current == root {
                return true;
            }
            steps += 1;
            if steps > self.rows.len() {
                return false;
            }
            at = self.parent(current);
        }
        false
    }

    /// Levels in the subtree under and including `id` (1 for a leaf).
    fn height(&self, id: Uuid) -> usize {
        self.rows
            .keys()
            .filter(|other| self.is_within(**other, id))
            .map(|other| {
                let mut levels = 1;
                let mut at = *other;
                while at != id {
                    levels += 1;
                    match self.parent(at) {
                        Some(parent) => at = parent,
                        None => break,
                    }
                }
                levels
            })
            .max()
            .unwrap_or(1)
    }

    /// Children of `parent` (`None`: the top level) as the storefront orders them: by
    /// position, then name in the default language.
    fn siblings_in_order(
        &self,
        parent: Option<Uuid>,
        names: &HashMap<Uuid, Vec<Named>>,
        default_locale: &str,
    ) -> Vec<Uuid> {
        let name = |id: &Uuid| {
            names
                .get(id)
                .and_then(|list| list.iter().find(|n| n.locale == default_locale))
                .map(|n| n.name.clone())
                .unwrap_or_default()
        };
        let mut siblings: Vec<(i32, String, Uuid)> = self
            .rows
            .iter()
            .filter(|(_, (p, _))| *p == parent)
            .map(|(id, (_, position))| (*position, name(id), *id))
            .collect();
        siblings.sort();
        siblings.into_iter().map(|(_, _, id)| id).collect()
    }

    /// Every category, depth first, each level in order.
    fn in_order(&self, names: &HashMap<Uuid, Vec<Named>>, default_locale: &str) -> Vec<Uuid> {
        let mut out = Vec::with_capacity(self.rows.len());
        let mut stack: Vec<Uuid> = self
            .siblings_in_order(None, names, default_locale)
            .into_iter()
            .rev()
            .collect();
        while let Some(id) = stack.pop() {
            if out.len() > self.rows.len() {
                break;
            }
            out.push(id);
            stack.extend(
                self.siblings_in_order(Some(id), names, default_locale)
                    .into_iter()
                    .rev(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(pairs: &[(u128, Option<u128>)]) -> Shape {
        Shape {
            rows: pairs
                .iter()
                .enumerate()
                .map(|(i, (id, parent))| {
                    (
                        Uuid::from_u128(*id),
                        (parent.map(Uuid::from_u128), i as i32),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn levels_heights_and_subtrees() {
        let s = shape(&[(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
        let id = Uuid::from_u128;
        assert_eq!(s.level(id(1)), 1);
        assert_eq!(s.level(id(3)), 3);
        assert_eq!(s.height(id(1)), 3);
        assert_eq!(s.height(id(4)), 1);
        assert!(s.is_within(id(3), id(1)));
        assert!(s.is_within(id(1), id(1)));
        assert!(!s.is_within(id(4), id(1)));
        let order = s.in_order(&HashMap::new(), "en");
        assert_eq!(order, vec![id(1), id(2), id(3), id(4)]);
    }
}
