//! Google Authenticator `otpauth-migration://offline?data=…` batches: decode and encode.
