use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(filter = "eq, contains")]
    pub name: String,
}

fn main() {}
