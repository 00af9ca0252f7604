use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "admin")]
pub struct Thing {
    pub name: String,
}

fn main() {}
