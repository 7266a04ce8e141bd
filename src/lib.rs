//! piimap finds personal data in files, exports and database dumps, and maps where it lives.
//!
//! One value travels through these stages, each a module:
//!
//! ```text
//! walk  ->  extract  ->  detect  ->  finding  ->  datamap  ->  report
//! paths     Cells        matches     Findings     rows          bytes in one Format
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod extract;
pub mod finding;
