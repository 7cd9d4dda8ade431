use sqlx::PgExecutor;

use super::ShopSettings;

pub async fn settings(db: impl PgExecutor<'_>) -> sqlx::Result<ShopSettings> {
    sqlx::query_as!(
        ShopSettings,
        r#"SELECT name, default_locale, base_currency AS "base_currency!: String"
           FROM shop_settings"#
    )
    .fetch_one(db)
    .await
}

pub async fn rename(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE shop_settings SET name = $1, updated_at = now()",
        name
    )
    .execute(db)
    .await?;
    Ok(())
}
