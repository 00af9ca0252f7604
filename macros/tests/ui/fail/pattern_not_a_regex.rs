use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(table = "things", read = "authenticated", write = "authenticated")]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(validate(pattern = "^(?:gold|silver$"))]
    pub tier: String,
}

fn main() {}
