//! Recycled pixel buffers, so that converting a frame allocates nothing
//! once the session has warmed up.

use std::sync::Mutex;

/// A bounded stack of spare byte buffers. Safe to share between threads.
#[derive(Debug)]
pub struct BufferPool {
    spare: Mutex<Vec<Vec<u8>>>,
    capacity: usize,
}

impl BufferPool {
    /// A pool that keeps at most `capacity` spare buffers.
    pub fn new(capacity: usize) -> BufferPool {
        BufferPool {
            spare: Mutex::new(Vec::with_capacity(capacity)),
            capacity,
        }
    }

    /// A spare buffer (empty, with whatever capacity it had), or a new one.
    pub fn take(&self) -> Vec<u8> {
        self.lock().pop().unwrap_or_default()
    }

    /// Returns `buffer` for reuse; dropped when the pool is full.
    pub fn recycle(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        let mut spare = self.lock();
        if spare.len() < self.capacity {
            spare.push(buffer);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Vec<u8>>> {
        // A panic while holding the lock leaves only spare buffers behind.
        self.spare.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_back_with_their_capacity_and_the_pool_stays_bounded() {
        let pool = BufferPool::new(1);
        let mut a = pool.take();
        a.resize(1000, 7);
        let ptr = a.as_ptr();
        pool.recycle(a);
        let b = pool.take();
        assert!(b.is_empty() && b.capacity() >= 1000 && b.as_ptr() == ptr);
        pool.recycle(b);
        pool.recycle(vec![1, 2, 3]);
        assert_eq!(pool.lock().len(), 1);
    }
}
