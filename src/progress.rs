//! The progress bar on stderr (indicatif): files and bytes done. Hidden with `--no-progress`
//! or when stderr is not a terminal, so logs and pipes stay clean.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::scan::ProgressSink;

/// Layout of the bar: spinner, files, bytes, throughput.
const TEMPLATE: &str = "{spinner} {msg} files, {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})";

/// A progress bar, or nothing when hidden.
pub struct Progress {
    bar: ProgressBar,
    total_files: AtomicU64,
}

impl Progress {
    /// A bar drawn on stderr when `enabled` and stderr is a terminal.
    pub fn new(enabled: bool) -> Self {
        let bar = if enabled && std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
            bar.set_style(style);
        }
        Progress {
            bar,
            total_files: AtomicU64::new(0),
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ProgressSink for Progress {
    fn start(&self, files: u64, bytes: u64) {
        self.total_files.store(files, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.set_message(format!("0/{files}"));
    }

    fn file_done(&self, files_done: u64, bytes: u64) {
        self.bar.inc(bytes);
        let total = self.total_files.load(Ordering::Relaxed);
        self.bar.set_message(format!("{files_done}/{total}"));
    }
}
