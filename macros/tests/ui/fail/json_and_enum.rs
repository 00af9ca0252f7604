use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(json, enum)]
    pub data: String,
}

fn main() {}
