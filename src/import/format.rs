//! [`Format`]: the kinds of file Sesame imports, with the names people and scripts use.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A kind of file Sesame imports. In JSON it is its `--format` id (`"2fas"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Sesame's own encrypted backup.
    Sesame,
    /// Text: `otpauth://` or `otpauth-migration://` links, one per line.
    Links,
    /// An image holding QR codes of such links.
    QrImage,
    /// Aegis vault JSON, plain or encrypted.
    Aegis,
    /// 2FAS `.2fas`, plain or encrypted.
    TwoFas,
    /// Ente Auth's encrypted export (its plain export is a link list).
    Ente,
    /// Bitwarden password-manager JSON (plain or password-protected), CSV, and the
    /// Bitwarden Authenticator app's JSON.
    Bitwarden,
    /// Proton Authenticator JSON, plain or encrypted.
    Proton,
    /// andOTP JSON, plain or encrypted (both formats).
    AndOtp,
    /// LastPass Authenticator JSON.
    LastPass,
    /// FreeOTP+ JSON.
    FreeOtpPlus,
    /// FreeOTP 2.x backup (Java-serialized, encrypted).
    FreeOtp,
    /// Stratum / Authenticator Pro backup, plain or encrypted.
    Stratum,
}

impl Format {
    /// Every format, in the order detection breaks ties.
    pub const ALL: [Format; 13] = [
        Format::Sesame,
        Format::Aegis,
        Format::TwoFas,
        Format::Ente,
        Format::Bitwarden,
        Format::Proton,
        Format::AndOtp,
        Format::LastPass,
        Format::FreeOtpPlus,
        Format::FreeOtp,
        Format::Stratum,
        Format::Links,
        Format::QrImage,
    ];

    /// The name `--format` takes (`aegis`, `2fas`, …).
    pub fn id(self) -> &'static str {
        match self {
            Format::Sesame => "sesame",
            Format::Links => "otpauth",
            Format::QrImage => "qr",
            Format::Aegis => "aegis",
            Format::TwoFas => "2fas",
            Format::Ente => "ente",
            Format::Bitwarden => "bitwarden",
            Format::Proton => "proton",
            Format::AndOtp => "andotp",
            Format::LastPass => "lastpass",
            Format::FreeOtpPlus => "freeotp-plus",
            Format::FreeOtp => "freeotp",
            Format::Stratum => "stratum",
        }
    }

    /// What people call it ("Aegis", "2FAS", …), as in "wrong password for this 2FAS export".
    pub fn name(self) -> &'static str {
        match self {
            Format::Sesame => "Sesame backup",
            Format::Links => "otpauth:// link list",
            Format::QrImage => "QR image",
            Format::Aegis => "Aegis",
            Format::TwoFas => "2FAS",
            Format::Ente => "Ente Auth",
            Format::Bitwarden => "Bitwarden",
            Format::Proton => "Proton Authenticator",
            Format::AndOtp => "andOTP",
            Format::LastPass => "LastPass Authenticator",
            Format::FreeOtpPlus => "FreeOTP+",
            Format::FreeOtp => "FreeOTP",
            Format::Stratum => "Stratum",
        }
    }

    /// The `--format` names, comma-separated (for help and errors).
    pub fn ids() -> String {
        Format::ALL.map(Format::id).join(", ")
    }
}

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--format` name Sesame does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format \"{0}\"; Sesame reads: {ids}", ids = Format::ids())]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase();
        let alias = match wanted.as_str() {
            "twofas" => "2fas",
            "freeotp+" | "freeotpplus" => "freeotp-plus",
            "authenticator-pro" | "authenticatorpro" => "stratum",
            "google" | "google-authenticator" | "links" | "uri" | "txt" => "otpauth",
            "image" | "png" | "jpeg" => "qr",
            "ente-auth" => "ente",
            "proton-authenticator" => "proton",
            other => other,
        };
        Format::ALL
            .into_iter()
            .find(|f| f.id() == alias)
            .ok_or_else(|| UnknownFormat(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_parses_back_from_its_id() {
        for format in Format::ALL {
            assert_eq!(format.id().parse::<Format>(), Ok(format));
        }
        assert_eq!("TwoFAS".parse::<Format>(), Ok(Format::TwoFas));
        assert_eq!("FreeOTP+".parse::<Format>(), Ok(Format::FreeOtpPlus));
        let err = "keepass".parse::<Format>().unwrap_err();
        assert!(err.to_string().contains("aegis, 2fas"), "{err}");
    }
}
