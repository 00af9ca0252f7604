use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(
    table = "codes",
    read = "authenticated",
    write = "admin",
    api(
        path = "/codes",
        ops(list),
        list_cache = "crate::pages",
        caller_cache = "crate::answers"
    )
)]
pub struct Code {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
