use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(tabel = "things", read = "owner", write = "owner")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
