//! What the runtime knows about each cloud, one file per cloud: its signing
//! scheme or identity service, its credentials files and environment, and the
//! states of its asynchronous requests. The generic pipeline (`client`, `auth`,
//! `retry`, `wait`) names no cloud; a fourth cloud is one more file here and
//! one in `codegen/src/vendor/`.

pub mod kakaocloud;
pub mod nhncloud;
pub mod scp;
