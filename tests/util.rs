//! Helpers: a temp dir per test, the `liuke` binary run against a database in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Clinic {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "expected success\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    pub fn failed(self) -> Self {
        assert_ne!(self.code, 0, "expected failure\nstdout: {}", self.stdout);
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Clinic {
    pub fn new() -> Clinic {
        Clinic { dir: tempfile::tempdir().unwrap() }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("clinic.db")
    }

    /// Writes a file in the test's dir and returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Runs `liuke --db <db> --today <today> args…`.
    pub fn run(&self, today: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_liuke"));
        cmd.arg("--db").arg(self.db()).arg("--today").arg(today).args(args).env_remove("LIUKE_TODAY");
        into_run(cmd.output().unwrap())
    }

    pub fn run_env(&self, envs: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_liuke"));
        cmd.arg("--db").arg(self.db()).args(args).env_remove("LIUKE_TODAY");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        into_run(cmd.output().unwrap())
    }

    pub fn import(&self, today: &str, kind: &str, path: &Path, extra: &[&str]) -> Run {
        let mut args = vec!["import", kind, path.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.run(today, &args)
    }

    pub fn customers(&self) -> serde_json::Value {
        self.run("2026-11-23", &["customers"]).ok().json()
    }
}

fn into_run(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Encodes text as GBK, as Excel in Chinese saves a CSV.
pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}
