//! Order-preserving parallel map over the machine's cores (std threads only).
//!
//! Per-endpoint and per-file work (fragment writing, normalization, formatting) is
//! independent; large doc sets spread it over the available cores. Items differ in cost (a
//! resource module costs a hundred small types), so workers take the next item from a shared
//! queue rather than a fixed share. Results come back in input order, so output stays
//! deterministic.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

/// `items.into_iter().map(f).collect()`, run on up to `available_parallelism` threads.
pub fn map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    // Below a handful of items, threads cost more than they save.
    if threads <= 1 || items.len() < 8 {
        return items.into_iter().map(f).collect();
    }
    let threads = threads.min(items.len());
    let len = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let (queue, f) = (&queue, &f);
    let mut done: Vec<(usize, R)> = Vec::with_capacity(len);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    loop {
                        // Taking an item cannot panic, so the lock is never poisoned by a
                        // holder; a panic in `f` happens outside it.
                        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
                        match next {
                            Some((i, item)) => out.push((i, f(item))),
                            None => break out,
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(results) => done.extend(results),
                // A panic in a worker is a bug; surface it as the panic it is.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let out = super::map((0..1000).collect(), |i: u32| i * 2);
        assert_eq!(out, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn keeps_order_when_costs_differ() {
        // Early items are slow, so later ones finish first on other workers.
        let out = super::map((0..64u64).collect(), |i| {
            if i < 4 {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            i + 1
        });
        assert_eq!(out, (1..=64).collect::<Vec<_>>());
    }

    #[test]
    fn a_worker_panic_surfaces() {
        let caught = std::panic::catch_unwind(|| {
            super::map((0..32).collect(), |i: u32| {
                assert!(i != 17, "item 17");
                i
            })
        });
        assert!(caught.is_err());
    }
}
