//! `otpauth://` links (Google Key URI Format): parse and format.
