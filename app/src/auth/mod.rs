//! Authentication: who is calling ([`Principal`]), access-token verification, and the
//! bearer security scheme every protected endpoint declares.

pub mod principal;
pub mod security;
pub mod token;

pub use principal::{Principal, Role};
pub use security::BearerAuth;
