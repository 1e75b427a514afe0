//! The one table of commands. Each command is declared once — its name, who
//! may run it, whether it writes, what the audit log calls it, how phones are
//! shown, and its handler — and dispatch, permission, audit and masking all
//! read that declaration. Nothing else in the crate lists command names.

use serde_json::Value;

use super::App;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::phone::PhoneView;
use crate::staff::{Role, StaffId};

/// What a handler is given besides its arguments.
pub struct Cx {
    pub clock: Clock,
    /// The staff member acting; always present for a command that writes.
    pub actor: Option<StaffId>,
    /// How phones are shown to whoever asked.
    pub phones: PhoneView,
    /// The session the request came with, if any.
    pub token: Option<String>,
    /// Where the request came from, and the desk if from the network.
    pub via: super::Via,
    pub desk: Option<crate::lan::desks::Desk>,
}

/// Who sent a request, as far as the command needs to know.
#[derive(Default)]
pub struct From {
    pub token: Option<String>,
    pub via: super::Via,
    pub desk: Option<crate::lan::desks::Desk>,
}

impl Cx {
    /// The acting staff member of a write.
    pub fn by(&self) -> Result<StaffId> {
        self.actor.ok_or_else(|| Error::Conflict("请先选择当前在岗的员工，再进行操作。".into()))
    }
}

pub type Handler = fn(&mut App, &Cx, Value) -> Result<Value>;

/// Who may run a command: a set of roles, plus two ways in without a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who(u16);

const fn bit(role: Role) -> u16 {
    1 << role as u16
}

impl Who {
    /// Anyone, before signing in (the picker, sign-in, the window's title).
    pub const PUBLIC: Who = Who(1 << 14);
    /// Only the command line (the built-in 系统 account).
    pub const SYSTEM: Who = Who(bit(Role::System));
    /// Only the owner, and the command line as 系统.
    pub const OWNER: Who = Who(bit(Role::Owner) | bit(Role::System));
    /// Every signed-in role.
    pub const EVERYONE: Who = Who(
        bit(Role::Reception) | bit(Role::Consultant) | bit(Role::Doctor) | bit(Role::Nurse) | bit(Role::Service) | Who::OWNER.0,
    );
    /// The day's work at the desk and in the treatment rooms: everyone but customer service.
    pub const DESK: Who = Who(Who::EVERYONE.0 & !bit(Role::Service));
    /// Money back and corrections.
    pub const CONSULTANT: Who = Who(bit(Role::Consultant) | Who::OWNER.0);
    /// Complaints and adverse reactions are closed by a doctor.
    pub const DOCTOR: Who = Who(bit(Role::Doctor) | Who::OWNER.0);
    /// The owner's command that anyone may run while no account exists yet
    /// (the first owner is created from the welcome screen).
    pub const OWNER_OR_FIRST_RUN: Who = Who(Who::OWNER.0 | 1 << 15);

    pub fn admits(self, role: Role) -> bool {
        self.is_public() || self.0 & bit(role) != 0
    }

    pub fn is_public(self) -> bool {
        self.0 & Who::PUBLIC.0 != 0
    }

    pub fn on_first_run(self) -> bool {
        self.0 & (1 << 15) != 0
    }
}

/// How phones appear in a command's answer for customer service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phones {
    /// Masked (138****5678) for customer service, in full for every other role.
    Masked,
    /// In full for everyone: the lists customer service dials from.
    Dialled,
}

/// What the audit log records of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audit {
    No,
    /// A line with this action, the target and the arguments.
    Line(&'static str),
    /// A line with the record before and after: `reader` is the command
    /// that reads the record by the same `id`.
    Change(&'static str, &'static str),
}

/// One command's declaration.
pub struct Command {
    pub name: &'static str,
    pub who: Who,
    pub writes: bool,
    pub audit: Audit,
    pub phones: Phones,
    /// Answered before the day's pass of calls (what the opening window asks first).
    pub early: bool,
    /// A read that may make the calls of another day first, so it runs
    /// where writes run rather than on a reader connection.
    pub catches_up: bool,
    /// Runs only from the host PC itself (backups, restores): never from a desk.
    pub host_only: bool,
    /// A long read (seconds on a large clinic): run at a lower priority, so
    /// the desks' quick work goes first.
    pub heavy: bool,
    /// Answered to a PC on the network before the owner has approved it.
    pub before_approval: bool,
    /// Replaces the database file: runs alone, with no other command under way.
    pub exclusive: bool,
    pub run: Handler,
}

impl Command {
    /// A command that only reads.
    pub const fn read(name: &'static str, who: Who, run: Handler) -> Command {
        Command { name, who, writes: false, audit: Audit::No, phones: Phones::Masked, early: false, catches_up: false, host_only: false, heavy: false, before_approval: false, exclusive: false, run }
    }

    /// A command that writes: it needs an acting staff member.
    pub const fn write(name: &'static str, who: Who, run: Handler) -> Command {
        Command { name, who, writes: true, audit: Audit::No, phones: Phones::Masked, early: false, catches_up: false, host_only: false, heavy: false, before_approval: false, exclusive: false, run }
    }

    pub const fn audited(mut self, action: &'static str) -> Command {
        self.audit = Audit::Line(action);
        self
    }

    pub const fn audited_change(mut self, action: &'static str, reader: &'static str) -> Command {
        self.audit = Audit::Change(action, reader);
        self
    }

    pub const fn dialled(mut self) -> Command {
        self.phones = Phones::Dialled;
        self
    }

