#![allow(dead_code)]
#![allow(mismatched_lifetime_syntaxes)]

pub mod arguments;
pub mod column;
pub mod connection;
pub mod driver;
pub mod error;
pub mod io;
pub mod message;
pub mod meta_data;
pub mod options;
pub mod query;
pub mod query_result;
pub mod row;
pub mod statement;
pub mod type_info;
pub mod types;
pub mod value;

pub use driver::PgDriver;
pub use driver::PgDriver as PostgresDriver;
pub use driver::PgDriver as Driver;

// Export commonly used types
pub use types::{Point, TsQuery, TsVector};
