use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated", default_sort = "-nope")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
