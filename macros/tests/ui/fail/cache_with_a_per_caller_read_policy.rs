use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(
    table = "notes",
    read = "owner",
    write = "owner",
    api(path = "/notes", ops(get), cache = "crate::notes_by_id")
)]
pub struct Note {
    #[model(id)]
    pub id: Uuid,
    #[model(owner)]
    pub owner_id: Uuid,
}

fn main() {}
