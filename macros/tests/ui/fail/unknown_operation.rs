use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "admin", api(path = "/things", ops(list, patch)))]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
