//! `MaybeJson<T>`: an optional JSON request body, checked like [`super::JsonBody`] when present.

use poem::{FromRequest, Request, RequestBody, Result};
use poem_openapi::{
    payload::{ParsePayload, Payload},
    registry::{MetaSchemaRef, Registry},
    types::{ParseFromJSON, Type},
};

use super::{JsonBody, parse_checked};

/// An optional JSON body: absent (empty, any or no content type) is `None`; present, it is
/// checked exactly like [`JsonBody`].
#[derive(Debug, Clone)]
pub struct MaybeJson<T>(pub Option<T>);

impl<T: Type> Payload for MaybeJson<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn check_content_type(content_type: &str) -> bool {
        JsonBody::<T>::check_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ParseFromJSON> ParsePayload for MaybeJson<T> {
    const IS_REQUIRED: bool = false;

    async fn from_request(request: &Request, body: &mut RequestBody) -> Result<Self> {
        let data = Vec::<u8>::from_request(request, body).await?;
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        if let Some(ct) = request.content_type()
            && !Self::check_content_type(ct)
        {
            return Err(poem_openapi::error::ContentTypeError::NotSupported {
                content_type: ct.to_owned(),
            }
            .into());
        }
        parse_checked(&data).map(|v| Self(Some(v)))
    }
}

impl<'a, T: ParseFromJSON> poem_openapi::ApiExtractor<'a> for MaybeJson<T> {
    const TYPES: &'static [poem_openapi::ApiExtractorType] =
        &[poem_openapi::ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        <Self as Payload>::register(registry);
    }

    fn request_meta() -> Option<poem_openapi::registry::MetaRequest> {
        Some(poem_openapi::registry::MetaRequest {
            description: None,
            content: vec![poem_openapi::registry::MetaMediaType {
                content_type: <Self as Payload>::CONTENT_TYPE,
                schema: <Self as Payload>::schema_ref(),
            }],
            required: false,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _param_opts: poem_openapi::ExtractParamOptions<Self::ParamType>,
    ) -> Result<Self> {
        <Self as ParsePayload>::from_request(request, body).await
    }
}
