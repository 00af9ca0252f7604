use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "gear_sets", read = "authenticated", write = "admin")]
pub struct GearSet {
    #[model(id)]
    pub set_id: String,
}

fn main() {}
