//! piimap finds personal data in files, exports and database dumps, and maps where it lives.
//!
//! One value travels through these stages, each a module:
//!
//! ```text
//! walk  ->  extract  ->  detect  ->  finding  ->  datamap  ->  report
//! paths     Cells        matches     Findings     rows          bytes in one Format
//! ```
//!
//! [`scan`] runs the pipeline; [`config`] checks settings before it starts; [`cli`] holds the
//! command-line arguments. Library code returns data and never prints: the binary (`main.rs`)
//! and [`progress`] own the terminal.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod cli;
pub mod config;
pub mod datamap;
pub mod detect;
pub mod exit_code;
pub mod extract;
pub mod finding;
pub mod merge;
pub mod progress;
pub mod regulation;
pub mod report;
pub mod risk;
pub mod scan;
pub mod walk;
