//! Ceilings on the key-derivation work an export may ask for, checked before any work: a
//! hostile file could otherwise demand gigabytes of memory or hours per password attempt.
//! Each is above what the apps write (named beside it) and well below harm.

use super::{Format, ImportError};

/// Argon2 memory: Ente Auth writes 1 GiB ("sensitive" limits).
pub const MAX_ARGON2_MEMORY_KIB: u32 = 1024 * 1024;
/// Argon2 passes: Ente Auth writes up to 16 with less memory.
pub const MAX_ARGON2_PASSES: u32 = 32;
/// Argon2 lanes.
pub const MAX_ARGON2_LANES: u32 = 16;
/// Argon2 total work (memory × passes, in KiB): 1 GiB × 4 passes, Ente's heaviest.
pub const MAX_ARGON2_WORK: u64 = 4 * 1024 * 1024;
/// PBKDF2 iterations: Bitwarden writes 600,000; andOTP up to ~150,000.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// scrypt log2(N): Aegis writes 15.
#[allow(
    dead_code,
    reason = "for the scrypt readers (Aegis) on their own branch"
)]
pub const MAX_SCRYPT_LOG_N: u8 = 20;
/// scrypt r and p.
#[allow(
    dead_code,
    reason = "for the scrypt readers (Aegis) on their own branch"
)]
pub const MAX_SCRYPT_R: u32 = 16;
/// scrypt p.
#[allow(
    dead_code,
    reason = "for the scrypt readers (Aegis) on their own branch"
)]
pub const MAX_SCRYPT_P: u32 = 16;

/// Checks Argon2 parameters (memory in KiB).
pub fn argon2(format: Format, memory_kib: u32, passes: u32, lanes: u32) -> Result<(), ImportError> {
    let work = u64::from(memory_kib) * u64::from(passes);
    if memory_kib > MAX_ARGON2_MEMORY_KIB
        || passes > MAX_ARGON2_PASSES
        || lanes > MAX_ARGON2_LANES
        || work > MAX_ARGON2_WORK
    {
        return Err(ImportError::TooCostly {
            format,
            what: format!("Argon2 with {memory_kib} KiB, {passes} passes, {lanes} lanes"),
            limit: format!(
                "{MAX_ARGON2_MEMORY_KIB} KiB, {MAX_ARGON2_PASSES} passes, {MAX_ARGON2_LANES} lanes, {MAX_ARGON2_WORK} KiB × passes"
            ),
        });
    }
    Ok(())
}

/// Checks a PBKDF2 iteration count.
pub fn pbkdf2(format: Format, iterations: u32) -> Result<(), ImportError> {
    if iterations > MAX_PBKDF2_ITERATIONS {
        return Err(ImportError::TooCostly {
            format,
            what: format!("PBKDF2 with {iterations} iterations"),
            limit: format!("{MAX_PBKDF2_ITERATIONS} iterations"),
        });
    }
    Ok(())
}

/// Checks scrypt parameters (N as given, a power of two).
#[allow(
    dead_code,
    reason = "for the scrypt readers (Aegis) on their own branch"
)]
pub fn scrypt(format: Format, n: u64, r: u32, p: u32) -> Result<(), ImportError> {
    let log_n = if n.is_power_of_two() {
        n.trailing_zeros()
    } else {
        u32::MAX
    };
    if log_n > u32::from(MAX_SCRYPT_LOG_N) || r > MAX_SCRYPT_R || p > MAX_SCRYPT_P {
        return Err(ImportError::TooCostly {
            format,
            what: format!("scrypt with N = {n}, r = {r}, p = {p}"),
            limit: format!("N = 2^{MAX_SCRYPT_LOG_N}, r = {MAX_SCRYPT_R}, p = {MAX_SCRYPT_P}"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_apps_write_passes_and_more_is_refused() {
        assert!(argon2(Format::Ente, 1024 * 1024, 4, 1).is_ok());
        assert!(argon2(Format::Ente, 256 * 1024, 16, 1).is_ok());
        assert!(argon2(Format::Ente, 1024 * 1024, 20, 16).is_err());
        assert!(pbkdf2(Format::Bitwarden, 600_000).is_ok());
        assert!(pbkdf2(Format::Bitwarden, u32::MAX).is_err());
        assert!(scrypt(Format::Aegis, 32768, 8, 1).is_ok());
        assert!(scrypt(Format::Aegis, 1 << 24, 8, 1).is_err());
        assert!(scrypt(Format::Aegis, 1000, 8, 1).is_err());
        let err = scrypt(Format::Aegis, 1 << 24, 8, 1).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("this Aegis export asks for too much"),
            "{err}"
        );
    }
}
