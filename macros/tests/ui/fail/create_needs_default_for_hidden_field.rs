use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated", api(path = "/things", ops(create)))]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(hidden)]
    pub secret: String,
}

fn main() {}
