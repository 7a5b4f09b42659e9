//! Time: the `Clock` trait (system, fixed, offset-corrected) and SNTP offset measurement.
