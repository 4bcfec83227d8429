//! Files Windows itself puts on disk, and executables no installer claims.

pub(crate) mod installer_files;
pub(crate) mod system_files;
pub(crate) mod unclaimed_files;
