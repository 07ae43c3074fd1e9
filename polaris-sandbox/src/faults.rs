//! Fault injection: the failures real Horizon shows, on demand.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// The faults currently armed; also the JSON body of `GET`/`POST /_sandbox/faults`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultPlan {
    /// The next N submissions are applied, then answered 504 (the client cannot know).
    pub timeout_after_apply: u32,
    /// The next N submissions are answered 504 without being applied.
    pub timeout_before_apply: u32,
    /// Delay added to every non-streaming request, in milliseconds.
    pub latency_ms: u64,
    /// Delay between applying a submission and answering it, in milliseconds: a window in
    /// which a killed client has paid without knowing it.
    pub latency_after_apply_ms: u64,
}

/// Armed faults, shared by every worker.
#[derive(Debug)]
pub struct Faults {
    plan: Mutex<FaultPlan>,
    drops: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            plan: Mutex::new(FaultPlan::default()),
            drops: watch::channel(0).0,
        }
    }
}

fn take(counter: &mut u32) -> bool {
    let armed = *counter > 0;
    *counter = counter.saturating_sub(1);
    armed
}

impl Faults {
    fn plan(&self) -> std::sync::MutexGuard<'_, FaultPlan> {
        self.plan.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The armed faults.
    pub fn get(&self) -> FaultPlan {
        self.plan().clone()
    }

    /// Replaces the armed faults.
    pub fn set(&self, plan: FaultPlan) {
        *self.plan() = plan;
    }

    /// Adds `n` submissions answered 504 after being applied.
    pub fn timeout_after_apply(&self, n: u32) {
        self.plan().timeout_after_apply += n;
    }

    /// Adds `n` submissions answered 504 before being applied.
    pub fn timeout_before_apply(&self, n: u32) {
        self.plan().timeout_before_apply += n;
    }

    /// Sets the latency added to every non-streaming request.
    pub fn set_latency(&self, latency: Duration) {
        self.plan().latency_ms = latency.as_millis() as u64;
    }

    /// Sets the delay between applying a submission and answering it.
    pub fn set_latency_after_apply(&self, latency: Duration) {
        if let Ok(mut plan) = self.plan.lock() {
            plan.latency_after_apply_ms = latency.as_millis() as u64;
        }
    }

    /// The delay between applying a submission and answering it.
    pub fn latency_after_apply(&self) -> Duration {
        self.plan
            .lock()
            .map(|p| Duration::from_millis(p.latency_after_apply_ms))
            .unwrap_or_default()
    }

    /// Closes every open stream now (clients see the connection end and reconnect).
    pub fn drop_streams(&self) {
        self.drops.send_modify(|n| *n += 1);
    }

    /// Disarms everything.
    pub fn clear(&self) {
        self.set(FaultPlan::default());
    }

    pub(crate) fn take_before(&self) -> bool {
        take(&mut self.plan().timeout_before_apply)
    }

    pub(crate) fn take_after(&self) -> bool {
        take(&mut self.plan().timeout_after_apply)
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.plan().latency_ms)
    }

    pub(crate) fn drop_signal(&self) -> watch::Receiver<u64> {
        self.drops.subscribe()
    }
}
