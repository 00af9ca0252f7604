//! Authentication: who is calling ([`Principal`]), access-token verification, and the
//! bearer security scheme every protected endpoint declares.

pub mod api;
pub mod cli;
pub mod cookie;
pub mod dto;
pub mod hooks;
pub mod models;
pub mod password;
pub mod principal;
pub mod recovery;
pub mod recovery_api;
pub mod responses;
pub mod scope;
pub mod security;
pub mod sessions;
pub mod sessions_api;
pub mod store;
pub mod token;
pub mod verified;

pub use principal::{Principal, Role};
pub use scope::Scope;
pub use security::{Auth, BearerAuth};
