//! The `liuke` command line: parses, calls the core, prints. Problems go to
//! stderr, every one, with file, line and column; the exit code is non-zero on
//! any problem, and nothing is changed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use liuke::commands::App;
use serde_json::json;
use base64::Engine as _;
use liuke::{clock, followups, import, Error, Result};

#[derive(Parser)]
#[command(name = "liuke", version, about = "留客 Liuke：医美机构的客户档案、分诊、回访与留存报表")]
struct Cli {
    /// 数据库文件（默认：应用数据目录中的 liuke.db，与桌面程序相同）
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// 把“今天”固定为这一天（YYYY-MM-DD），也可用环境变量 LIUKE_TODAY
    #[arg(long, global = true, env = "LIUKE_TODAY", value_name = "YYYY-MM-DD")]
    today: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 创建或升级数据库（可重复执行）
    Init,
    /// 从 CSV 文件或 Excel 工作簿导入（.csv UTF-8 或 GBK，.xlsx .xls .xlsb .ods；整份导入或完全不导入）
    Import {
        kind: ImportKind,
        file: PathBuf,
        /// 工作簿中的哪一张工作表（默认第一张）
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// 只检查，不写入
        #[arg(long)]
        dry_run: bool,
    },
    /// 列出客户（可按手机号、姓名、拼音首字母搜索）
    Customers {
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// 每位客户的分层标签、消费、到院和积分（截至某日）
    Tiers {
        /// 截至哪一天（YYYY-MM-DD，默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// 每一张券及其在某日的状态（可用、已使用、已过期、已作废）
    Vouchers {
        /// 截至哪一天（YYYY-MM-DD，默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// 回访清单：列出到期回访，或登记一次回访结果
    Callbacks {
        #[command(subcommand)]
        action: CallbacksAction,
    },
    /// 某一天的预约簿（按时间、医生/顾问排列）
    Appointments {
        /// 哪一天（YYYY-MM-DD，默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// 经营报表
    Report {
        #[command(subcommand)]
        action: ReportAction,
    },
    /// 备份数据库（联机备份并校验；默认写入数据目录的 backups 文件夹）
    Backup {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// 用备份文件恢复数据库（先校验备份；原文件会另存一份，不会丢失）
    Restore { file: PathBuf },
    /// 在浏览器中使用（仅本机 127.0.0.1）
    Serve {
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// 同时在诊所网络上提供服务（HTTPS），供其他电脑连接
        #[arg(long)]
        lan: bool,
        /// 网络服务的端口（默认取 设置 中的端口，47480；0 表示任选空闲端口）
        #[arg(long)]
        lan_port: Option<u16>,
        /// 网络服务监听的地址（默认所有网卡）
        #[arg(long)]
        lan_bind: Option<std::net::IpAddr>,
    },
    /// 写入一家演示诊所的数据（只写入空数据库）
    Demo {
        #[arg(long, default_value_t = 300)]
        customers: usize,
        #[arg(long, default_value_t = 20261123)]
        seed: u64,
        /// 数据库已有客户时不写入，也不算出错（快速开始脚本用）
        #[arg(long)]
        if_empty: bool,
    },
}

#[derive(Subcommand)]
enum CallbacksAction {
    /// 某一天要打的回访（下次回访日 ≤ 该日的未完成任务）
    Due {
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// 登记一次回访：reached 接通、sent 消息已发送、no_answer 未接通、escalate 投诉/不良反应、reschedule 改期
    Complete {
        task_id: i64,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        note: Option<String>,
        /// 改期到哪一天（reschedule 时必填）
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        /// 满意度 1–5（仅 reached；1–2 分提醒医生和院长）
        #[arg(long, value_name = "1-5")]
        score: Option<i64>,
    },
}

#[derive(Subcommand)]
enum ReportAction {
    /// 月度留存报表：该月及之前 12 个月
    Monthly {
        /// 月份，YYYY-MM
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        /// 写入文件（xlsx 必须指定）
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// 经营分析：渠道、到院次数、流失新客、顾问与回访人（某几个月）
    Analysis {
        /// 开始月份，YYYY-MM
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        /// 结束月份，YYYY-MM
        #[arg(long, value_name = "YYYY-MM")]
        to: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        /// 写入文件（xlsx 必须指定）
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Json,
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    Customers,
    Consumption,
    Executions,
    Arrivals,
    /// 获客成本：月份、渠道、金额
    Costs,
}


#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Csv,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err((file, e)) => {
            report(file.as_deref(), &e);
            ExitCode::FAILURE
        }
    }
}

fn report(file: Option<&Path>, e: &Error) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "错误：{e}");
    for p in e.problems() {
        match file {
            Some(f) => {
                let _ = writeln!(err, "  {}：{p}", f.display());
            }
            None => {
                let _ = writeln!(err, "  {p}");
            }
        }
    }
}

type CliResult = std::result::Result<(), (Option<PathBuf>, Error)>;

fn run(cli: Cli) -> CliResult {
    let no_file = |e: Error| (None, e);
    let pinned = cli.today.as_deref().map(clock::parse_today).transpose().map_err(no_file)?;
    let db = match cli.db {
        Some(p) => p,
        None => liuke::store::default_db_path().map_err(no_file)?,
    };
    // Restoring must work when the database itself cannot be opened.
    if let Command::Restore { file } = &cli.command {
        let clock = liuke::Clock::new(liuke::clock::DEFAULT_TIME_ZONE, pinned).map_err(no_file)?;
        let passphrase = if liuke::backup::sealed::is_sealed(file) { backup_passphrase().map_err(no_file)? } else { None };
        let b = liuke::backup::restore_with(&db, file, passphrase.as_deref(), &clock).map_err(|e| (Some(file.clone()), e))?;
        println!("已从 {} 恢复：客户 {} 位。原来的数据库文件已另存在它旁边。", file.display(), b.customers);
        return Ok(());
    }
    let mut app = App::open(&db, pinned).map_err(no_file)?;
    // Every command first brings the time-based follow-ups up to today.
    app.bring_followups_up_to_today().map_err(no_file)?;
    let fmt = |f: Format| if f == Format::Csv { "csv" } else { "json" };
    match cli.command {
        Command::Init => {
            println!("数据库已就绪：{}（结构版本 {}）", db.display(), liuke::store::schema_version());
            Ok(())
        }
        Command::Import { kind, file, sheet, dry_run } => run_import(&mut app, kind, &file, sheet.as_deref(), dry_run).map_err(|e| (Some(file), e)),
        Command::Serve { port, lan, lan_port, lan_bind } => {
            let network = liuke::serve::Network { forced: lan, port: lan_port, bind: lan_bind };
            liuke::serve::run(app, port, network, |address| {
                println!("留客已启动：{address}");
                let _ = std::io::stdout().flush();
            })
            .map_err(no_file)
        }
        Command::Customers { search, format } => print_text(app.run_as_system("customers.export", json!({"search": search, "format": fmt(format)}))).map_err(no_file),
        Command::Tiers { as_of, format } => {
            let as_of = as_of.as_deref().map(|d| flag_date(d, "--as-of")).transpose().map_err(no_file)?;
            print_text(app.run_as_system("tiers.rows", json!({"as_of": as_of, "format": fmt(format)}))).map_err(no_file)
        }
        Command::Vouchers { as_of, format } => {
            let as_of = as_of.as_deref().map(|d| flag_date(d, "--as-of")).transpose().map_err(no_file)?;
            print_text(app.run_as_system("vouchers.rows", json!({"as_of": as_of, "format": fmt(format)}))).map_err(no_file)
        }
        Command::Appointments { date, format } => {
            let date = date.as_deref().map(|d| flag_date(d, "--date")).transpose().map_err(no_file)?;
            print_text(app.run_as_system("appointments.list", json!({"date": date, "format": fmt(format)}))).map_err(no_file)
        }
        Command::Callbacks { action: CallbacksAction::Due { date, format } } => {
            let date = flag_date(&date, "--date").map_err(no_file)?;
            print_text(app.run_as_system("callbacks.due", json!({"date": date, "format": fmt(format)}))).map_err(no_file)
        }
        Command::Callbacks { action: CallbacksAction::Complete { task_id, outcome, note, to, score } } => {
            complete_call(&mut app, task_id, &outcome, note, to, score).map_err(no_file)
        }
        Command::Report { action: ReportAction::Monthly { month, format, out } } => {
            monthly_report(&mut app, &month, format, out.as_deref()).map_err(|e| (out.clone(), e))
        }
        Command::Report { action: ReportAction::Analysis { from, to, format, out } } => {
            analysis_report(&mut app, &from, &to, format, out.as_deref()).map_err(|e| (out.clone(), e))
        }
        Command::Backup { out } => {
            let answer = app.run_as_system("backup.now", json!({"out": out.as_ref().map(|p| p.display().to_string())})).map_err(|e| (out.clone(), e))?;
            println!(
                "备份完成并已校验：{}（客户 {} 位，{} 字节）",
                answer["path"].as_str().unwrap_or(""),
                answer["customers"],
                answer["bytes"]
            );
            let mirror = &answer["mirror"];
            match mirror["problem"].as_str() {
                Some(problem) => eprintln!("{problem}"),
                None if mirror.is_object() => println!("第二备份文件夹 {} 已同步（新复制 {} 份）", mirror["path"].as_str().unwrap_or(""), mirror["copied"]),
                None => {}
            }
            Ok(())
        }
        Command::Restore { .. } => Ok(()),
        Command::Demo { customers, seed, if_empty } => {
            let r = app.run_as_system("demo.seed", json!({"customers": customers, "seed": seed, "if_empty": if_empty})).map_err(no_file)?;
            if r["written"] == true {
                println!("演示诊所已写入：员工 {} 位，客户 {} 位，订单 {} 张（种子 {}）。", r["staff"], r["customers"], r["orders"], r["seed"]);
            } else {
                println!("数据库里已有客户档案，没有写入演示数据：{}", db.display());
            }
            Ok(())
        }
    }
}

/// A date flag, read as the core reads dates; a bad one names its flag.
fn flag_date(text: &str, flag: &str) -> Result<String> {
    liuke::parse::date(text).map(|d| d.to_string()).map_err(|reason| Error::Config(format!("{flag}：{reason}")))
}

/// Prints a command's `text` answer as it is.
fn print_text(answer: Result<serde_json::Value>) -> Result<()> {
    let answer = answer?;
    std::io::stdout().lock().write_all(answer["text"].as_str().unwrap_or("").as_bytes())?;
    Ok(())
}

/// The owner's backup passphrase for a sealed backup: `LIUKE_BACKUP_PASSPHRASE`,
/// or one line typed at the prompt.
fn backup_passphrase() -> Result<Option<String>> {
    if let Ok(p) = std::env::var("LIUKE_BACKUP_PASSPHRASE") {
        return Ok(Some(p));
    }
    eprint!("这是加密的备份，请输入备份口令：");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
}

fn run_import(app: &mut App, kind: ImportKind, file: &Path, sheet: Option<&str>, dry_run: bool) -> Result<()> {
    let bytes = std::fs::read(file)
        .map_err(|e| Error::Config(format!("无法读取文件 {}：{e}", file.display())))?;
    let watch = import::progress::Watch::default();
    app.set_import_watch(watch.clone());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A large file takes a while: say how far it has got, on a terminal only.
    let shown = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
        let (watch, done) = (watch.clone(), done.clone());
        std::thread::spawn(move || show_progress(&watch, &done))
    });
    // Through the same door as the window: permitted, and audited as 系统.
    let args = serde_json::json!({"content_base64": base64::engine::general_purpose::STANDARD.encode(&bytes), "sheet": sheet, "dry_run": dry_run});
    drop(bytes);
    let result = app.run_as_system(import_command(kind), args);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(t) = shown {
        let _ = t.join();
    }
    println!("{}", result?["summary"].as_str().unwrap_or("导入完成。"));
    Ok(())
}

fn import_command(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Customers => "import.customers",
        ImportKind::Consumption => "import.consumption",
        ImportKind::Executions => "import.executions",
        ImportKind::Arrivals => "import.arrivals",
        ImportKind::Costs => "costs.import",
    }
}

