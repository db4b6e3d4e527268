//! A counting global allocator: mimalloc (the allocator `cargo xtask regen` uses) plus counters
//! of live bytes, peak live bytes and allocations, so a bench can report the peak heap of one
//! pipeline run.
//!
//! Counting is on only inside [`measure`]: the atomic counters cost ~15 % of the pipeline's
//! time (tens of millions of allocations), so timed runs must not count.
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: benches::alloc::Counting = benches::alloc::Counting;
//! ```

use std::alloc::{GlobalAlloc, Layout};

use mimalloc::MiMalloc as System;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);
// Signed: memory allocated before counting started may be freed while counting.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The counting allocator (install with `#[global_allocator]`).
#[derive(Debug, Clone, Copy)]
pub struct Counting;

fn on() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

fn grew(by: usize) {
    let by = by as isize;
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(by: usize) {
    LIVE.fetch_sub(by as isize, Ordering::Relaxed);
}

#[allow(unsafe_code)]
// SAFETY: every method forwards to mimalloc with the caller's arguments unchanged; the
// counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && on() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() && on() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        if on() {
            shrank(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && on() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// Peak heap (bytes live at the peak, above what was live when the call started) and
/// allocation count of one call, when [`Counting`] is the global allocator (zeros otherwise).
/// Counting is on during the call only.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, u64) {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    let allocs = ALLOCATIONS.load(Ordering::Relaxed);
    ENABLED.store(true, Ordering::SeqCst);
    let out = f();
    ENABLED.store(false, Ordering::SeqCst);
    let peak = PEAK.load(Ordering::Relaxed).max(0) as usize;
    (out, peak, ALLOCATIONS.load(Ordering::Relaxed) - allocs)
}
