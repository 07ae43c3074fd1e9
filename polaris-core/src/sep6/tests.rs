//! Unit tests of SEP-6.
