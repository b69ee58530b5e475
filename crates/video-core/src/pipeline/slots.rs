//! Download slots that count the jobs queued for them, so a batch can stop admitting jobs
//! while finished tasks pile up waiting to be downloaded.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Notify, Semaphore, SemaphorePermit};

/// How many finished jobs may queue for each download slot before a batch stops admitting
/// new jobs (4 slots by default: 32 queued).
pub(super) const QUEUED_PER_SLOT: usize = 8;

/// At most `capacity` downloads at once; jobs waiting for one are counted.
#[derive(Debug)]
pub(super) struct DownloadSlots {
    slots: Semaphore,
    capacity: usize,
    queued: AtomicUsize,
    dequeued: Notify,
}

impl DownloadSlots {
    pub(super) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            slots: Semaphore::new(capacity),
            capacity,
            queued: AtomicUsize::new(0),
            dequeued: Notify::new(),
        }
    }

    /// Downloads that may run at once.
    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Slots free now.
    pub(super) fn available(&self) -> usize {
        self.slots.available_permits()
    }

    /// Waits for a slot; meanwhile the caller counts as queued (also when it is cancelled).
    pub(super) async fn acquire(&self) -> Option<SemaphorePermit<'_>> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let _queued = Queued(self);
        self.slots.acquire().await.ok()
    }

    /// Returns once fewer than `limit` jobs are queued for a slot.
    pub(super) async fn until_queue_below(&self, limit: usize) {
        loop {
            let dequeued = self.dequeued.notified();
            let mut dequeued = std::pin::pin!(dequeued);
            // Registered before the check, so a dequeue between the two is not missed.
            dequeued.as_mut().enable();
            if self.queued.load(Ordering::SeqCst) < limit {
                return;
            }
            dequeued.await;
        }
    }
}

/// Leaves the queue when dropped (the slot was granted, or the wait was cancelled).
struct Queued<'s>(&'s DownloadSlots);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.queued.fetch_sub(1, Ordering::SeqCst);
        self.0.dequeued.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn admission_waits_until_the_queue_is_short() {
        let slots = std::sync::Arc::new(DownloadSlots::new(1));
        let first = slots.acquire().await;
        assert!(first.is_some());
        // Two jobs queue behind the one downloading.
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let slots = std::sync::Arc::clone(&slots);
                tokio::spawn(async move {
                    let _slot = slots.acquire().await;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                })
            })
            .collect();
        tokio::task::yield_now().await;
        assert_eq!(slots.queued.load(Ordering::SeqCst), 2);
        let admitted = tokio::time::timeout(Duration::from_secs(5), slots.until_queue_below(2));
        assert!(admitted.await.is_err(), "two queued: not below two");
        // One slot frees: one waiter leaves the queue, and admission goes on.
        drop(first);
        tokio::time::timeout(Duration::from_secs(5), slots.until_queue_below(2))
            .await
            .unwrap();
        assert_eq!(slots.queued.load(Ordering::SeqCst), 1);
        for waiter in waiters {
            waiter.await.unwrap();
        }
        assert_eq!(slots.queued.load(Ordering::SeqCst), 0);
        assert_eq!(slots.available(), 1);
    }
}
