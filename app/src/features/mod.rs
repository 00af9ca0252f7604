//! The feature database: skills, passives, morphs, scribing, champion points, companion skills
//! and gear sets; its importer, built-in sample, cache and endpoints.

pub mod api;
pub mod cache;
pub mod dto;
pub mod hooks;
pub mod import;
pub mod models;
pub mod normalize;
pub mod sample;
pub mod service;
pub mod store;
