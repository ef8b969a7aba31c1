//! Request bodies read defensively, for the API and the Invoke endpoint alike: only once the
//! caller is allowed, never more than a limit, never a pause longer than the idle timeout.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;

/// Why a request body was not read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the body stalled for {0:?}")]
    Stalled(Duration),
    #[error("the body could not be read: {0}")]
    Broken(#[from] axum::Error),
}

/// A request body, read only once the caller is known to be allowed: at most `limit` bytes
/// (a larger `Content-Length` is refused before reading, a longer stream as soon as it passes
/// the limit), and no pause longer than `idle` between its pieces.
pub async fn read_body(
    headers: &HeaderMap,
    mut body: Body,
    limit: usize,
    idle: Duration,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    // Grown as bytes arrive: a declared length alone reserves at most 1 MB.
    let mut bytes = Vec::with_capacity(declared.map_or(0, |n| n as usize).min(1024 * 1024));
    loop {
        let frame = match tokio::time::timeout(idle, body.frame()).await {
            Err(_) => return Err(BodyError::Stalled(idle)),
            Ok(None) => break,
            Ok(Some(frame)) => frame?,
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(BodyError::TooLarge { limit });
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(bytes))
}
