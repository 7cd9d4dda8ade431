//! `vitrine`: runs the shop. Settings come from the environment (see `config.rs`).

use std::process::ExitCode;

/// mimalloc rather than glibc's allocator. Leptos builds each page on a thread of its
/// own and the runtime frees it on another; under load, glibc's allocator spent a third
/// of the server's time in its arena locks (malloc, free and their futex waits, in a
/// profile of the product page at 32 connections). mimalloc keeps a heap per thread and
/// hands frees from other threads back without a lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: vitrine [serve]
       vitrine seed --products N
       vitrine create-admin --email E [--password P]

serve  runs the Vitrine shop (the default). With no DATABASE_URL it starts its own
       PostgreSQL in VITRINE_DATA_DIR (default ./data). See the README for settings.
seed   fills an empty catalog with N generated demo products (e.g. 100000 for
       benchmarks), then exits.
create-admin
       creates an admin account with a verified e-mail; without --password a random
       password is made and printed.";

fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("vitrine: ignoring .env: {e}");
    }
    init_logging();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["serve"] => server::config::from_env()
            .map_err(server::StartError::from)
            .and_then(server::run),
        ["seed", "--products", count] => match count.parse::<usize>() {
            Ok(products) if (1..=10_000_000).contains(&products) => server::config::from_env()
                .map_err(server::StartError::from)
                .and_then(|config| server::seed(&config, products))
                .map(|seeded| println!("{seeded:?}")),
            _ => {
                eprintln!("vitrine: --products takes a number from 1 to 10000000, not `{count}`");
                return ExitCode::from(2);
            }
        },
        ["create-admin", "--email", email, rest @ ..] => {
            let password = match rest {
                [] => None,
                ["--password", password] => Some(*password),
                _ => {
                    eprintln!("vitrine: create-admin takes --email E and optionally --password P");
                    return ExitCode::from(2);
                }
            };
            server::config::from_env()
                .map_err(server::StartError::from)
                .and_then(|config| server::create_admin(&config, email, password))
                .map(|password| println!("Admin created: {email} / {password}"))
        }
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("vitrine: unknown command `{}`\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
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