/// Four times a second: `导入中（检查并写入）：120000 / 864165 行`, on one line.
fn show_progress(watch: &import::progress::Watch, done: &std::sync::atomic::AtomicBool) {
    let mut shown = false;
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(250));
        if let Some(p) = watch.current().filter(|p| p.total >= 5_000) {
            let _ = write!(std::io::stderr(), "\r导入中（{}）：{} / {} 行   ", p.step, p.done, p.total);
            shown = true;
        }
    }
    if shown {
        let _ = writeln!(std::io::stderr());
    }
}

/// A report's format name; a workbook only into a file.
fn report_format(format: ReportFormat, out: Option<&Path>) -> Result<&'static str> {
    Ok(match format {
        ReportFormat::Json => "json",
        ReportFormat::Csv => "csv",
        ReportFormat::Xlsx if out.is_none() => {
            return Err(Error::Config("xlsx 是二进制文件，请用 --out 指定要写入的文件，例如 --out 报表.xlsx".into()));
        }
        ReportFormat::Xlsx => "xlsx",
    })
}

/// Writes a report's bytes to the file asked for (saying so, with the months
/// it covers), or to stdout.
fn deliver(answer: &serde_json::Value, out: Option<&Path>, covers: &str) -> Result<()> {
    let bytes = match answer["base64"].as_str() {
        Some(b64) => base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| Error::Config(format!("报表无法写出：{e}")))?,
        None => answer["text"].as_str().unwrap_or("").as_bytes().to_vec(),
    };
    match out {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|e| Error::Config(format!("无法写入 {}：{e}", path.display())))?;
            println!("已写出 {}（{covers}）", path.display());
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(())
}

