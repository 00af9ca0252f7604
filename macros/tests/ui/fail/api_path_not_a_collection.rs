use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated", api(path = "things/", ops(list)))]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
