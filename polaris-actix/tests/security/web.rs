//! Security regression tests: web surface (interactive flow, outgoing requests, SEP-10, bodies, logs).
