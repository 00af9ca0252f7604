use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(
    table = "codes",
    read = "authenticated",
    write = "admin",
    api(path = "/codes", ops(list), serde)
)]
pub struct Code {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
