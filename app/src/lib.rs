//! ESO build-analytics API service: configuration, storage, HTTP surface and CLI.
//!
//! Entry points: [`startup::Application`] (build, then `run_until_stopped`) and [`cli::run`].

extern crate self as app;

#[cfg(test)]
mod architecture;
pub mod auth;
pub mod builds;
pub mod cache;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod db;
pub mod engine;
pub mod error;
pub mod eso;
pub mod export;
pub mod features;
pub mod health;
pub mod http;
pub mod mail;
pub mod metrics;
pub mod model;
pub mod recommendations;
pub mod registry;
pub mod routes;
pub mod runs;
pub mod startup;
pub mod state;
pub mod sync;
pub mod telemetry;
