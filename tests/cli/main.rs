//! The one integration-test binary: runs the real `piimap` on fixtures, one module per area.

mod accuracy;
mod archives;
mod core;
mod documents;
mod dumps;
mod emails;
mod exports;
mod gate;
mod memory;
mod reports;
mod rules_doc;
mod support;
