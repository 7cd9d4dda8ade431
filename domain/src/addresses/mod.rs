//! Address books: each account's shipping and billing addresses, with one default of
//! each kind. Every function takes the owner's id and touches only that owner's rows,
//! so another customer's address id is simply "not found".

pub mod rules;

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::{DomainError, DomainResult, Thing};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "address_kind", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum AddressKind {
    Shipping,
    Billing,
}

impl AddressKind {
    pub fn parse(text: &str) -> Option<AddressKind> {
        match text {
            "shipping" => Some(AddressKind::Shipping),
            "billing" => Some(AddressKind::Billing),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Address {
    pub id: Uuid,
    pub kind: AddressKind,
    pub is_default: bool,
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
}

/// An address without its place in a book: what a label shows and an order keeps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PostalAddress {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
}

impl PostalAddress {
    /// As printed on a label, the country by name; empty lines left out.
    pub fn lines(&self) -> Vec<String> {
        let country =
            rules::country(&self.country).map_or(self.country.clone(), |c| c.name.to_string());
        [
            self.name.clone(),
            self.line1.clone(),
            self.line2.clone(),
            format!("{} {} {}", self.postal_code, self.city, self.region)
                .trim()
                .to_string(),
            country,
            self.phone.clone(),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect()
    }

    /// As the form would have posted it (to check it again by the same rules).
    pub fn input(&self, kind: &str) -> AddressInput {
        AddressInput {
            kind: kind.into(),
            name: self.name.clone(),
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            phone: self.phone.clone(),
            make_default: false,
        }
    }
}

impl Address {
    pub fn postal(&self) -> PostalAddress {
        PostalAddress {
            name: self.name.clone(),
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            phone: self.phone.clone(),
        }
    }
}

/// An address as typed into the form.
#[derive(Clone, Debug, Default)]
pub struct AddressInput {
    pub kind: String,
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub make_default: bool,
}

/// One problem per field, for messages beside each input.
pub type FieldErrors = Vec<(&'static str, &'static str)>;

/// Checks every field at once (so the form can mark them all) and returns the address
/// in normal form.
pub fn validate(input: &AddressInput) -> Result<(AddressKind, AddressInput), FieldErrors> {
    let mut errors: FieldErrors = Vec::new();
    let kind = AddressKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(("kind", "address.errors.kind"));
    }
    let text = |value: &str, max: usize| value.trim().chars().take(max + 1).collect::<String>();
    let mut clean = AddressInput {
        kind: input.kind.trim().into(),
        name: text(&input.name, 200),
        line1: text(&input.line1, 200),
        line2: text(&input.line2, 200),
        city: text(&input.city, 100),
        region: text(&input.region, 100),
        postal_code: String::new(),
        country: input.country.trim().to_uppercase(),
        phone: text(&input.phone, 40),
        make_default: input.make_default,
    };
    for (field, value, max, required) in [
        ("name", &clean.name, 200, true),
        ("line1", &clean.line1, 200, true),
        ("line2", &clean.line2, 200, false),
        ("city", &clean.city, 100, true),
    ] {
        let length = value.chars().count();
        if (required && length == 0) || length > max {
            errors.push((field, "address.errors.required"));
        }
    }
    let phone_ok = clean.phone.chars().count() <= 40
        && clean
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !phone_ok {
        errors.push(("phone", "address.errors.phone"));
    }
    match rules::country(&clean.country) {
        None => errors.push(("country", "address.errors.country")),
        Some(country) => {
            match rules::normalize_postal_code(country, &input.postal_code) {
                Some(code) => clean.postal_code = code,
                None => errors.push(("postal_code", postal_message(country.code))),
            }
            let region = clean.region.to_uppercase();
            if country.region_required && clean.region.is_empty() {
                errors.push(("region", "address.errors.region"));
            } else if !country.regions.is_empty() {
                if country.regions.contains(&region.as_str()) {
                    clean.region = region;
                } else {
                    errors.push(("region", "address.errors.region"));
                }
            } else if clean.region.chars().count() > 100 {
                errors.push(("region", "address.errors.region"));
            }
        }
    }
    match (kind, errors.is_empty()) {
        (Some(kind), true) => Ok((kind, clean)),
        _ => Err(errors),
    }
}

fn postal_message(country: &str) -> &'static str {
    match country {
        "BR" => "address.errors.cep",
        "US" => "address.errors.zip",
        _ => "address.errors.postal_code",
    }
}

/// The form's errors, each field's key as its message.
pub(crate) fn invalid(errors: FieldErrors) -> DomainError {
    DomainError::Invalid(
        errors
            .into_iter()
            .map(|(field, key)| (field, crate::Message::new(key)))
            .collect(),
    )
}

pub async fn list(pool: &PgPool, account_id: Uuid) -> DomainResult<Vec<Address>> {
    Ok(sqlx::query_as!(
        Address,
        r#"SELECT id, kind AS "kind: AddressKind", is_default, name, line1, line2, city,
                  region, postal_code, country::text AS "country!", phone
           FROM addresses WHERE account_id = $1
           ORDER BY kind, is_default DESC, created_at"#,
        account_id
    )
    .fetch_all(pool)
    .await?)
}

/// Adds an address; the first of its kind (or one marked so) becomes the default.
pub async fn add(pool: &PgPool, account_id: Uuid, input: &AddressInput) -> DomainResult<Uuid> {
    let (kind, a) = validate(input).map_err(invalid)?;
    let mut tx = pool.begin().await?;
    let count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM addresses WHERE account_id = $1"#,
        account_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if count >= 50 {
        return Err(DomainError::Conflict("address.errors.too_many".into()));
    }
    let has_default = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM addresses WHERE account_id = $1 AND kind = $2
                          AND is_default) AS "yes!""#,
        account_id,
        kind as AddressKind
    )
    .fetch_one(&mut *tx)
    .await?;
    let make_default = a.make_default || !has_default;
    if make_default {
        clear_default(&mut tx, account_id, kind).await?;
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO addresses (account_id, kind, is_default, name, line1, line2, city, region,
                                postal_code, country, phone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        account_id,
        kind as AddressKind,
        make_default,
        a.name,
        a.line1,
        a.line2,
        a.city,
        a.region,
        a.postal_code,
        a.country,
        a.phone
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces an address's fields (its kind stays).
pub async fn update(
    pool: &PgPool,
    account_id: Uuid,
    id: Uuid,
    input: &AddressInput,
) -> DomainResult<()> {
    let current = one(pool, account_id, id).await?;
    let mut input = input.clone();
    input.kind = match current.kind {
        AddressKind::Shipping => "shipping".into(),
        AddressKind::Billing => "billing".into(),
    };
    let (_, a) = validate(&input).map_err(invalid)?;
    let mut tx = pool.begin().await?;
    if a.make_default {
        clear_default(&mut tx, account_id, current.kind).await?;
    }
    sqlx::query!(
        "UPDATE addresses SET name = $3, line1 = $4, line2 = $5, city = $6, region = $7,
                postal_code = $8, country = $9, phone = $10, is_default = is_default OR $11
         WHERE id = $1 AND account_id = $2",
        id,
        account_id,
        a.name,
        a.line1,
        a.line2,
        a.city,
        a.region,
        a.postal_code,
        a.country,
        a.phone,
        a.make_default
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn one(pool: &PgPool, account_id: Uuid, id: Uuid) -> DomainResult<Address> {
    list(pool, account_id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(DomainError::NotFound(Thing::Address))
}

pub async fn make_default(pool: &PgPool, account_id: Uuid, id: Uuid) -> DomainResult<()> {
    let address = one(pool, account_id, id).await?;
    let mut tx = pool.begin().await?;
    clear_default(&mut tx, account_id, address.kind).await?;
    sqlx::query!(
        "UPDATE addresses SET is_default = true WHERE id = $1 AND account_id = $2",
        id,
        account_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete(pool: &PgPool, account_id: Uuid, id: Uuid) -> DomainResult<()> {
    let done = sqlx::query!(
        "DELETE FROM addresses WHERE id = $1 AND account_id = $2",
        id,
        account_id
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound(Thing::Address));
    }
    Ok(())
}

async fn clear_default(
    tx: &mut sqlx::PgConnection,
    account_id: Uuid,
    kind: AddressKind,
) -> DomainResult<()> {
    sqlx::query!(
        "UPDATE addresses SET is_default = false
         WHERE account_id = $1 AND kind = $2 AND is_default",
        account_id,
        kind as AddressKind
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(country: &str, postal: &str, region: &str) -> AddressInput {
        AddressInput {
            kind: "shipping".into(),
            name: "Ana Souza".into(),
            line1: "Av. Paulista, 1000".into(),
            city: "São Paulo".into(),
            region: region.into(),
            postal_code: postal.into(),
            country: country.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_brazilian_address_needs_a_cep_and_a_state() {
        let (_, ok) = validate(&input("br", "01310100", "sp")).unwrap();
        assert_eq!(
            (
                ok.postal_code.as_str(),
                ok.region.as_str(),
                ok.country.as_str()
            ),
            ("01310-100", "SP", "BR")
        );
        let errors = validate(&input("BR", "1310-100", "XX")).unwrap_err();
        assert!(
            errors.contains(&("postal_code", "address.errors.cep")),
            "{errors:?}"
        );
        assert!(
            errors.contains(&("region", "address.errors.region")),
            "{errors:?}"
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut bad = input("US", "ABCDE", "");
        bad.name = " ".into();
        bad.city = String::new();
        bad.kind = "pickup".into();
        let fields: Vec<&str> = validate(&bad)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        for field in ["kind", "name", "city", "postal_code", "region"] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
        assert!(
            validate(&input("ZZ", "1", ""))
                .unwrap_err()
                .contains(&("country", "address.errors.country"))
        );
    }
}
