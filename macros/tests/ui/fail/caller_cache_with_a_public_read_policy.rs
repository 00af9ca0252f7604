use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(
    table = "codes",
    read = "public",
    write = "admin",
    api(path = "/codes", ops(list), caller_cache = "crate::answers")
)]
pub struct Code {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
