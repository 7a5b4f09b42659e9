//! Any supported link (`otpauth://` or `otpauth-migration://`) to accounts.
