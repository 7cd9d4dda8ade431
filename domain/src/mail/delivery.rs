//! Delivering the outbox: over SMTP when the shop has a server configured, otherwise
//! into files in the data directory (every message readable without any mail server).
//!
//! The outbox is delivered by a job ([`job`], run by `jobs::Runner` every 2 seconds on
//! one replica at a time). [`deliver_due`] is safe to run in any number of processes at
//! once all the same: each claims messages with `FOR UPDATE SKIP LOCKED` and a lease, so
//! a message goes out once, and one that fails is retried later with a growing delay.
//!
//! Once a message is sent (or given up), its text is removed from the outbox: messages
//! carry working links (password resets, confirmations, guest order keys) that must not
//! outlive their delivery in the database. The row stays (who, what subject, when). The
//! files written without SMTP are for the shop's operator only: the folder is 0700 and
//! each file 0600.

use std::path::PathBuf;

use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;

use crate::DomainResult;

/// After this many failed attempts a message is marked failed and left for staff.
pub const MAX_ATTEMPTS: i32 = 8;

/// How many messages one claim takes.
const BATCH: usize = 20;

#[derive(Clone)]
pub enum Transport {
    /// Writes `<id>.eml` (the full message) and `<id>.txt` (headers and text) per message.
    Files(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Transport {
    /// An SMTP transport from a URL: `smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required`, or `smtp://localhost:25` (no TLS: local relays only).
    pub fn smtp(url: &str) -> Result<Transport, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|builder| Transport::Smtp(builder.build()))
            .map_err(|e| e.to_string())
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Files(dir) => format!("files in {}", dir.display()),
            Transport::Smtp(_) => "SMTP".into(),
        }
    }
}

/// The sender every message shows, e.g. `Vitrine <shop@example.com>`.
pub fn parse_sender(text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>()
        .map_err(|e| format!("`{text}`: {e}"))
}

struct Claimed {
    id: i64,
    to_address: String,
    subject: String,
    text_body: String,
    html_body: String,
    attempts: i32,
}

/// Sends what is due; returns how many went out.
pub async fn deliver_due(
    pool: &PgPool,
    transport: &Transport,
    from: &Mailbox,
) -> DomainResult<usize> {
    let claimed = sqlx::query_as!(
        Claimed,
        "UPDATE outbox_emails SET attempts = attempts + 1,
                next_attempt_at = now() + interval '5 minutes'
         WHERE id IN (SELECT id FROM outbox_emails
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, to_address, subject, text_body, html_body, attempts",
        BATCH as i64
    )
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    for mail in claimed {
        match send(transport, from, &mail).await {
            Ok(()) => {
                sqlx::query!(
                    "UPDATE outbox_emails SET sent_at = now(), last_error = NULL,
                            text_body = '', html_body = ''
                     WHERE id = $1",
                    mail.id
                )
                .execute(pool)
                .await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(id = mail.id, attempt = mail.attempts, %error, "e-mail not delivered");
                let give_up = mail.attempts >= MAX_ATTEMPTS || error.starts_with("permanent:");
                sqlx::query!(
                    "UPDATE outbox_emails SET last_error = $2,
                            failed_at = CASE WHEN $3 THEN now() END,
                            text_body = CASE WHEN $3 THEN '' ELSE text_body END,
                            html_body = CASE WHEN $3 THEN '' ELSE html_body END,
                            next_attempt_at = now() + make_interval(secs =>
                              least(21600, 30 * power(2, $4::int - 1)))
                     WHERE id = $1",
                    mail.id,
                    error,
                    give_up,
                    mail.attempts
                )
                .execute(pool)
                .await?;
            }
        }
    }
    Ok(sent)
}

async fn send(transport: &Transport, from: &Mailbox, mail: &Claimed) -> Result<(), String> {
    let to: Mailbox = mail
        .to_address
        .parse()
        .map_err(|e| format!("permanent: bad recipient: {e}"))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text_body.clone(),
            mail.html_body.clone(),
        ))
        .map_err(|e| format!("permanent: {e}"))?;
    match transport {
        Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| {
            if e.is_permanent() {
                format!("permanent: {e}")
            } else {
                e.to_string()
            }
        }),
        Transport::Files(dir) => {
            let write = async {
                private_dir(dir).await?;
                let stem = dir.join(format!("{:08}", mail.id));
                write_private(&stem.with_extension("eml"), &message.formatted()).await?;
                let readable = format!(
                    "To: {}\nSubject: {}\n\n{}",
                    mail.to_address, mail.subject, mail.text_body
                );
                write_private(&stem.with_extension("txt"), readable.as_bytes()).await
            };
            write.await.map_err(|e| e.to_string())
        }
    }
}

/// The mail folder, readable by the shop's user only (also when it existed before).
async fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    tokio::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .await?;
    tokio::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).await
}

/// Writes a file only the shop's user can read (0600 from its creation, never briefly
/// readable by others).
async fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .await?;
    // A file left by an older version keeps its mode on open; make it private too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .await?;
    file.write_all(bytes).await?;
    file.flush().await
}

/// Sends what is due, batch after batch, until the outbox has nothing due; returns how
/// many went out. A batch with failures ends the run: those messages wait for their retry.
pub async fn deliver_all_due(
    pool: &PgPool,
    transport: &Transport,
    from: &Mailbox,
) -> DomainResult<u64> {
    let mut sent = 0;
    loop {
        let batch = deliver_due(pool, transport, from).await?;
        sent += batch as u64;
        if batch < BATCH {
            return Ok(sent);
        }
    }
}

/// The outbox job, every 2 seconds so a mail a request wrote goes out within a few
/// seconds. Quiet when idle: almost every run finds nothing, and a history row for each
/// would be 43,200 rows a day saying so (the job's row still shows when it last looked).
pub fn job(transport: Transport, from: Mailbox) -> crate::jobs::Job {
    crate::jobs::Job::new(
        "mail.deliver",
        std::time::Duration::from_secs(2),
        move |pool| {
            let (transport, from) = (transport.clone(), from.clone());
            async move { deliver_all_due(&pool, &transport, &from).await }
        },
    )
    .quiet_when_idle()
}
