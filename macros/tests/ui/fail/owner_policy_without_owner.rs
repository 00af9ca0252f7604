use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "owner | flag(is_shared)", write = "owner")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
