//! Keeping the process's memory flat over long runs.
//!
//! glibc's malloc raises its mmap threshold each time a large mmapped block is freed (up to
//! 32 MiB). After the first big document, every buffer below that size comes from the heap,
//! where freed space between live blocks cannot be returned: peak RSS then grows with the
//! number of files even though the live bytes do not. Measured on 2 threads with an
//! allocation-counting shim: 152, 148 and 157 MB live at the peak for 1,000, 5,000 and
//! 15,000 files, against 158, 188 and 214 MB of RSS. A fixed threshold of 4 MiB keeps the
//! large, short-lived buffers (document text, batch columns) in their own mappings, given
//! back on free (see benches/README.md, "Memory").

/// Where large blocks start being mapped on their own.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 4 << 20;

/// Sets the allocator up for a long run (glibc only; other allocators need nothing).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt only changes a tuning parameter of glibc's allocator; it is called once,
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
