mod buf_mut;

pub use buf_mut::PgBufMutExt;
