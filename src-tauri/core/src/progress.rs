//! Progress reporting and cancellation for long work.
//!
//! Core operations that take time accept a [`ProgressSink`] and a [`CancellationToken`].
//! The app adapts the sink to a `tauri::ipc::Channel` (the UI listens, never polls); the CLI
//! adapts it to stderr. [`Tasks`] maps task ids the UI chose to their cancellation tokens so
//! a "Cancel" button can reach a running command.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
pub use tokio_util::sync::CancellationToken;

/// One progress update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Progress {
    /// Units done so far.
    pub done: u32,
    /// Units in all (0 when not known yet).
    pub total: u32,
    /// What is happening now, for the admin.
    pub message: String,
}

/// Receives progress updates. Implemented by closures.
pub trait ProgressSink: Send + Sync {
    fn report(&self, progress: Progress);
}

impl<F: Fn(Progress) + Send + Sync> ProgressSink for F {
    fn report(&self, progress: Progress) {
        self(progress)
    }
}

/// A sink that drops every update.
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _: Progress) {}
}

/// Running tasks by id, so they can be cancelled from elsewhere.
#[derive(Clone, Default)]
pub struct Tasks {
    inner: Arc<Mutex<HashMap<String, CancellationToken>>>,
}

/// Removes its task from the registry when dropped.
pub struct TaskGuard {
    tasks: Tasks,
    id: String,
    pub token: CancellationToken,
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.tasks.map().remove(&self.id);
    }
}

impl Tasks {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancellationToken>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a task; cancelling `id` cancels the returned guard's token.
    pub fn start(&self, id: impl Into<String>) -> TaskGuard {
        let id = id.into();
        let token = CancellationToken::new();
        self.map().insert(id.clone(), token.clone());
        TaskGuard {
            tasks: self.clone(),
            id,
            token,
        }
    }

    /// Cancels a running task. Returns false if no such task is running.
    pub fn cancel(&self, id: &str) -> bool {
        match self.map().get(id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub fn running(&self) -> usize {
        self.map().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_task_and_guard_unregisters() {
        let tasks = Tasks::default();
        let guard = tasks.start("t1");
        assert_eq!(tasks.running(), 1);
        assert!(tasks.cancel("t1"));
        assert!(guard.token.is_cancelled());
        drop(guard);
        assert_eq!(tasks.running(), 0);
        assert!(!tasks.cancel("t1"));
    }

    #[test]
    fn closures_are_sinks() {
        let seen = Mutex::new(Vec::new());
        let sink = |p: Progress| seen.lock().unwrap().push(p.done);
        sink.report(Progress {
            done: 1,
            total: 2,
            message: "x".into(),
        });
        assert_eq!(*seen.lock().unwrap(), vec![1]);
    }
}
