//! Reading `postmaster.pid`, PostgreSQL's lock file in the data directory.
//!
//! Line 1 is the postmaster's pid; line 8 is its status (`ready` once it accepts
//! connections). See PostgreSQL's `pidfile.h`.

use std::fs;
use std::path::Path;

use crate::Error;

const FILE: &str = "postmaster.pid";
const STATUS_LINE: usize = 7;

fn read(data_dir: &Path) -> Option<String> {
    fs::read_to_string(data_dir.join(FILE)).ok()
}

fn pid(contents: &str) -> Option<i32> {
    contents.lines().next()?.trim().parse().ok()
}

/// True once the postmaster has written `ready` into its lock file.
pub fn is_ready(data_dir: &Path) -> bool {
    read(data_dir).is_some_and(|contents| {
        contents
            .lines()
            .nth(STATUS_LINE)
            .is_some_and(|status| status.trim() == "ready")
    })
}

/// Lock files left by a crash (`postmaster.pid` in the data directory and
/// `.s.PGSQL.<port>.lock` beside the socket) name a pid that is gone, a zombie, or a pid
/// now reused by another program. PostgreSQL refuses to start in the last two cases, so we
/// remove them ourselves when the pid is not a live `postgres`. A live postgres means the
/// directory really is in use, which is an error.
pub fn clear_stale_locks(data_dir: &Path, socket_dir: &Path, port: u16) -> Result<(), Error> {
    clear_if_stale(&data_dir.join(FILE), data_dir)?;
    clear_if_stale(&socket_dir.join(format!(".s.PGSQL.{port}.lock")), data_dir)
}

fn clear_if_stale(lock: &Path, data_dir: &Path) -> Result<(), Error> {
    let Ok(contents) = fs::read_to_string(lock) else {
        return Ok(());
    };
    if let Some(pid) = pid(&contents)
        && is_postgres(pid)
    {
        return Err(Error::InUse {
            path: data_dir.to_path_buf(),
            pid,
        });
    }
    tracing::warn!(
        lock = %lock.display(),
        "removing a stale lock file left by a PostgreSQL that did not stop cleanly"
    );
    fs::remove_file(lock).map_err(crate::io(format!("removing {}", lock.display())))
}

/// A live (not zombie) process named postgres. A killed postmaster stays a zombie until
/// its parent or init reaps it, and in a container init may never do so.
fn is_postgres(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "<pid> (<comm>) <state> ...": the name may hold spaces, so split at the last ')'.
    let Some((head, rest)) = stat.rsplit_once(") ") else {
        return false;
    };
    let name = head.split_once(" (").map_or("", |(_, name)| name);
    let dead = matches!(rest.chars().next(), Some('Z' | 'X'));
    !dead && matches!(name, "postgres" | "postmaster")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_pidfile(dir: &Path, pid: &str, status: &str) {
        let contents =
            format!("{pid}\n/data\n1700000000\n5432\n/data\n\n  5432001    65536\n{status}\n");
        fs::write(dir.join(FILE), contents).unwrap();
    }

    #[test]
    fn readiness_comes_from_the_status_line() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_ready(dir.path()));
        write_pidfile(dir.path(), "123", "starting");
        assert!(!is_ready(dir.path()));
        write_pidfile(dir.path(), "123", "ready   ");
        assert!(is_ready(dir.path()));
    }

    #[test]
    fn a_lock_file_naming_a_dead_process_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        // pid_max on Linux is at most 2^22, so this pid cannot exist.
        write_pidfile(dir.path(), "99999999", "ready");
        clear_stale_locks(dir.path(), dir.path(), 5432).unwrap();
        assert!(!dir.path().join(FILE).exists());
    }

    #[test]
    fn a_lock_file_naming_another_program_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        write_pidfile(dir.path(), &std::process::id().to_string(), "ready");
        clear_stale_locks(dir.path(), dir.path(), 5432).unwrap();
        assert!(!dir.path().join(FILE).exists());
    }

    #[test]
    fn a_zombie_postgres_does_not_hold_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        // A child that exits at once and is never reaped stays a zombie, as a killed
        // postmaster does; a copy of `true` named postgres gives it PostgreSQL's name.
        let program = dir.path().join("postgres");
        fs::copy("/bin/true", &program).unwrap();
        let child = std::process::Command::new(&program).spawn().unwrap();
        let pid = child.id() as i32;
        std::thread::sleep(std::time::Duration::from_millis(200));
        write_pidfile(dir.path(), &pid.to_string(), "ready");
        clear_stale_locks(dir.path(), dir.path(), 5432).unwrap();
        assert!(!dir.path().join(FILE).exists());
        drop(child);
    }

    #[test]
    fn a_stale_socket_lock_is_removed_too() {
        let dir = tempfile::tempdir().unwrap();
        let sockets = tempfile::tempdir().unwrap();
        let lock = sockets.path().join(".s.PGSQL.5432.lock");
        fs::write(&lock, "99999999\n/data\n").unwrap();
        clear_stale_locks(dir.path(), sockets.path(), 5432).unwrap();
        assert!(!lock.exists());
    }

    #[test]
    fn no_lock_file_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        clear_stale_locks(dir.path(), dir.path(), 5432).unwrap();
    }
}
