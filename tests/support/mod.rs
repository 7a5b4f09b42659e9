//! Shared fixtures for integration tests: real services started on loopback.
#![allow(dead_code)]

pub mod chrony;
pub mod service;
