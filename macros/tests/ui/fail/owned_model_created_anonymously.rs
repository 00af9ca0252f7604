use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "owner", write = "owner", create = "public")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(owner)]
    pub owner_id: Uuid,
}

fn main() {}
