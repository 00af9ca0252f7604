use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = " ", write = "authenticated")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
