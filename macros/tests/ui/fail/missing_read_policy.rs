use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", write = "admin")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
