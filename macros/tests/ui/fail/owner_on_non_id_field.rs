use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "owner", write = "owner")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(owner)]
    pub owner_name: String,
}

fn main() {}
