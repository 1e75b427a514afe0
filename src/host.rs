//! The clinic's host: one database, many desks at once. Writes run one at a
//! time on the writing connection (each in an IMMEDIATE transaction); reads
//! run on reader connections of their own, so the owner's 13-month report
//! never holds up reception's search. `liuke serve` and the desktop window
//! both answer through a [`Host`]; every change is announced to the desks.

use std::sync::{Mutex, MutexGuard, RwLock};

use serde_json::Value;

use crate::commands::{locked, table, App, Request, Via};
use crate::error::{ApiError, Result};
use crate::import::progress::Watch;

/// How many idle reader connections are kept for the next reads.
const KEEP_READERS: usize = 6;
/// How many answers to writes are kept for a retry of the same request.
const KEEP_ANSWERS: usize = 2000;

type Answer = std::result::Result<Value, ApiError>;

pub struct Host {
    writer: Mutex<App>,
    readers: Mutex<Vec<App>>,
    /// Opens a reader without waiting for the writer.
    opens: crate::commands::Readers,
    /// Held shared by every command, exclusively by a restore, which
    /// replaces the file under every connection.
    gate: RwLock<()>,
    changes: tokio::sync::broadcast::Sender<String>,
    watch: Watch,
    /// The latest writes' answers by request id, oldest first.
    answered: Mutex<std::collections::VecDeque<(String, Answer)>>,
    /// Long reads go to a thread of lower priority, one at a time.
    heavy: Mutex<std::sync::mpsc::Sender<HeavyJob>>,
}

/// A long read for the low-priority thread, and where its answer goes.
struct HeavyJob {
    request: Request,
    reply: std::sync::mpsc::Sender<Answer>,
}

/// The thread of long reads: at a lower priority than everything else, so a
/// report takes whatever the desks leave; a fresh reader for each (a
/// restore may have replaced the file since the last).
fn heavy_reads(opens: crate::commands::Readers) -> std::sync::mpsc::Sender<HeavyJob> {
    let (jobs, inbox) = std::sync::mpsc::channel::<HeavyJob>();
    // Named, so it can be told apart (and checked) among the threads.
    let spawned = std::thread::Builder::new().name(HEAVY_THREAD.into()).spawn(move || {
        priority::lower_this_thread();
        for job in inbox {
            let answer = opens.open().map_err(ApiError::from).and_then(|mut reader| reader.handle(job.request));
            // The asker may have given up; nobody to tell.
            let _ = job.reply.send(answer);
        }
    });
    if let Err(e) = spawned {
        // Without the thread, every long read answers that it cannot run.
        eprintln!("报表线程无法启动：{e}");
    }
    jobs
}

const HEAVY_THREAD: &str = "liuke-reports";


impl Host {
    pub fn new(app: App) -> Host {
        let (changes, _) = tokio::sync::broadcast::channel(256);
        let heavy = heavy_reads(app.readers());
        Host {
            watch: app.import_watch(),
            opens: app.readers(),
            writer: Mutex::new(app),
            readers: Mutex::new(Vec::new()),
            gate: RwLock::new(()),
            changes,
            answered: Default::default(),
            heavy: Mutex::new(heavy),
        }
    }

    /// Runs one request from a window or a desk, on a reader when it only
    /// reads; after a change, tells every listening desk which command it was
    /// and which window sent it.
    pub fn handle(&self, request: Request) -> std::result::Result<Value, ApiError> {
        let command = table::find(&request.cmd)?;
        if command.name == "import.progress" {
            // Answered without any lock: the import under way holds the writer.
            return Ok(serde_json::json!(self.watch.current()));
        }
        let notice = (command.writes && !command.name.starts_with("session."))
            .then(|| serde_json::json!({"cmd": command.name, "from": request.window.as_deref().unwrap_or("")}).to_string());
        let answer = if command.exclusive {
            self.restore(request)
        } else {
            let _shared = self.gate.read().unwrap_or_else(|p| p.into_inner());
            if command.on_writer() {
                self.write(request)
            } else {
                self.read(command, request)
            }
        };
        if let (Ok(_), Some(notice)) = (&answer, notice) {
            // Nobody listening is fine.
            let _ = self.changes.send(notice);
        }
        answer
    }

    /// A write, one at a time; a request id seen before gets its first answer.
    fn write(&self, request: Request) -> Answer {
        let mut writer = locked(&self.writer);
        let Some(id) = request.id.clone().filter(|id| !id.is_empty() && id.len() <= 100) else {
            return writer.handle(request);
        };
        if let Some((_, answer)) = locked(&self.answered).iter().find(|(seen, _)| *seen == id) {
            return answer.clone();
        }
        let answer = writer.handle(request);
        let mut answered = locked(&self.answered);
        if answered.len() >= KEEP_ANSWERS {
            answered.pop_front();
        }
        answered.push_back((id, answer.clone()));
        answer
    }

    fn read(&self, command: &table::Command, request: Request) -> std::result::Result<Value, ApiError> {
        let mut reader = self.reader()?;
        if reader.day_pass_due()? {
            locked(&self.writer).bring_followups_up_to_today()?;
        }
        if command.heavy {
            self.give_back(reader);
            return self.heavy_read(request);
        }
        let answer = reader.handle(request);
        self.give_back(reader);
        answer
    }

    fn give_back(&self, reader: App) {
        let mut idle = locked(&self.readers);
        if idle.len() < KEEP_READERS {
            idle.push(reader);
        }
    }

    fn heavy_read(&self, request: Request) -> Answer {
        let (reply, answer) = std::sync::mpsc::channel();
        let gone = || ApiError::from(crate::Error::Config("报表线程意外停止，请重新打开留客。".into()));
        locked(&self.heavy).send(HeavyJob { request, reply }).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }

    fn reader(&self) -> Result<App> {
        if let Some(app) = locked(&self.readers).pop() {
            return Ok(app);
        }
        self.opens.open()
    }

    /// A restore waits for every command under way, lets go of the readers
    /// (so the file can be replaced), and opens new ones afterwards.
    fn restore(&self, request: Request) -> std::result::Result<Value, ApiError> {
        let _alone = self.gate.write().unwrap_or_else(|p| p.into_inner());
        locked(&self.readers).clear();
        locked(&self.writer).handle(request)
    }

    /// Whether `token` belongs to a live session.
    pub fn signed_in(&self, token: &str, via: &Via) -> bool {
        // Like a command, never beside a restore: a reader opened while the
        // file is being replaced would make the restore see the database as
        // open elsewhere and refuse.
        let _shared = self.gate.read().unwrap_or_else(|p| p.into_inner());
        match self.reader() {
            Ok(mut reader) => {
                let live = reader.signed_in(token, via).unwrap_or(false);
                self.give_back(reader);
                live
            }
            Err(_) => false,
        }
    }

    /// The change notices, as they happen.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    /// Today's automatic backup (see [`App::daily_backup`]).
    pub fn daily_backup(&self) -> Result<std::thread::JoinHandle<()>> {
        locked(&self.writer).daily_backup()
    }

    /// The owner's network setting, as stored.
    pub fn network_settings(&self) -> Result<crate::lan::Settings> {
        let reader = self.reader()?;
        let settings = crate::lan::settings(reader.conn_ref());
        self.give_back(reader);
        settings
    }

    /// The writing app, for what the host does outside a command.
    pub fn writer(&self) -> MutexGuard<'_, App> {
        locked(&self.writer)
    }
}

mod priority;
#[cfg(test)]
mod tests;
