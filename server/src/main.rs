//! `vitrine`: runs the shop. Settings come from the environment (see `config.rs`).

use std::process::ExitCode;

const USAGE: &str = "usage: vitrine [serve]

Runs the Vitrine shop. With no DATABASE_URL it starts its own PostgreSQL in
VITRINE_DATA_DIR (default ./data). See the README for every setting.";

fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("vitrine: ignoring .env: {e}");
    }
    init_logging();
    match std::env::args().nth(1).as_deref() {
        None | Some("serve") => {}
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("vitrine: unknown command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let result = server::config::from_env()
        .map_err(server::StartError::from)
        .and_then(server::run);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "vitrine stopped");
            eprintln!("vitrine: {error}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("VITRINE_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}
