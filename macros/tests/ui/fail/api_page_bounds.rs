use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated", api(path = "/things", ops(list), page(default = 0, max = 10)))]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
}

fn main() {}
