//! The core's one error type. Every failure a clinic's staff can meet carries a
//! plain-Chinese message that says what went wrong and what to do next; import
//! failures carry every problem with its line and column. The same error
//! crosses the command surface as [`ApiError`], a tagged serialisable struct.

use serde::Serialize;

/// One problem in an input, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Problem {
    /// 1-based line in the file (the header is line 1); `None` for forms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The column as the file names it (e.g. `手机号`), or the form field key.
    pub column: String,
    /// What is wrong, in plain Chinese, with what to do about it.
    pub reason: String,
    /// The worksheet, for a problem in an Excel workbook (then `line` is
    /// the Excel row number and `column` names the column letter and header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl Problem {
    /// A problem in a form field (no line).
    pub fn field(column: impl Into<String>, reason: impl Into<String>) -> Self {
        Problem { line: None, column: column.into(), reason: reason.into(), sheet: None }
    }

    /// A problem at a line and column of an imported file.
    pub fn at(line: u64, column: impl Into<String>, reason: impl Into<String>) -> Self {
        Problem { line: Some(line), column: column.into(), reason: reason.into(), sheet: None }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let (Some(sheet), Some(line)) = (&self.sheet, self.line) {
            return if self.column.is_empty() {
                write!(f, "工作表「{sheet}」第 {line} 行：{}", self.reason)
            } else {
                write!(f, "工作表「{sheet}」第 {line} 行，{}：{}", self.column, self.reason)
            };
        }
        match self.line {
            Some(line) if self.column.is_empty() => write!(f, "第 {line} 行：{}", self.reason),
            Some(line) => write!(f, "第 {line} 行，列「{}」：{}", self.column, self.reason),
            // A form problem's reason names its field already.
            None => write!(f, "{}", self.reason),
        }
    }
}

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("数据库出错：{0}。请重试；若一再出现，请联系技术支持并保留数据文件。")]
    Db(#[from] rusqlite::Error),
    #[error("读写文件出错：{0}")]
    Io(#[from] std::io::Error),
    #[error("请求格式不正确（第 {} 行第 {} 列附近），请刷新页面后重试。", .0.line(), .0.column())]
    Json(#[from] serde_json::Error),
    /// Input that breaks a rule; every problem is listed.
    #[error("{}", summarize(.0))]
    Invalid(Vec<Problem>),
    /// An import file with problems; nothing was written.
    #[error("导入失败：文件中有 {} 处问题，未写入任何数据。请改正后重新导入。", .0.len())]
    Import(Vec<Problem>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("未知的操作「{0}」。")]
    UnknownCommand(String),
    #[error("数据库文件的版本（{found}）比本程序（{supported}）新，请安装新版留客后再打开。")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("{0}")]
    Config(String),
    /// A command from the UI without a signed-in staff member.
    #[error("{0}")]
    Unauthorized(String),
    /// The signed-in staff member's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A desk cannot reach its host, or the host is not the one it paired with.
    #[error("{0}")]
    Offline(String),
    /// The database file is damaged or not a database; it is left as it is.
    #[error("数据库文件 {path} 已损坏，无法安全使用（{why}）。留客没有动它，也不会新建空数据库。{}", match backup {
        Some(b) => format!("最近一份完好的备份：{b}。请在窗口中点「恢复最近的备份」，或运行 liuke restore \"{b}\"。"),
        None => "没有找到可用的备份，请联系技术支持，并保留这个文件。".to_string(),
    })]
    Damaged { path: String, why: String, backup: Option<String> },
}

fn summarize(problems: &[Problem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => {
            let list: Vec<String> = many.iter().map(Problem::to_string).collect();
            format!("有 {} 处需要改正：{}", many.len(), list.join("；"))
        }
    }
}

impl Error {
    /// A single invalid field.
    pub fn invalid(column: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid(vec![Problem::field(column, reason)])
    }

    /// A stable machine-readable code for the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Db(_) => "db",
            Error::Io(_) => "io",
            Error::Json(_) => "bad_request",
            Error::Invalid(_) => "invalid",
            Error::Import(_) => "import",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::UnknownCommand(_) => "unknown_command",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Config(_) => "config",
            Error::Damaged { .. } => "damaged",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::Offline(_) => "offline",
        }
    }

    /// The located problems, if the error has any.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid(p) | Error::Import(p) => p,
            _ => &[],
        }
    }
}

/// The result type of the core.
pub type Result<T> = std::result::Result<T, Error>;

/// An error as it crosses the command surface (Tauri IPC or HTTP).
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
    pub problems: Vec<Problem>,
}

impl ApiError {
    /// The error in a host's answer (`{code, message, problems}`), as a desk
    /// passes it on to its window: the same code and words.
    pub fn from_answer(error: &serde_json::Value) -> ApiError {
        const CODES: [&str; 15] = [
            "db", "io", "bad_request", "invalid", "import", "not_found", "conflict", "unknown_command", "schema_too_new", "config", "damaged",
            "unauthorized", "forbidden", "offline", "too_large",
        ];
        let code = error["code"].as_str().and_then(|c| CODES.iter().find(|k| **k == c).copied()).unwrap_or("unknown");
        let problems = serde_json::from_value(error["problems"].clone()).unwrap_or_default();
        ApiError { code, message: error["message"].as_str().unwrap_or("主机没有说明原因，请重试。").to_string(), problems }
    }
}

impl From<&Error> for ApiError {
    fn from(e: &Error) -> Self {
        ApiError { code: e.code(), message: e.to_string(), problems: e.problems().to_vec() }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::from(&e)
    }
}
