//! Local files readable by their owner only: the data directory (0700), the SQLite database
//! with its `-wal` and `-shm` files, the secrets key and the demo's credentials (0600).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::Context;

/// Creates `dir` (and missing parents) with mode 0700. An existing directory is left as it is.
pub fn private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Creates a new file with mode 0600; fails if it exists.
pub fn create_private(path: &Path) -> anyhow::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

/// Writes `bytes` to `path` (created or truncated) with mode 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    restrict(path)?;
    f.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Sets the mode of an existing file to 0600.
pub fn restrict(path: &Path) -> anyhow::Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict the permissions of {}", path.display()))
}

/// The SQLite database file, created empty with mode 0600 when missing (SQLite then creates
/// its `-wal` and `-shm` files with the same mode); an existing one, and its `-wal`/`-shm`,
/// are set to 0600.
pub fn private_sqlite(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let p = Path::new(&name);
            if p.exists() {
                restrict(p)?;
            }
        }
        Ok(())
    } else {
        create_private(path).map(drop)
    }
}

/// Refuses a key file that its group or others may read or write.
pub fn ensure_private(path: &Path) -> anyhow::Result<()> {
    let mode = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .permissions()
        .mode();
    // Permission bits of the group and of others.
    let shared = mode & 0o077;
    anyhow::ensure!(
        shared == 0,
        "{} may be read by others (mode {:o}); make it readable by its owner only: chmod 600 {}",
        path.display(),
        mode & 0o777,
        path.display()
    );
    Ok(())
}

/// Makes a rename or a new file in `path`'s directory durable (best effort).
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}
