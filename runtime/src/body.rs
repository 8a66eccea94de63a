//! Reading response bodies within a size limit, for the request pipeline and
//! the identity services alike.

use bytes::{Bytes, BytesMut};

use crate::Error;

/// Reads a body, refusing to buffer more than `limit` bytes. A body that arrives
/// in one chunk is returned as is; a longer one is copied once into a buffer
/// sized from `Content-Length`.
/// A body over the limit is refused with the response's status, so a caller
/// still sees that it was (say) a 404.
pub(crate) async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Error> {
    let status = response.status();
    let too_large = || Error::BodyTooLarge { limit, status };
    let announced = response.content_length();
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let Some(first) = response.chunk().await? else { return Ok(Bytes::new()) };
    if first.len() > limit {
        return Err(too_large());
    }
    let Some(second) = response.chunk().await? else { return Ok(first) };
    let expected = announced.map_or(first.len() + second.len(), |len| len as usize);
    let mut body = BytesMut::with_capacity(expected);
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await?;
    }
    Ok(body.freeze())
}
