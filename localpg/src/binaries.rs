//! Finding the PostgreSQL server programs.

use std::path::{Path, PathBuf};

use crate::Error;

const PROGRAMS: [&str; 2] = ["initdb", "postgres"];

/// Where to look, in order: `VITRINE_PG_BIN`, the newest Debian/Ubuntu install
/// (`/usr/lib/postgresql/<major>/bin`), then `PATH`. Debian puts only client wrappers on
/// `PATH`, so the versioned folder comes first.
pub fn find_bin_dir() -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os("VITRINE_PG_BIN") {
        return check_bin_dir(Path::new(&dir));
    }
    let mut candidates = debian_bin_dirs();
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    candidates
        .into_iter()
        .find(|dir| has_programs(dir))
        .ok_or_else(|| Error::BinariesNotFound {
            searched: String::new(),
        })
}

/// Accepts an explicitly configured folder only if both programs are in it.
pub fn check_bin_dir(dir: &Path) -> Result<PathBuf, Error> {
    if has_programs(dir) {
        Ok(dir.to_path_buf())
    } else {
        Err(Error::BinariesNotFound {
            searched: format!(" in {}", dir.display()),
        })
    }
}

fn has_programs(dir: &Path) -> bool {
    PROGRAMS.iter().all(|program| dir.join(program).is_file())
}

/// `/usr/lib/postgresql/<major>/bin`, newest major version first.
fn debian_bin_dirs() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") else {
        return Vec::new();
    };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|(major, _)| std::cmp::Reverse(*major));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_the_programs_is_refused_with_advice() {
        let empty = tempfile::tempdir().unwrap();
        let err = check_bin_dir(empty.path()).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("apt-get install postgresql"), "{message}");
        assert!(message.contains(&empty.path().display().to_string()));
    }

    #[test]
    fn a_folder_with_both_programs_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        for program in PROGRAMS {
            std::fs::write(dir.path().join(program), "").unwrap();
        }
        assert_eq!(check_bin_dir(dir.path()).unwrap(), dir.path());
    }
}
