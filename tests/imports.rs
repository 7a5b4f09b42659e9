//! Every fixture in `../shared/corpus/imports/` (real exports of other authenticators,
//! kept beside the repository under their own licences) read through `sesame::import`,
//! with every account checked against the file's manifest: one module per format.

#[path = "imports/support.rs"]
mod support;

#[path = "imports/links.rs"]
mod links;

#[path = "imports/aegis.rs"]
mod aegis;
