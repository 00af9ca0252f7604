#![forbid(unsafe_code)]
#![allow(anonymous_parameters)]

pub mod common;
pub use common::*;
pub mod db;
pub use db::*;
pub mod error;
#[macro_use]
pub mod ext;
pub mod io;
pub mod net;
pub mod pool;
pub mod rt;
pub mod types;
pub mod util;
pub use error::*;
pub use util::*;
