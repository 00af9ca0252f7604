use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "admin", api(path = "/things", ops(list), search = "name, level"))]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    pub name: String,
    pub level: i32,
}

fn main() {}