fn monthly_report(app: &mut App, month: &str, format: ReportFormat, out: Option<&Path>) -> Result<()> {
    let f = report_format(format, out)?;
    let answer = app.run_as_system("report.figures", json!({"month": month, "format": f}))?;
    let covers = format!("{} 至 {}", answer["range"]["from"].as_str().unwrap_or(""), answer["range"]["to"].as_str().unwrap_or(""));
    deliver(&answer, out, &covers)
}

fn analysis_report(app: &mut App, from: &str, to: &str, format: ReportFormat, out: Option<&Path>) -> Result<()> {
    let f = report_format(format, out)?;
    let answer = app.run_as_system("report.analysis_export", json!({"from": from, "to": to, "format": f}))?;
    let covers = format!("{} 至 {}，截至 {}", answer["from"].as_str().unwrap_or(""), answer["to"].as_str().unwrap_or(""), answer["end"].as_str().unwrap_or(""));
    deliver(&answer, out, &covers)
}

fn complete_call(app: &mut App, task_id: i64, outcome: &str, note: Option<String>, to: Option<String>, score: Option<i64>) -> Result<()> {
    let outcome = followups::Outcome::parse(outcome)
        .ok_or_else(|| Error::Config(format!("--outcome「{outcome}」无法识别，应为 reached、sent、no_answer、escalate 或 reschedule")))?;
    let to = to.as_deref().map(|t| liuke::parse::date(t).map_err(|reason| Error::Config(format!("--to：{reason}")))).transpose()?;
    let args = json!({"id": task_id, "outcome": outcome, "note": note, "to": to.map(|d| d.to_string()), "score": score});
    let task = app.run_as_system("callbacks.complete", args)?;
    writeln!(std::io::stdout().lock(), "{}", serde_json::to_string_pretty(&task)?)?;
    Ok(())
}



