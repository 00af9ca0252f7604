pub mod bytes;
///`2024-12-12`
pub mod date;
///`2024-04-19T09:59:39.016756+08:00`
pub mod datetime;
/// 123456
pub mod decimal;
/// `{"a":"b"}`
/// `[{"a":"b"}]`
pub mod json;
/// `00:00:00.000000`
pub mod time;
/// 1713491896
pub mod timestamp;
/// `00000000-0000-0000-0000-000000000000`
pub mod uuid;

pub use bytes::*;
pub use date::*;
pub use datetime::*;
pub use decimal::*;
pub use json::*;
pub use time::*;
pub use timestamp::*;
pub use uuid::*;