    pub const fn early(mut self) -> Command {
        self.early = true;
        self
    }

    pub const fn catches_up(mut self) -> Command {
        self.catches_up = true;
        self
    }

    pub const fn before_approval(mut self) -> Command {
        self.before_approval = true;
        self
    }

    pub const fn exclusive(mut self) -> Command {
        self.exclusive = true;
        self
    }

    pub const fn heavy(mut self) -> Command {
        self.heavy = true;
        self
    }

    pub const fn host_only(mut self) -> Command {
        self.host_only = true;
        self
    }

    /// Whether the command runs on the one writing connection; every other
    /// read runs on a reader of its own, beside the writes.
    pub fn on_writer(&self) -> bool {
        self.writes || self.catches_up
    }

    /// The audit action, if the command is audited.
    pub fn audit_action(&self) -> Option<&'static str> {
        match self.audit {
            Audit::No => None,
            Audit::Line(a) | Audit::Change(a, _) => Some(a),
        }
    }

    /// How phones are shown to `role`.
    pub fn phone_view(&self, role: Option<Role>) -> PhoneView {
        match (role, self.phones) {
            (Some(Role::Service), Phones::Masked) => PhoneView::Masked,
            // Before sign-in nothing with a phone is answered; mask all the same.
            (None, _) if self.who.is_public() => PhoneView::Masked,
            _ => PhoneView::Full,
        }
    }
}

/// Every command, in the order the modules declare them.
pub fn all() -> impl Iterator<Item = &'static Command> {
    [
        super::COMMANDS,
        super::consumption::COMMANDS,
        super::tiers::COMMANDS,
        super::followups::COMMANDS,
        super::appointments::COMMANDS,
        super::report::COMMANDS,
        super::analysis::COMMANDS,
        super::backups::COMMANDS,
        super::network::COMMANDS,
        super::benefits::COMMANDS,
        super::vouchers::COMMANDS,
    ]
    .into_iter()
    .flatten()
}

/// The commands a role may run: what the UI shows that role, so that no one
/// fills in a form only to be told it is not theirs.
pub fn admitted(role: Role) -> Vec<&'static str> {
    all().filter(|c| c.who.admits(role)).map(|c| c.name).collect()
}

/// The declaration of `name`.
pub fn find(name: &str) -> Result<&'static Command> {
    all().find(|c| c.name == name).ok_or_else(|| Error::UnknownCommand(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_declared_once() {
        let mut names: Vec<&str> = all().map(|c| c.name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a name declared twice");
        assert!(n >= 60, "{n}");
    }

    #[test]
    fn every_write_names_a_role_that_can_run_it_and_no_write_is_public() {
        for c in all() {
            if c.writes {
                // Signing in is the one write that comes before a session.
                assert!(!c.who.is_public() || matches!(c.name, "session.sign_in" | "recovery.restore_newest" | "desk.ask"), "{} writes without a session", c.name);
                assert!(c.who.admits(Role::Owner) || c.who == Who::SYSTEM, "{}", c.name);
            }
        }
    }

    #[test]
    fn only_the_two_asking_commands_answer_a_pc_not_yet_approved() {
        let asking: Vec<&str> = all().filter(|c| c.before_approval).map(|c| c.name).collect();
        assert_eq!(asking, ["desk.ask", "desk.status"]);
        assert!(all().filter(|c| c.before_approval).all(|c| c.who.is_public()));
    }

    #[test]
    fn customer_service_never_changes_money_or_the_archive() {
        for name in ["orders.create", "payments.add", "refunds.add", "records.void", "customers.update", "customers.create", "executions.add", "points.redeem"] {
            assert!(!find(name).unwrap().who.admits(Role::Service), "{name}");
        }
    }

    #[test]
    fn the_system_account_may_run_what_the_owner_may() {
        for c in all() {
            assert!(!c.who.admits(Role::Owner) || c.who.admits(Role::System), "{}", c.name);
        }
        assert!(!find("demo.seed").unwrap().who.admits(Role::Owner), "demo data only from the command line");
    }

    #[test]
    fn an_audit_with_before_and_after_reads_through_a_declared_command() {
        for c in all() {
            if let Audit::Change(_, reader) = c.audit {
                let r = find(reader).unwrap();
                assert!(!r.writes, "{} reads its record through {reader}", c.name);
            }
        }
    }

    #[test]
    fn a_role_is_told_exactly_the_commands_it_may_run() {
        let service = admitted(Role::Service);
        for name in ["callbacks.complete", "customers.search", "appointments.book"] {
            assert!(service.contains(&name), "{name}");
        }
        for name in ["orders.create", "customers.update", "records.void", "campaigns.create", "report.analysis", "costs.save"] {
            assert!(!service.contains(&name), "{name}");
        }
        let reception = admitted(Role::Reception);
        assert!(reception.contains(&"orders.create") && !reception.contains(&"records.void") && !reception.contains(&"report.monthly"));
        assert!(admitted(Role::Owner).contains(&"report.analysis"));
    }

    #[test]
    fn every_command_the_ui_calls_is_declared() {
        let mut called = 0;
        for (path, text) in crate::ui_assets::scripts() {
            for quote in ["call('", "call(\""] {
                for piece in text.split(quote).skip(1) {
                    let name: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_')).collect();
                    if name.contains('.') {
                        called += 1;
                        assert!(find(&name).is_ok(), "{path} calls {name}, which the table does not declare");
                    }
                }
            }
        }
        assert!(called > 40, "{called}");
    }
}
