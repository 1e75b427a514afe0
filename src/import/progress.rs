//! How far the import under way has got, for the window's progress bar. An
//! import holds the database for its whole transaction, so the window asks
//! `import.progress` on the side, without waiting for it: the answer is a
//! few counters in memory, never a record.

use std::sync::{Arc, Mutex};

use serde::Serialize;

/// Where the import under way stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// `customers`, `consumption`, `executions` or `arrivals`.
    pub kind: &'static str,
    /// What it is doing, for staff: 读取文件, 检查并写入, 整理回访.
    pub step: &'static str,
    /// Rows handled so far, of `total`.
    pub done: usize,
    pub total: usize,
}

/// Where one database's imports publish their progress; clones share it, so
/// the window can read it while the import holds the database.
#[derive(Debug, Clone, Default)]
pub struct Watch(Arc<Mutex<Option<Progress>>>);

impl Watch {
    /// The import under way, if any.
    pub fn current(&self) -> Option<Progress> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn publish(&self, p: Option<Progress>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = p;
    }
}

/// Rows between two updates: often enough for a smooth bar, rarely enough to cost nothing.
const EVERY: usize = 500;

/// Reports one import's progress while it lives; gone when it ends.
pub struct Tracker {
    watch: Watch,
    progress: Progress,
    published_at: usize,
}

impl Tracker {
    pub fn start(watch: &Watch, kind: &'static str) -> Tracker {
        let progress = Progress { kind, step: "读取文件", done: 0, total: 0 };
        watch.publish(Some(progress.clone()));
        Tracker { watch: watch.clone(), progress, published_at: 0 }
    }

    fn publish(&self) {
        self.watch.publish(Some(self.progress.clone()));
    }

    /// The file is read: `total` rows to check and write.
    pub fn rows(&mut self, total: usize) {
        self.progress.step = "检查并写入";
        self.progress.total = total;
        self.publish();
    }

    /// `done` rows handled.
    pub fn row(&mut self, done: usize) {
        self.progress.done = done;
        if done >= self.published_at + EVERY {
            self.published_at = done;
            self.publish();
        }
    }

    /// Every row written; the calls of the customers touched are being brought in line.
    pub fn catching_up(&mut self) {
        self.progress.step = "整理回访";
        self.progress.done = self.progress.total;
        self.publish();
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        self.watch.publish(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_reports_its_steps_and_rows_and_nothing_once_it_ends() {
        let watch = Watch::default();
        {
            let mut t = Tracker::start(&watch, "consumption");
            assert_eq!(watch.current().map(|p| p.step), Some("读取文件"));
            t.rows(2_000);
            t.row(499);
            assert_eq!(watch.current().map(|p| p.done), Some(0), "not every row is published");
            t.row(1_200);
            assert_eq!(watch.current(), Some(Progress { kind: "consumption", step: "检查并写入", done: 1_200, total: 2_000 }));
            t.catching_up();
            assert_eq!(watch.current().map(|p| (p.step, p.done)), Some(("整理回访", 2_000)));
        }
        assert_eq!(watch.current(), None);
    }
}
