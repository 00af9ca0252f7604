use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(validate(range(min = "zero", max = 10)))]
    pub level: i32,
}

fn main() {}
