//! Delivering the outbox: into files by default, and over SMTP to a real (local) server.

use crate::common;

use domain::mail::delivery::{self, Transport};
use domain::mail::{self, Email};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn email(to: &str) -> Email {
    Email {
        to: to.into(),
        locale: "en".into(),
        subject: "Olá from the shop".into(),
        text: "Plain words.\nhttps://shop.example/en/account/verify?token=abc".into(),
        html: "<p>Plain words.</p>".into(),
    }
}

#[tokio::test]
async fn the_default_delivery_writes_readable_files_once() {
    let pool = common::database().await;
    let dir = tempfile::tempdir().unwrap();
    let transport = Transport::Files(dir.path().join("mail"));
    let from = delivery::parse_sender("Shop <shop@example.com>").unwrap();
    let id = mail::enqueue(&pool, &email("ana@example.com"))
        .await
        .unwrap();
    assert_eq!(
        delivery::deliver_due(&pool, &transport, &from)
            .await
            .unwrap(),
        1
    );
    // Sent once: a second run finds nothing due.
    assert_eq!(
        delivery::deliver_due(&pool, &transport, &from)
            .await
            .unwrap(),
        0
    );
    let stem = dir.path().join("mail").join(format!("{id:08}"));
    let text = std::fs::read_to_string(stem.with_extension("txt")).unwrap();
    assert!(
        text.starts_with("To: ana@example.com\nSubject: Olá from the shop\n"),
        "{text}"
    );
    assert!(text.contains("verify?token=abc"));
    let eml = std::fs::read_to_string(stem.with_extension("eml")).unwrap();
    assert!(
        eml.contains("multipart/alternative") && eml.contains("text/html"),
        "{eml}"
    );
}

#[tokio::test]
async fn delivered_mail_leaves_no_working_link_behind() {
    use std::os::unix::fs::PermissionsExt;
    let pool = common::database().await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mail");
    let transport = Transport::Files(folder.clone());
    let from = delivery::parse_sender("Shop <shop@example.com>").unwrap();
    let id = mail::enqueue(&pool, &email("ana@example.com"))
        .await
        .unwrap();
    delivery::deliver_due(&pool, &transport, &from)
        .await
        .unwrap();
    // The outbox keeps that it was sent, not the link it carried.
    let (subject, text, html, sent): (String, String, String, bool) = sqlx::query_as(
        "SELECT subject, text_body, html_body, sent_at IS NOT NULL FROM outbox_emails
         WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(subject, "Olá from the shop");
    assert!(sent);
    assert!(
        !text.contains("token=") && !html.contains("token="),
        "{text}"
    );
    // The copies on disk are the shop user's alone.
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    let stem = folder.join(format!("{id:08}"));
    assert_eq!(mode(&stem.with_extension("txt")), 0o600);
    assert_eq!(mode(&stem.with_extension("eml")), 0o600);
}

#[tokio::test]
async fn a_message_that_cannot_be_delivered_is_retried_later_then_given_up() {
    let pool = common::database().await;
    // A folder that cannot be created: delivery fails.
    let transport = Transport::Files("/proc/vitrine-cannot-write-here".into());
    let from = delivery::parse_sender("shop@example.com").unwrap();
    let id = mail::enqueue(&pool, &email("ana@example.com"))
        .await
        .unwrap();
    assert_eq!(
        delivery::deliver_due(&pool, &transport, &from)
            .await
            .unwrap(),
        0
    );
    let (attempts, waits, error): (i32, bool, Option<String>) = sqlx::query_as(
        "SELECT attempts, next_attempt_at > now(), last_error FROM outbox_emails WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((attempts, waits), (1, true));
    assert!(error.is_some());
    // Not due again until its delay passes.
    assert_eq!(
        delivery::deliver_due(&pool, &transport, &from)
            .await
            .unwrap(),
        0
    );
    sqlx::query("UPDATE outbox_emails SET next_attempt_at = now(), attempts = $2 WHERE id = $1")
        .bind(id)
        .bind(delivery::MAX_ATTEMPTS - 1)
        .execute(&pool)
        .await
        .unwrap();
    delivery::deliver_due(&pool, &transport, &from)
        .await
        .unwrap();
    let failed: bool =
        sqlx::query_scalar("SELECT failed_at IS NOT NULL FROM outbox_emails WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(failed, "given up after the last attempt");
}

/// A minimal SMTP server (RFC 5321's happy path): enough to receive one message.
async fn smtp_server() -> (u16, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut transcript = String::new();
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.unwrap() {
            transcript.push_str(&line);
            transcript.push('\n');
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                }
                continue;
            }
            let upper = line.to_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250 test\r\n"
            } else if upper.starts_with("DATA") {
                in_data = true;
                b"354 go ahead\r\n"
            } else if upper.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            write.write_all(reply).await.unwrap();
        }
        transcript
    });
    (port, handle)
}

#[tokio::test]
async fn smtp_delivery_sends_both_parts_to_the_server() {
    let pool = common::database().await;
    let (port, server) = smtp_server().await;
    let transport = Transport::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let from = delivery::parse_sender("Shop <shop@example.com>").unwrap();
    mail::enqueue(&pool, &email("ana@example.com"))
        .await
        .unwrap();
    assert_eq!(
        delivery::deliver_due(&pool, &transport, &from)
            .await
            .unwrap(),
        1
    );
    let transcript = tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
    assert!(
        transcript.contains("MAIL FROM:<shop@example.com>"),
        "{transcript}"
    );
    assert!(
        transcript.contains("RCPT TO:<ana@example.com>"),
        "{transcript}"
    );
    assert!(
        transcript.contains("text/plain") && transcript.contains("text/html"),
        "{transcript}"
    );
}

#[tokio::test]
async fn the_delivery_job_drains_the_outbox_beyond_one_batch() {
    let pool = common::database().await;
    let dir = tempfile::tempdir().unwrap();
    let transport = Transport::Files(dir.path().join("mail"));
    let from = delivery::parse_sender("Shop <shop@example.com>").unwrap();
    for n in 0..25 {
        mail::enqueue(&pool, &email(&format!("shopper{n}@example.com")))
            .await
            .unwrap();
    }
    let job = delivery::job(transport, from);
    assert_eq!(job.run(&pool).await.unwrap(), 25);
    let waiting: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(waiting, 0);
}
