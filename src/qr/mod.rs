//! QR codes: decode images (with a preprocessing pipeline) and encode text.
