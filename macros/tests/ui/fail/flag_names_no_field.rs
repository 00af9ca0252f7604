use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "flag(is_public)", write = "authenticated")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
