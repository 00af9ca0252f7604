//! The `file` part of `POST /runs/import`: an upload whose schema carries an example, a short
//! SavedVariables file of the shape the game addon writes (`../shared/data/addon/`).

use std::borrow::Cow;

use poem::web::Field;
use poem_openapi::{
    registry::{MetaSchemaRef, Registry},
    types::{ParseError, ParseFromMultipartField, ParseResult, Type, multipart::Upload},
};

/// The example the document shows for the file: one run, trimmed to the keys the importer
/// reads.
const EXAMPLE: &str = r#"ESOBuildOptimizerSV =
{
    ["_schemaVersion"] = 1,
    ["runs"] =
    {
        [1] =
        {
            ["run_id"] = "Vivec_1763667000_4321",
            ["timestamp"] = "11/20/2025T19:30:00",
            ["duration_sec"] = 412.5,
            ["success"] = true,
            ["content"] = { ["type"] = "trial", ["name"] = "Lucent Citadel", ["difficulty"] = "veteran" },
            ["build_snapshot"] =
            {
                ["character"] = { ["name"] = "Vivec", ["class"] = "Arcanist", ["race"] = "Dark Elf", ["cp_level"] = 2100 },
                ["sets"] =
                {
                    { ["name"] = "Ansuul's Torment", ["pieces"] = 5 },
                    { ["name"] = "Velothi Ur-Mage's Amulet", ["pieces"] = 1 },
                },
            },
            ["metrics"] = { ["damage_done"] = 51562500, ["dps"] = 125000, ["healing_done"] = 0, ["damage_taken"] = 1900000 },
        },
    },
}
"#;

/// A SavedVariables file upload ([`Upload`] with an example in its schema).
#[derive(Debug)]
pub struct SavedVariablesFile(pub Upload);

impl Type for SavedVariablesFile {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        Upload::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        match Upload::schema_ref() {
            MetaSchemaRef::Inline(mut schema) => {
                schema.example = Some(serde_json::Value::String(EXAMPLE.to_owned()));
                MetaSchemaRef::Inline(schema)
            }
            other => other,
        }
    }

    fn register(registry: &mut Registry) {
        Upload::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromMultipartField for SavedVariablesFile {
    async fn parse_from_multipart(field: Option<Field>) -> ParseResult<Self> {
        Upload::parse_from_multipart(field)
            .await
            .map(Self)
            .map_err(ParseError::propagate)
    }
}
