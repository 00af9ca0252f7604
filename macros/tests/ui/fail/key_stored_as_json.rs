use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated")]
pub struct Thing {
    #[model(id, json)]
    pub id: Uuid,
}

fn main() {}
