//! Running `initdb` and `postgres`, as an unprivileged user when we are root.

use std::ffi::CString;
use std::fs::OpenOptions;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Error, SUPERUSER, io};

/// The operating-system user PostgreSQL runs as. PostgreSQL refuses to run as root, so
/// when we are root (containers, CI) it runs as an unprivileged user, `postgres` by
/// default, and its folders are handed to that user.
#[derive(Clone, Debug)]
pub enum RunAs {
    CurrentUser,
    User { name: String, uid: u32, gid: u32 },
}

impl RunAs {
    pub fn for_current_user(unprivileged: &str) -> Result<RunAs, Error> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Ok(RunAs::CurrentUser);
        }
        let missing = || Error::NoUnprivilegedUser {
            user: unprivileged.to_string(),
        };
        let name = CString::new(unprivileged).map_err(|_| missing())?;
        // SAFETY: getpwnam takes a NUL-terminated string; we copy the fields out before any
        // other passwd call could overwrite the static buffer it returns.
        let entry = unsafe { libc::getpwnam(name.as_ptr()) };
        if entry.is_null() {
            return Err(missing());
        }
        let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
        Ok(RunAs::User {
            name: unprivileged.to_string(),
            uid,
            gid,
        })
    }

    /// Makes a folder readable by PostgreSQL's user only (0700, owned by that user).
    pub fn make_private(&self, dir: &Path) -> std::io::Result<()> {
        if let RunAs::User { uid, gid, .. } = self {
            std::os::unix::fs::chown(dir, Some(*uid), Some(*gid))?;
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }

    /// When PostgreSQL runs as another user, every folder above its data directory must
    /// let that user through. A clone under /root does not, so say so plainly.
    pub fn check_can_enter(&self, dir: &Path) -> Result<(), String> {
        let RunAs::User { name, uid, gid } = self else {
            return Ok(());
        };
        for ancestor in dir.ancestors().skip(1) {
            let Ok(meta) = std::fs::metadata(ancestor) else {
                continue;
            };
            let mode = meta.mode();
            let passes = mode & 0o001 != 0
                || (meta.uid() == *uid && mode & 0o100 != 0)
                || (meta.gid() == *gid && mode & 0o010 != 0);
            if !passes {
                return Err(format!(
                    "we are running as root, so PostgreSQL runs as the `{name}` user, who \
                     cannot enter {}; choose a data directory it can reach with \
                     VITRINE_DATA_DIR (for example under /var/lib/vitrine), or run Vitrine \
                     as a normal user",
                    ancestor.display()
                ));
            }
        }
        Ok(())
    }

    fn apply(&self, command: &mut Command) {
        if let RunAs::User { uid, gid, .. } = self {
            command.uid(*uid).gid(*gid);
        }
    }
}

pub fn initdb(
    bin_dir: &Path,
    data_dir: &Path,
    run_as: &RunAs,
    ephemeral: bool,
) -> Result<(), Error> {
    tracing::info!(data_dir = %data_dir.display(), "creating a new PostgreSQL cluster");
    let mut command = Command::new(bin_dir.join("initdb"));
    command
        .arg("--pgdata")
        .arg(data_dir)
        .arg(format!("--username={SUPERUSER}"))
        // Only the owner can reach the socket (0700 folder), so trust is local-only.
        .args([
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-instructions",
        ])
        .current_dir(data_dir)
        .stdin(Stdio::null());
    if ephemeral {
        command.arg("--no-sync");
    }
    run_as.apply(&mut command);
    let output = command
        .output()
        .map_err(io(format!("running {}", bin_dir.join("initdb").display())))?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stderr).trim().to_string();
    if text.is_empty() {
        text = String::from_utf8_lossy(&output.stdout).trim().to_string();
    }
    Err(Error::Initdb {
        path: data_dir.to_path_buf(),
        output: text,
    })
}

pub fn spawn_postgres(
    bin_dir: &Path,
    data_dir: &Path,
    socket_dir: &Path,
    port: u16,
    log_file: &Path,
    run_as: &RunAs,
    ephemeral: bool,
) -> Result<Child, Error> {
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_file)
        .map_err(io(format!("opening {}", log_file.display())))?;
    let log_err = log
        .try_clone()
        .map_err(io(format!("opening {}", log_file.display())))?;
    let mut command = Command::new(bin_dir.join("postgres"));
    command
        .arg("-D")
        .arg(data_dir)
        .arg("-k")
        .arg(socket_dir)
        .arg("-p")
        .arg(port.to_string())
        .args([
            "-c",
            "listen_addresses=",
            "-c",
            "unix_socket_permissions=0700",
        ])
        .current_dir(data_dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    if ephemeral {
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    run_as.apply(&mut command);
    // SAFETY: only async-signal-safe calls (setpgid, prctl) between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // Its own process group: Ctrl-C in a terminal reaches the server, which
            // finishes its requests first and then stops PostgreSQL itself.
            if libc::setpgid(0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // If the thread that started us dies (the server crashed or was killed),
            // shut down fast instead of living on as an orphan holding the data dir.
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command.spawn().map_err(io(format!(
        "starting {}",
        bin_dir.join("postgres").display()
    )))
}

/// Asks for a fast shutdown (SIGINT) and waits; after `timeout`, an immediate one (SIGQUIT).
pub fn stop_postgres(child: &mut Child, timeout: Duration) -> std::io::Result<()> {
    if child.try_wait()?.is_some() {
        return Ok(());
    }
    signal(child, libc::SIGINT);
    let started = Instant::now();
    while started.elapsed() < timeout {
        if child.try_wait()?.is_some() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    tracing::warn!("PostgreSQL did not stop in time; forcing an immediate shutdown");
    signal(child, libc::SIGQUIT);
    child.wait().map(|_| ())
}

fn signal(child: &Child, signal: i32) {
    // SAFETY: kill is safe to call with any pid; the child is ours and not yet reaped.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
}
