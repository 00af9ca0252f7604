pub mod exchange;
pub use exchange::*;
pub mod scan;
pub use scan::Scan;
