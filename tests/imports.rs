//! Every fixture in `../shared/corpus/imports/` (real exports of other authenticators,
//! kept beside the repository under their own licences) read through `sesame::import`,
//! with every account checked against the file's manifest: one module per format.

#[path = "imports/support.rs"]
mod support;

#[path = "imports/links.rs"]
mod links;

#[path = "imports/bitwarden.rs"]
mod bitwarden;

#[path = "imports/freeotp.rs"]
mod freeotp;

#[path = "imports/ente.rs"]
mod ente;
#[path = "imports/freeotp_plus.rs"]
mod freeotp_plus;

#[path = "imports/google.rs"]
mod google;

#[path = "imports/stratum.rs"]
mod stratum;
#[path = "imports/twofas.rs"]
mod twofas;

#[path = "imports/proton.rs"]
mod proton;

#[path = "imports/lastpass.rs"]
mod lastpass;

#[path = "imports/aegis.rs"]
mod aegis;
#[path = "imports/andotp.rs"]
mod andotp;
