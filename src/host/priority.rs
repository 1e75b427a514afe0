//! Thread priority for long reads. A report that takes seconds should take
//! them from idle time, not from reception's search: its thread asks the
//! system to run it after everything else that is ready.

/// Lowers the calling thread's priority, once, for good (a thread may not
/// raise its own priority again without privileges).
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls on the calling thread; no memory is shared.
        // On Linux the nice value is per thread, named by its thread id.
        let lowered = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, 19)
        };
        if lowered != 0 {
            eprintln!("报表线程的优先级没有降低（不影响结果）。");
        }
    }
    #[cfg(windows)]
    {
        use windows_sys::Win32::System::Threading::{GetCurrentThread, SetThreadPriority, THREAD_PRIORITY_LOWEST};
        // SAFETY: GetCurrentThread returns a pseudo-handle for this thread, valid for the call.
        if unsafe { SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_LOWEST) } == 0 {
            eprintln!("报表线程的优先级没有降低（不影响结果）。");
        }
    }
}
