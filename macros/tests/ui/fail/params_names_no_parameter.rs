use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "admin", api(path = "/things", ops(list), params(min_level = "from")))]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(filter = "eq")]
    pub level: i32,
}

fn main() {}
