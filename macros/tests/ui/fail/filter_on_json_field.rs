use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "admin")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(json, filter = "eq")]
    pub sets: Vec<String>,
}

fn main() {}
