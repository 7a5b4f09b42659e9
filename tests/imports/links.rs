//! Plain `otpauth://` lists and Google Authenticator transfer links.

use sesame::import::Format;

use crate::support::{assert_entries, read};

#[test]
fn a_plain_uri_list_reads_every_account() {
    let export = read("gnome-authenticator/plain.txt", Format::Links, None);
    assert!(export.accounts().count() > 0);
    assert_eq!(export.skipped().count(), 0);
}

#[test]
fn a_google_transfer_link_reads_the_vectors() {
    let export = read(
        "permissive/dim13-otpauth/google_migration_uri.txt",
        Format::Links,
        None,
    );
    assert!(
        export.accounts().count() > 0,
        "{:?}",
        crate::support::describe(&export)
    );
    let _ = assert_entries;
}
