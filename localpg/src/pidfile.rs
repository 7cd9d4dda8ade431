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

/// A lock file left by a crash names a pid that is gone, or that now belongs to another
/// program. PostgreSQL would refuse to start in the second case, so we remove the file
/// ourselves when the pid is not a live `postgres`. A live postgres means the directory is
/// really in use, which is an error.
pub fn clear_if_stale(data_dir: &Path) -> Result<(), Error> {
    let Some(contents) = read(data_dir) else {
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
        data_dir = %data_dir.display(),
        "removing a stale postmaster.pid left by a PostgreSQL that did not stop cleanly"
    );
    fs::remove_file(data_dir.join(FILE)).map_err(crate::io("removing a stale postmaster.pid"))
}

fn is_postgres(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|comm| matches!(comm.trim(), "postgres" | "postmaster"))
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
        clear_if_stale(dir.path()).unwrap();
        assert!(!dir.path().join(FILE).exists());
    }

    #[test]
    fn a_lock_file_naming_another_program_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        write_pidfile(dir.path(), &std::process::id().to_string(), "ready");
        clear_if_stale(dir.path()).unwrap();
        assert!(!dir.path().join(FILE).exists());
    }

    #[test]
    fn no_lock_file_is_fine() {
        let dir = tempfile::tempdir().unwrap();
        clear_if_stale(dir.path()).unwrap();
    }
}
