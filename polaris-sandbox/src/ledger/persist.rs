//! Saving the sandbox to a JSON file and loading it back.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::history::History;
use super::state::LedgerState;

/// Everything the sandbox keeps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version.
    pub version: u32,
    /// The ledger state.
    pub state: LedgerState,
    /// The recorded history.
    pub history: History,
}

/// The current snapshot format.
pub const VERSION: u32 = 1;

/// Writes the snapshot atomically (temporary file, then rename).
pub fn save(path: &Path, snapshot: &Snapshot) -> io::Result<()> {
    let json = serde_json::to_vec(snapshot).map_err(io::Error::other)?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}

/// Reads a snapshot; `Ok(None)` when the file does not exist.
pub fn load(path: &Path) -> io::Result<Option<Snapshot>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let snap: Snapshot = serde_json::from_slice(&bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is not a sandbox state file: {e}", path.display()),
        )
    })?;
    if snap.version != VERSION || snap.state.ledgers.is_empty() {
        let msg = format!(
            "{} has an unsupported sandbox state (version {}); delete it to start afresh",
            path.display(),
            snap.version
        );
        return Err(io::Error::new(io::ErrorKind::InvalidData, msg));
    }
    Ok(Some(snap))
}
