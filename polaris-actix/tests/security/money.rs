//! Security regression tests: money paths (payouts, watcher, seeds, arithmetic).
