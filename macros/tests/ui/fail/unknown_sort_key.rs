use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated", sort = "name, nope")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    pub name: String,
}

fn main() {}
