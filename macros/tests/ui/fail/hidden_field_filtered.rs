use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(hidden, filter = "eq")]
    pub secret: String,
}

fn main() {}
