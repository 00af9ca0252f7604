pub use rbs::Error;

pub use rbs::err_protocol;
