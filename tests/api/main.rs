//! End-to-end tests: one binary, one module per area. Each test starts the real app on a
//! random port against its own fresh database (SQLite by default, PostgreSQL when
//! `TEST_DATABASE_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)] // test code: a failed unwrap is a failed test

mod helpers;

mod addon;
mod allowed_hosts;
mod auth;
mod builds;
mod cli;
mod connections;
mod contract;
mod faults;
mod features;
mod frozen_database;
mod guide_example;
mod health;
mod http_errors;
mod http_headers;
mod insights;
mod mail;
mod metrics;
mod migrations;
mod openapi;
mod processes;
mod query_counts;
mod recommendations;
mod redis;
mod resilience;
mod revocation;
mod runs;
mod scopes;
mod smtp;
mod storage;
mod sync;
mod tokens;
mod trusted_proxies;
