//! Code parameters as exports write them, read alike by every reader: an algorithm name
//! Sesame may not compute, a digit count that may not fit. What cannot be read is a
//! [`SkipReason`] for that entry, never an error for the file.

use crate::otp::Algorithm;
use crate::uri::shown;

use super::SkipReason;

/// The HMAC algorithm named `name`; `default` when it is missing or blank.
pub(crate) fn algorithm(name: Option<&str>, default: Algorithm) -> Result<Algorithm, SkipReason> {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(default),
        Some(name) => Algorithm::parse(name).ok_or_else(|| {
            SkipReason::CannotComputeCodes(format!(
                "the {} algorithm is not supported",
                shown(name)
            ))
        }),
    }
}

/// A digit count as a `u8` (whether Sesame can compute it is checked later, with the rest).
pub(crate) fn digits<N: Copy + std::fmt::Display + TryInto<u8>>(
    digits: N,
) -> Result<u8, SkipReason> {
    digits
        .try_into()
        .map_err(|_| SkipReason::CannotComputeCodes(format!("{digits} digits is not supported")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_counts_read_alike_and_what_does_not_fit_is_a_reason() {
        assert_eq!(algorithm(None, Algorithm::SHA1), Ok(Algorithm::SHA1));
        assert_eq!(
            algorithm(Some(" "), Algorithm::SHA256),
            Ok(Algorithm::SHA256)
        );
        assert_eq!(
            algorithm(Some("sha512"), Algorithm::SHA1),
            Ok(Algorithm::SHA512)
        );
        assert!(matches!(
            algorithm(Some("SHA384"), Algorithm::SHA1),
            Err(SkipReason::CannotComputeCodes(r)) if r.contains("SHA384")
        ));
        assert_eq!(digits(8u32), Ok(8));
        assert!(matches!(
            digits(300u64),
            Err(SkipReason::CannotComputeCodes(_))
        ));
    }
}
