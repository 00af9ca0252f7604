//! `#[derive(Model)]` for the ESO build-analytics service (filled by the model macro issue).
