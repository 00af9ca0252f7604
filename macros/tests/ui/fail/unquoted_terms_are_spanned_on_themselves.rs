// Written as tokens, each wrong term is pointed at by itself: the unknown policy term, the
// flag's missing field, `owner` in `create`, the unknown sort keys.
use ebo_macros::Model;
struct Uuid;

#[derive(Model)]
#[model(
    table = "things",
    read = owner | flag(is_shared) | everyone,
    write = owner,
    create = authenticated | owner,
    sort = (name, colour),
    default_sort = (-shade, name)
)]
pub struct Thing {
    #[model(id)]
    pub id: Uuid,
    #[model(owner)]
    pub owner_id: Uuid,
    pub name: String,
}

fn main() {}
