//! Security regression tests: users told apart by memo or muxed address.
